"""The ConText-style trigger lists of ``data/triggers.toml``, compiled once per language into regexes."""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

CATEGORIES = ("subject_I", "subject_we", "subject_candidate", "pronoun_3sg", "subject_other", "someone_elses",
              "quote_sources", "negation", "pseudo_negation", "terminators", "hypothetical", "pseudo_hypothetical",
              "conditional", "generic", "specific_time", "speech_verbs", "complement_verbs", "third_person_note",
              "clause_joiners", "subordinators", "assessor_comment", "embedders")


@dataclass(frozen=True)
class Triggers:
    lang: str
    patterns: dict[str, re.Pattern | None]

    def find(self, category: str, text: str, start: int = 0, end: int | None = None) -> list[re.Match]:
        pattern = self.patterns.get(category)
        if pattern is None:
            return []
        return list(pattern.finditer(text, start, len(text) if end is None else end))

    def spans(self, category: str, text: str, start: int, end: int) -> list[tuple[int, int]]:
        return [m.span() for m in self.find(category, text, start, end)]


def _compile(lang: str, words: list[str]) -> re.Pattern | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w.strip()) if w.strip() == w else re.escape(w.strip()) + r"\s"
                            for w in sorted(words, key=len, reverse=True))
    if lang == "zh":
        return re.compile(f"(?:{alternatives})")
    return re.compile(rf"(?<![\w'’-])(?:{alternatives})(?![\w'’-])", re.IGNORECASE)


@functools.lru_cache(maxsize=None)
def triggers(lang: str) -> Triggers:
    """Compiled triggers for ``lang``; an unsupported language gets none (so nothing is discounted or matched)."""
    data = tomllib.loads((resources.files("evidence") / "data" / "triggers.toml").read_text(encoding="utf-8"))
    table = data.get(lang, {})
    unknown = set(table) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"triggers.toml [{lang}]: unknown categories {sorted(unknown)}")
    return Triggers(lang, {cat: _compile(lang, [w.lower() if lang != "zh" else w for w in table.get(cat, [])])
                           for cat in CATEGORIES})


@functools.lru_cache(maxsize=None)
def joiner(lang: str) -> re.Pattern | None:
    """Where a sentence starts a new clause: a conjunction followed by a subject ("… and I …", "…，我…"), or a
    subordinator ("… that I could not deliver")."""
    data = tomllib.loads((resources.files("evidence") / "data" / "triggers.toml").read_text(encoding="utf-8"))
    table = data.get(lang)
    if not table:
        return None
    conj = "|".join(re.escape(w) for w in sorted(table["clause_joiners"], key=len, reverse=True))
    subjects = [w for cat in ("subject_I", "subject_we", "subject_candidate", "pronoun_3sg", "subject_other")
                for w in table[cat] if " " not in w.strip()]
    subj = "|".join(re.escape(w) for w in sorted(set(subjects), key=len, reverse=True))
    sub = "|".join(re.escape(w) for w in sorted(table.get("subordinators", []), key=len, reverse=True))
    if lang == "zh":
        return re.compile(f"(?:{conj})(?=(?:{subj}))" + (f"|(?:{sub})" if sub else ""))
    return re.compile(rf"(?<!\w)(?:{conj})\s+(?=(?:{subj})(?!\w))" + (rf"|(?<!\w)(?:{sub})(?!\w)" if sub else ""),
                      re.IGNORECASE)
