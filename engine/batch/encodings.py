"""Turning the bytes of a real-world note file into text: UTF-8/16 with or without BOM, cp1251, koi8-r, GB18030, Big5.

Detection is restricted to the encodings interview archives in ru/zh/en actually use: left open, charset-normalizer
mistakes short GBK text for Korean. Single-byte Cyrillic is then settled by letter case, where statistics on short
notes are unreliable: koi8-r read as cp1251 (and the reverse) swaps upper and lower case, and prose is mostly lower case.
"""
from __future__ import annotations

import codecs

import charset_normalizer

CANDIDATES = ("utf_8", "utf_8_sig", "utf_16", "cp1251", "koi8_r", "gb18030", "big5")
CYRILLIC_SINGLE_BYTE = ("cp1251", "koi8_r")
_BOMS = ((codecs.BOM_UTF8, "utf_8_sig"), (codecs.BOM_UTF16_LE, "utf_16"), (codecs.BOM_UTF16_BE, "utf_16"))


class UndecodableError(ValueError):
    """The bytes are none of the supported encodings (or not text at all)."""


def detect(data: bytes, final: bool = True) -> str:
    """The encoding of ``data``; ``final=False`` for a leading sample whose last character may be cut."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if b"\x00" in data:
        return _utf16_without_bom(data)
    if _mostly_utf8(data, final):
        return "utf_8"
    best = charset_normalizer.from_bytes(data, cp_isolation=list(CANDIDATES)).best()
    if best is None:
        raise UndecodableError("not text in a supported encoding (UTF-8, UTF-16, cp1251, koi8-r, GB18030, Big5)")
    if best.encoding in CYRILLIC_SINGLE_BYTE:
        return max(CYRILLIC_SINGLE_BYTE, key=lambda name: _lower_case_share(data, name))
    return best.encoding


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a whole file's bytes; raises :class:`UndecodableError`."""
    encoding = detect(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableError(f"looks like {encoding} but byte {exc.start} is not valid in it") from None
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f")
    if controls > 0.01 * len(text):
        raise UndecodableError(f"binary data ({controls} control characters), not text")
    return text, encoding


def _mostly_utf8(data: bytes, final: bool) -> bool:
    """UTF-8, or UTF-8 with a few damaged bytes: other encodings read as UTF-8 give far more errors than valid
    multi-byte characters. A damaged file is then refused with the byte's position (or, in a record file, only the
    damaged line), rather than decoded as mojibake in some other encoding."""
    text = codecs.getincrementaldecoder("utf_8")(errors="replace").decode(data, final=final)
    damaged = text.count("\ufffd")
    return damaged == 0 or sum(1 for ch in text if ch > "\x7f") - damaged >= 8 * damaged


def _utf16_without_bom(data: bytes) -> str:
    """Text with NUL bytes is UTF-16 only if the NULs sit on one side of the code units (ASCII spaces, digits…)."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    units = len(data) // 2
    if len(data) % 2 == 0 and units:
        for name, nuls, other in (("utf_16_le", odd, even), ("utf_16_be", even, odd)):
            if nuls >= 0.1 * units and other == 0:
                try:
                    data.decode(name)
                    return name
                except UnicodeDecodeError:
                    break
    raise UndecodableError("binary data (NUL bytes), not text")


def _lower_case_share(data: bytes, encoding: str) -> float:
    text = data.decode(encoding, errors="replace")
    letters = [ch for ch in text if "\u0400" <= ch <= "\u04ff"]
    return sum(ch.islower() for ch in letters) / len(letters) if letters else 0.0
