"""Text out of a dropped file: plain text (UTF-8 with or without BOM, UTF-16) or a .docx (paragraphs and tables)."""
from __future__ import annotations

import io
import zipfile
from pathlib import PurePath


class FileError(ValueError):
    """A file the workbench cannot read as a note; the message names the file."""


def decode_text(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileError(f"{name}: not UTF-8 or UTF-16 text")


def docx_text(data: bytes, name: str) -> str:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FileError(f"{name}: not a readable .docx ({type(exc).__name__})") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def note_text(data: bytes, name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix == ".docx":
        return docx_text(data, name)
    if suffix in (".txt", ".md", ""):
        return decode_text(data, name)
    raise FileError(f"{name}: only .txt and .docx files can be dropped here")
