"""The notes of an archive, streamed in a fixed order: a folder tree or one file of .txt/.md/.docx/.pdf/.jsonl/.csv.

Every input becomes either a :class:`Note` or an :class:`InputError` that says which input (file, line) and why, so one
bad file never stops a batch. Nothing is held beyond the current note: archives may be larger than memory.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Mapping

from engine.batch.documents import DocumentError, docx_text, pdf_text
from engine.batch.encodings import UndecodableError, decode, detect

TEXT_SUFFIXES = {".txt", ".md"}
RECORD_SUFFIXES = {".jsonl", ".csv"}
SUFFIXES = TEXT_SUFFIXES | RECORD_SUFFIXES | {".docx", ".pdf"}
SAMPLE_BYTES = 1 << 16
CONTAINER_FACTOR = 10  # a .docx/.pdf carries styles, fonts and images: its file may be this much larger than its text


@dataclass(frozen=True)
class Note:
    """A note to score; ``frameworks``/``position`` are None where the input left them to the command's defaults."""

    id: str
    text: str
    frameworks: tuple[str, ...] | None
    position: str | None
    source: str
    line: int | None = None


@dataclass(frozen=True)
class InputError:
    """An input that could not be read as a note."""

    id: str
    source: str
    line: int | None
    error: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "line": self.line, "error": self.error}


Item = Note | InputError
Meta = tuple[tuple[str, ...] | None, str | None]


class BadField(ValueError):
    """A record field of the wrong type; the message names the field."""


def parse_frameworks(value: Any) -> tuple[str, ...] | None:
    """A framework list as inputs give it: a JSON list or ``"CO,GW"`` / ``"CO;GW"`` / ``"CO GW"``; None when absent."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):
        return tuple(code for code in re.split(r"[,;\s]+", value) if code)
    if isinstance(value, list) and all(isinstance(code, str) for code in value):
        return tuple(value)
    raise BadField("field 'frameworks' must be a list of codes or a comma-separated string")


def parse_position(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadField("field 'position' must be a string such as GW.POS.05")
    return value.strip()


def load_sidecar(path: Path) -> dict[str, Meta]:
    """Per-note frameworks and position by note id, from a .csv (columns id, frameworks, position) or .jsonl file."""
    out: dict[str, Meta] = {}
    for number, row in _rows(path, max_bytes=1 << 30, required="id"):
        try:
            if isinstance(row, str):
                raise BadField(row)
            if not row.get("id"):
                raise BadField("field 'id' is required")
            out[str(row["id"])] = (parse_frameworks(row.get("frameworks")), parse_position(row.get("position")))
        except BadField as exc:
            raise BadField(f"sidecar {path}" + (f":{number}" if number else "") + f": {exc}") from None
    return out


class Archive:
    """The inputs under ``root`` in sorted path order; ``ignored`` counts skipped files by suffix once iterated."""

    def __init__(self, root: Path, max_bytes: int, sidecar: Mapping[str, Meta], exclude: tuple[Path, ...] = ()):
        self.root, self.max_bytes, self.sidecar = root, max_bytes, sidecar
        self.exclude = {p.resolve() for p in exclude}
        self.ignored: Counter[str] = Counter()

    def files(self) -> Iterator[tuple[Path, str]]:
        """(path, id) of every supported file; hidden files, the output folder and the sidecar are left out."""
        if self.root.is_file():
            yield self.root, self.root.name
            return
        yield from self._walk(self.root)

    def _walk(self, folder: Path) -> Iterator[tuple[Path, str]]:
        """Depth-first, entries sorted by name: the order is the same on every machine and every run."""
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            path = Path(entry.path)
            if entry.name.startswith(".") or path.resolve() in self.exclude:
                continue
            if entry.is_dir():
                yield from self._walk(path)
            elif path.suffix.lower() not in SUFFIXES:
                self.ignored[path.suffix.lower() or "(none)"] += 1
            else:
                yield path, path.relative_to(self.root).as_posix()

    def __iter__(self) -> Iterator[Item]:
        for path, rel in self.files():
            suffix = path.suffix.lower()
            if suffix in RECORD_SUFFIXES:
                yield from self.records(path, rel, top=path == self.root)
            else:
                yield self.document(path, rel)

    def estimate(self) -> int:
        """How many notes to expect (records counted by lines), for the progress bar; costs one read of record files."""
        total = 0
        for path, _ in self.files():
            if path.suffix.lower() in RECORD_SUFFIXES:
                with path.open("rb") as fh:
                    total += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
            else:
                total += 1
        self.ignored.clear()
        return total

    def document(self, path: Path, rel: str) -> Item:
        try:
            suffix = path.suffix.lower()
            limit = self.max_bytes * (CONTAINER_FACTOR if suffix in (".docx", ".pdf") else 1)
            size = path.stat().st_size
            if size > limit:
                return InputError(rel, str(path), None, f"oversized: {size} bytes > limit {limit}")
            if suffix == ".docx":
                text = docx_text(path)
            elif suffix == ".pdf":
                text = pdf_text(path)
            else:
                text = decode(path.read_bytes())[0]
        except (DocumentError, UndecodableError) as exc:
            return InputError(rel, str(path), None, str(exc))
        except OSError as exc:
            return InputError(rel, str(path), None, f"cannot read ({exc.strerror or exc})")
        return self.note(rel, text, None, None, str(path), None)

    def note(self, note_id: str, text: str, frameworks, position, source: str, line: int | None) -> Item:
        """A Note with the sidecar's frameworks/position where the input gave none, or an error if it is empty/too big."""
        if not text.strip():
            return InputError(note_id, source, line, "empty note: no text to score")
        if len(text.encode("utf-8", errors="surrogatepass")) > self.max_bytes:
            return InputError(note_id, source, line, f"oversized: text over the limit of {self.max_bytes} bytes")
        side_frameworks, side_position = self.sidecar.get(note_id, (None, None))
        return Note(note_id, text, frameworks or side_frameworks, position or side_position, source, line)

    def records(self, path: Path, rel: str, top: bool) -> Iterator[Item]:
        """The notes of a .jsonl or .csv file; ids default to ``line-N`` (``REL:line-N`` inside a folder)."""
        for number, row in _rows(path, self.max_bytes, required="text"):
            note_id = (f"line-{number}" if top else f"{rel}:line-{number}") if number else rel
            if isinstance(row, str):
                yield InputError(note_id, str(path), number, row)
                continue
            note_id = str(row.get("id") or note_id)
            try:
                frameworks, position = parse_frameworks(row.get("frameworks")), parse_position(row.get("position"))
                if not isinstance(row.get("text"), str):
                    raise BadField("a string field 'text' is required")
            except BadField as exc:
                yield InputError(note_id, str(path), number, str(exc))
                continue
            yield self.note(note_id, row["text"], frameworks, position, str(path), number)


def _rows(path: Path, max_bytes: int, required: str) -> Iterator[tuple[int | None, dict | str]]:
    """(line number, record or error message) of a .jsonl or .csv file; a whole-file problem has line None."""
    try:
        with path.open("rb") as fh:
            try:
                encoding = detect(fh.read(SAMPLE_BYTES), final=False)
            except UndecodableError as exc:
                yield None, str(exc)
                return
            fh.seek(0)
            if path.suffix.lower() == ".jsonl":
                yield from _jsonl_rows(fh, encoding, max_bytes, required)
            else:
                yield from _csv_rows(fh, encoding, max_bytes, required)
    except OSError as exc:
        yield None, f"cannot read ({exc.strerror or exc})"


def _jsonl_rows(fh: BinaryIO, encoding: str, max_bytes: int, required: str) -> Iterator[tuple[int, dict | str]]:
    """(line number, object or error message) per non-blank line."""
    for number, line in _lines(fh, encoding, max_bytes):
        if line is None:
            yield number, f"oversized: line over the limit of {max_bytes} bytes"
            continue
        if isinstance(line, bytes):
            yield number, f"line is not valid {encoding} text"
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"not JSON ({exc.msg} at column {exc.colno})"
            continue
        yield number, record if isinstance(record, dict) else f"a JSON object with a field '{required}' is required"


def _lines(fh: BinaryIO, encoding: str, max_bytes: int) -> Iterator[tuple[int, str | bytes | None]]:
    """Numbered lines decoded one by one (bytes back if one does not decode; None if one is over the limit).

    ASCII-compatible encodings are split on bytes so one bad line stays one error; UTF-16 must be decoded as a stream.
    """
    number = 0
    if encoding.startswith("utf_16"):
        stream = io.TextIOWrapper(fh, encoding=encoding, errors="strict", newline="")
        try:
            for number, line in enumerate(stream, 1):
                yield number, None if len(line) * 2 > max_bytes else line
        except UnicodeDecodeError:
            yield number + 1, b""  # the rest of a broken UTF-16 stream cannot be resynchronised
        finally:
            stream.detach()
        return
    while line := fh.readline(max_bytes + 1):
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        try:
            yield number, codecs.decode(line, encoding)
        except UnicodeDecodeError:
            yield number, line


def _csv_rows(fh: BinaryIO, encoding: str, max_bytes: int, required: str) -> Iterator[tuple[int, dict | str]]:
    """(line number where the row starts, row or error message); the header names the columns."""
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes + 1))
    stream = io.TextIOWrapper(fh, encoding=encoding, errors="strict", newline="")
    reader = csv.DictReader(stream)
    start = 2
    try:
        if reader.fieldnames is None or required not in reader.fieldnames:
            yield 1, f"a CSV header with a '{required}' column is required (found: {', '.join(reader.fieldnames or [])})"
            return
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, f"malformed CSV row ({exc})"
            else:
                yield start, row
            start = reader.line_num + 1
    except UnicodeDecodeError:
        yield start, f"not valid {encoding} text from here on; the rest of the file is skipped"
    finally:
        stream.detach()
