"""Per-language word analysis: candidate lemmas (all of them, since there is no tagger to choose) and, for
Russian, the verb features that tell who acted when the pronoun is dropped.

Russian uses pymorphy3 directly: ``spacy.blank("ru")`` leaves ~8% of tokens unlemmatized, and matching against
every candidate lemma recovers ambiguous words. English uses spaCy's lookup table from spacy-lookups-data.
Chinese has no inflection: cue terms match substrings of the clause, so a word is its own lemma.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass


MIN_VERB_SCORE = 0.3  # a form that is a verb only in a rare reading ("минут": minutes) is not taken for one


@dataclass(frozen=True, slots=True)
class Grammar:
    """What a Russian finite verb says about its subject and time (None where the form does not tell)."""

    person: str | None  # "1per" | "2per" | "3per"
    number: str | None  # "sing" | "plur"
    tense: str | None   # "past" | "pres" | "futr"
    mood: str | None    # "indc" | "impr"
    gender: str | None = None  # "masc" | "femn" | "neut": what a singular past form says instead of person


class Lemmatizer:
    """Identity lemmatizer (Chinese, and any unsupported language)."""

    lang = "xx"

    def lemmas(self, word: str) -> frozenset[str]:
        return frozenset((word.lower(),))

    def verb(self, word: str) -> Grammar | None:
        return None


class EnglishLemmatizer(Lemmatizer):
    lang = "en"

    def __init__(self) -> None:
        from spacy.lookups import load_lookups

        self._table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self.lemmas = functools.lru_cache(maxsize=200_000)(self._lemmas)  # type: ignore[method-assign]

    def _lemmas(self, word: str) -> frozenset[str]:
        lower = word.lower().replace("’", "'")
        lemma = self._table.get(lower, lower)
        return frozenset((lower, lemma)) if isinstance(lemma, str) else frozenset((lower,))


class RussianLemmatizer(Lemmatizer):
    lang = "ru"

    def __init__(self) -> None:
        import pymorphy3

        self._morph = pymorphy3.MorphAnalyzer()
        self.lemmas = functools.lru_cache(maxsize=200_000)(self._lemmas)  # type: ignore[method-assign]
        self.verb = functools.lru_cache(maxsize=200_000)(self._verb)  # type: ignore[method-assign]

    def _lemmas(self, word: str) -> frozenset[str]:
        lower = word.lower().replace("ё", "е")
        forms = {lower}
        for parse in self._morph.parse(lower)[:4]:
            forms.add(parse.normal_form.replace("ё", "е"))
        return frozenset(forms)

    def _verb(self, word: str) -> Grammar | None:
        parses = [p for p in self._morph.parse(word.lower()) if p.tag.POS == "VERB" and p.score >= MIN_VERB_SCORE]
        if not parses:
            return None
        tag = parses[0].tag
        return Grammar(tag.person, tag.number, tag.tense, tag.mood, tag.gender)


@functools.lru_cache(maxsize=None)
def lemmatizer(lang: str) -> Lemmatizer:
    """One shared lemmatizer per language (loading tables costs ~0.1 s)."""
    if lang == "en":
        return EnglishLemmatizer()
    if lang == "ru":
        return RussianLemmatizer()
    return Lemmatizer()
