"""Which language a sentence is in, from its scripts and a few function words: fast, offline, per sentence.

Notes mix languages (a Russian sentence with English product names, a Chinese note quoting English), so the
decision is per sentence and by majority of letters, not per note.
"""
from __future__ import annotations

import re

SUPPORTED = ("ru", "zh", "en")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_OTHER_SCRIPT = re.compile(r"[\u0590-\u05ff\u0600-\u06ff\u0700-\u08ff\u0900-\u0dff\u0e00-\u0eff\u1100-\u11ff"
                           r"\u3040-\u30ff\uac00-\ud7af\u0370-\u03ff]")
_EN_WORDS = frozenset("the a an and i we to of in on for with was were is are it that this he she they my our "
                      "her his their at by from as but not had have has did do then so after".split())
_LATIN_FOREIGN = frozenset("der die das und ich nicht mit ist ein eine le la les et je est une des pas el los "
                           "por para con que una del il che non sono".split())


def detect(sentence: str) -> str:
    """``ru``, ``zh`` or ``en``; ``unsupported`` for other languages; ``none`` when there are no letters."""
    cjk = len(_CJK.findall(sentence))
    cyr = len(_CYRILLIC.findall(sentence))
    lat = len(_LATIN.findall(sentence))
    other = len(_OTHER_SCRIPT.findall(sentence))
    if cjk * 2 >= max(cyr, lat, 1) and cjk:
        return "zh"
    if not (cyr or lat or other):
        return "none"
    if other > max(cyr, lat):
        return "unsupported"
    if cyr >= lat:
        return "ru"
    words = re.findall(r"[a-zäöüßéèàçñ']+", sentence.lower())
    english = sum(w in _EN_WORDS for w in words)
    foreign = sum(w in _LATIN_FOREIGN for w in words) + len(re.findall(r"[äöüßéèàçñ]", sentence.lower()))
    return "unsupported" if foreign > english else "en"


def note_language(languages: list[str]) -> str:
    """The note's language for the result: the only supported one present, ``mixed`` when several are."""
    present = {lang for lang in languages if lang in SUPPORTED}
    if len(present) == 1:
        return present.pop()
    return "mixed" if present else "en"
