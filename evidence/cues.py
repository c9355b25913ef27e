"""Cue phrases from the ontology (``cm:cuePhrase``), compiled per language into a term index and matched against
the tokens of a sentence.

A cue is 1–4 terms that must all occur in one sentence, within a few clauses; a term lists alternatives
(``a|b``), may end in ``*`` (prefix), and ru/en terms match any candidate lemma of a token while zh terms match
substrings. A term made only of negation words (``not``, ``не``, ``没|不``) requires a negation in the clause: it
is how abstentions ("did not argue") and negative indicators ("did not ask what she needed") are written.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ontology.model import Model

NEGATION_WORDS = {"en": {"not", "no", "never", "n't", "without"},
                  "ru": {"не", "ни", "нет", "никогда", "без"},
                  "zh": {"没", "不", "未", "没有", "从不", "从没", "从来没", "别", "无"}}
MAX_CLAUSES = 3


@dataclass(frozen=True, slots=True)
class Term:
    words: frozenset[str]           # whole lemmas (ru/en) or substrings (zh)
    prefixes: tuple[str, ...]       # ru/en: "эскалир*"
    phrases: tuple[str, ...]        # ru/en alternatives with a hyphen or space: matched in the lowered text
    negation: bool                  # the term asks for a negation in the clause


@dataclass(frozen=True, slots=True)
class Cue:
    indicator: str
    lang: str
    text: str
    terms: tuple[Term, ...]

    @property
    def score(self) -> float:
        return 0.6 + 0.1 * len(self.terms)


@dataclass(frozen=True, slots=True)
class Hit:
    """A token or substring of the sentence that satisfies one term of one cue."""
    cue: int
    term: int
    start: int
    end: int


def parse_cue(indicator: str, lang: str, text: str) -> Cue | None:
    """A cue from its text; None for an empty one."""
    terms = []
    for raw in text.split():
        alternatives = [a for a in raw.split("|") if a]
        if not alternatives:
            continue
        if lang != "zh":
            alternatives = [a.lower().replace("ё", "е") for a in alternatives]
        negation = all(a in NEGATION_WORDS.get(lang, ()) for a in alternatives)
        words = frozenset(a for a in alternatives if not a.endswith("*") and (lang == "zh" or not re.search(r"[-\s]", a)))
        prefixes = tuple(a[:-1] for a in alternatives if a.endswith("*") and len(a) > 2)
        phrases = tuple(a for a in alternatives if lang != "zh" and re.search(r"[-\s]", a) and not a.endswith("*"))
        terms.append(Term(words, prefixes, phrases, negation))
    return Cue(indicator, lang, text, tuple(terms)) if terms else None


class CueIndex:
    """Every cue of one language, indexed by term alternative for fast lookup."""

    def __init__(self, lang: str, cues: list[Cue]):
        self.lang = lang
        self.cues = cues
        self.by_word: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.by_prefix_head: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        self.phrases: list[tuple[str, int, int]] = []
        for c, cue in enumerate(cues):
            for t, term in enumerate(cue.terms):
                if term.negation:
                    continue
                for word in term.words:
                    self.by_word[word].append((c, t))
                for prefix in term.prefixes:
                    self.by_prefix_head[prefix[:3]].append((prefix, c, t))
                for phrase in term.phrases:
                    self.phrases.append((phrase, c, t))
        self._zh_pattern = None
        if lang == "zh" and self.by_word:
            words = sorted(self.by_word, key=len, reverse=True)
            self._zh_pattern = re.compile("|".join(re.escape(w) for w in words))
            self._zh_contained = {w: [v for v in words if v != w and v in w] for w in words}

    def hits_tokens(self, tokens: list[tuple[int, int, frozenset[str]]], text_lower: str, start: int, end: int) -> list[Hit]:
        """Term hits among ru/en tokens (start, end, lemmas) and in the lowered text span for phrases."""
        hits = []
        for t_start, t_end, lemmas in tokens:
            for lemma in lemmas:
                for c, t in self.by_word.get(lemma, ()):
                    hits.append(Hit(c, t, t_start, t_end))
                for prefix, c, t in self.by_prefix_head.get(lemma[:3], ()):
                    if lemma.startswith(prefix):
                        hits.append(Hit(c, t, t_start, t_end))
        for phrase, c, t in self.phrases:
            position = text_lower.find(phrase, start, end)
            if position >= 0:
                hits.append(Hit(c, t, position, position + len(phrase)))
        return hits

    def hits_substrings(self, text: str, start: int, end: int) -> list[Hit]:
        """Term hits in a Chinese span: every alternative found, including those inside longer ones."""
        if self._zh_pattern is None:
            return []
        hits = []
        for match in self._zh_pattern.finditer(text, start, end):
            found = match.group()
            for word in (found, *self._zh_contained[found]):
                offset = match.start() + found.index(word)
                for c, t in self.by_word[word]:
                    hits.append(Hit(c, t, offset, offset + len(word)))
        return hits


def compile_cues(model: Model, indicators: set[str] | None = None) -> dict[str, CueIndex]:
    """A cue index per language, for every indicator (or those given) that has cues in the ontology."""
    by_lang: dict[str, list[Cue]] = defaultdict(list)
    for code, ind in model.indicators.items():
        if indicators is not None and code not in indicators:
            continue
        for lang, texts in ind.cues.items():
            for text in texts:
                cue = parse_cue(code, lang, text)
                if cue is not None:
                    by_lang[lang].append(cue)
    return {lang: CueIndex(lang, cues) for lang, cues in by_lang.items()}
