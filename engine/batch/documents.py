"""Text out of office documents: .docx (paragraphs and tables, in document order) and .pdf (text layer).

Every failure becomes a :class:`DocumentError` whose message says what is wrong with the file (password-protected,
corrupt, no text layer), so the batch records it and goes on.
"""
from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import Iterator

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class DocumentError(ValueError):
    """A document that cannot give its text."""


def docx_text(path: Path) -> str:
    """Paragraphs and table rows (cells joined by `` | ``), one per line, as they appear in the document."""
    import docx

    with path.open("rb") as fh:
        head = fh.read(len(OLE_SIGNATURE))
    if head == OLE_SIGNATURE:
        raise DocumentError("password-protected .docx (or a Word 97-2003 .doc renamed): cannot read it")
    if not zipfile.is_zipfile(path):
        raise DocumentError("corrupt .docx: not a ZIP package")
    try:
        document = docx.Document(str(path))
        return "\n".join(_block_lines(document))
    except Exception as exc:  # zip, OPC and lxml layers each raise their own kinds on a damaged file
        raise DocumentError(f"corrupt .docx ({type(exc).__name__}: {exc})") from None


def _block_lines(container) -> Iterator[str]:
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = list(dict.fromkeys(cell for cell in row.cells))  # merged cells repeat the same object
                texts = ["\n".join(_block_lines(cell)).strip() for cell in cells]
                line = " | ".join(t for t in texts if t)
                if line:
                    yield line
        else:
            yield block.text


def pdf_text(path: Path) -> str:
    """The text layer of every page; a scanned PDF without one is an error, not an empty note."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged-file warnings would flood the progress display
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("password-protected .pdf: cannot read it")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except DocumentError:
        raise
    except FileNotDecryptedError:
        raise DocumentError("password-protected .pdf: cannot read it") from None
    except Exception as exc:  # pypdf's parser raises many kinds on damaged streams
        raise DocumentError(f"corrupt .pdf ({type(exc).__name__}: {exc})") from None
    if not text.strip():
        raise DocumentError(".pdf has no text layer (scanned?): nothing to score")
    return text
