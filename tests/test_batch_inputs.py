"""Batch inputs: encodings seen in real archives, every file type, bad inputs as error records, sidecar metadata."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engine.batch.encodings import UndecodableError, decode
from engine.batch.readers import Archive, InputError, Note, load_sidecar

EN = "I called the customer back two days later to check that the new tariff worked for her, and she said it did."
RU = "Я сама перезвонила клиентке через два дня и уточнила, устраивает ли её новый тариф. Она сказала, что всё хорошо."
ZH = "我两天后主动给客户回了电话，确认新的资费方案对她是否合适，她说很满意。"
ZH_TRADITIONAL = "我兩天後主動給客戶回了電話，確認新的資費方案對她是否合適，她說很滿意。"


def make_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer is ``text`` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_docx(path: Path, paragraph: str, cells: list[str]) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=len(cells))
    for cell, text in zip(table.rows[0].cells, cells):
        cell.text = text
    document.save(str(path))


def build_archive(root: Path) -> Path:
    """A small archive with every input kind the batch reads and every kind of bad input; returns the sidecar."""
    (root / "ru").mkdir(parents=True)
    (root / "zh").mkdir()
    (root / "a.txt").write_text(EN, encoding="utf-8")
    (root / "ru" / "cp1251.txt").write_bytes(RU.encode("cp1251"))
    (root / "ru" / "koi8.txt").write_bytes(RU.encode("koi8_r"))
    (root / "zh" / "gbk.txt").write_bytes(ZH.encode("gbk"))
    (root / "zh" / "big5.md").write_bytes(ZH_TRADITIONAL.encode("big5"))
    (root / "utf16.md").write_bytes(RU.encode("utf-16"))
    (root / "bom.txt").write_bytes(EN.encode("utf-8-sig"))
    (root / "notes.jsonl").write_text("\n".join([
        json.dumps({"id": "j1", "text": RU, "frameworks": ["GW"], "position": "GW.POS.05"}, ensure_ascii=False),
        "{broken",
        json.dumps({"text": ZH, "frameworks": "CO,GW"}, ensure_ascii=False),
        json.dumps({"id": "j4", "text": EN, "frameworks": 7}),
    ]) + "\n", encoding="utf-8")
    (root / "notes.csv").write_bytes(("id,text,frameworks\nc1,\"" + RU + "\",CO;GW\nc2,,\n").encode("cp1251"))
    make_docx(root / "report.docx", EN, ["Candidate: Olga", RU])
    (root / "scan.pdf").write_bytes(make_pdf(EN))
    (root / "locked.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(600))
    (root / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    (root / "empty.txt").write_bytes(b"  \n")
    (root / "big.txt").write_text(EN * 100, encoding="utf-8")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 64)
    (root / "photo.png").write_bytes(b"\x89PNG")
    (root / ".hidden.txt").write_text(EN, encoding="utf-8")
    sidecar = root / "meta.csv"
    sidecar.write_text("id,frameworks,position\na.txt,CO;GW,GW.POS.05\n", encoding="utf-8")
    return sidecar


MAX_BYTES = 8192  # big.txt (10.8 KB) is over it, every other note under (and .docx files are allowed 10x)


def encodable(texts: list[str], encodings: list[str]) -> list[tuple[str, str]]:
    """(text, encoding) pairs where the encoding can hold the text; BOM-less UTF-16 is detected by its NUL bytes, so
    only for text with some ASCII in it (a documented limit)."""
    pairs = []
    for encoding in encodings:
        for text in texts:
            try:
                text.encode(encoding)
            except UnicodeEncodeError:
                continue
            if encoding != "utf-16-le" or text in (EN, RU):
                pairs.append((text, encoding))
    return pairs


@pytest.mark.parametrize("text,encoding", encodable(
    [EN, RU, ZH, ZH_TRADITIONAL, "客户满意", "Клиент доволен"],
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1251", "koi8_r", "gbk", "gb18030", "big5"]))
def test_decode_real_world_encodings(text, encoding):
    assert decode(text.encode(encoding))[0] == text


def test_short_gbk_is_not_taken_for_korean():
    assert decode("客户满意".encode("gbk")) == ("客户满意", "gb18030")


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03" * 40, bytes(range(128, 256)) * 4])
def test_undecodable_bytes_are_refused(data):
    with pytest.raises(UndecodableError):
        decode(data)


def test_archive_reads_every_kind_in_path_order(tmp_path):
    sidecar = build_archive(tmp_path / "in")
    archive = Archive(tmp_path / "in", MAX_BYTES, load_sidecar(sidecar), exclude=(sidecar,))
    items = list(archive)
    assert [i.id for i in items] == [
        "a.txt", "big.txt", "binary.txt", "bom.txt", "broken.docx", "empty.txt", "locked.docx",
        "c1", "c2", "j1", "notes.jsonl:line-2", "notes.jsonl:line-3", "j4",
        "report.docx", "ru/cp1251.txt", "ru/koi8.txt", "scan.pdf", "utf16.md", "zh/big5.md", "zh/gbk.txt"]
    by_id = {i.id: i for i in items}
    for note_id, text in [("a.txt", EN), ("bom.txt", EN), ("ru/cp1251.txt", RU), ("ru/koi8.txt", RU),
                          ("zh/gbk.txt", ZH), ("zh/big5.md", ZH_TRADITIONAL), ("utf16.md", RU), ("j1", RU), ("c1", RU)]:
        assert isinstance(by_id[note_id], Note) and by_id[note_id].text == text, note_id
    assert by_id["report.docx"].text == f"{EN}\nCandidate: Olga | {RU}"
    assert by_id["scan.pdf"].text.strip() == EN
    assert (by_id["a.txt"].frameworks, by_id["a.txt"].position) == (("CO", "GW"), "GW.POS.05")  # from the sidecar
    assert (by_id["j1"].frameworks, by_id["j1"].position) == (("GW",), "GW.POS.05")
    assert by_id["c1"].frameworks == ("CO", "GW") and by_id["notes.jsonl:line-3"].frameworks == ("CO", "GW")
    assert by_id["bom.txt"].frameworks is None  # left to the command's --framework
    errors = {i.id: (i.line, i.error) for i in items if isinstance(i, InputError)}
    assert set(errors) == {"big.txt", "binary.txt", "broken.docx", "empty.txt", "locked.docx", "c2",
                           "notes.jsonl:line-2", "j4"}
    assert "oversized" in errors["big.txt"][1] and "binary" in errors["binary.txt"][1]
    assert "password-protected" in errors["locked.docx"][1] and "corrupt .docx" in errors["broken.docx"][1]
    assert "empty" in errors["empty.txt"][1] and errors["c2"] == (3, "empty note: no text to score")
    assert errors["notes.jsonl:line-2"][0] == 2 and "not JSON" in errors["notes.jsonl:line-2"][1]
    assert errors["j4"] == (4, "field 'frameworks' must be a list of codes or a comma-separated string")
    assert archive.ignored == {".png": 1}


def test_jsonl_line_over_the_limit_is_one_error_and_reading_goes_on(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "huge", "text": EN * 100}) + "\n" + json.dumps({"id": "ok", "text": EN}) + "\n",
                      encoding="utf-8")
    items = list(Archive(source, MAX_BYTES, {}))
    assert isinstance(items[0], InputError) and items[0].line == 1 and "oversized" in items[0].error
    assert isinstance(items[1], Note) and items[1].id == "ok"


def test_pdf_without_text_and_undecodable_jsonl_line_are_errors(tmp_path):
    (tmp_path / "blank.pdf").write_bytes(make_pdf(""))
    (tmp_path / "mixed.jsonl").write_bytes(json.dumps({"id": "a", "text": RU}, ensure_ascii=False).encode() + b"\n"
                                           + b'{"id": "b", "text": "\xff\xfe\xfa"}\n')  # one damaged line
    items = {i.id: i for i in Archive(tmp_path, MAX_BYTES, {})}
    assert "no text layer" in items["blank.pdf"].error
    assert isinstance(items["a"], Note) and "not valid utf_8" in items["mixed.jsonl:line-2"].error


def test_a_bad_sidecar_names_file_and_line(tmp_path):
    sidecar = tmp_path / "meta.jsonl"
    sidecar.write_text('{"id": "a.txt", "frameworks": ["CO"]}\n{"frameworks": ["GW"]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"meta.jsonl:2: field 'id' is required"):
        load_sidecar(sidecar)
