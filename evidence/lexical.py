"""The lexical matcher: character n-gram TF-IDF similarity between a unit and each indicator's text in the unit's
language (label, cue words, example sentences, and the seed's definition where the seed is in that language).
Cheap, robust to inflection and typos, and it needs no segmentation for Chinese.

One vector space per language: mixing languages in one document would dilute every similarity.
"""
from __future__ import annotations

import re

import numpy as np
from evidence.language import SUPPORTED, detect
from evidence.matchers import NoteView, Signals, first_choices, register
from evidence.tfidf import CharNgramTfidf
from ontology.model import Indicator, Model

MIN_SCORE = 0.06
TOP = 3


def document(indicator: Indicator, lang: str) -> str:
    """What an indicator looks like in ``lang``: its label, cue words, examples, and the definition if in ``lang``."""
    parts = [indicator.labels.get(lang, "")]
    parts += [re.sub(r"[|*]", " ", cue) for cue in indicator.cues.get(lang, ())]
    parts += list(indicator.examples.get(lang, ()))
    if indicator.definition and detect(indicator.definition) == lang:
        parts.append(indicator.definition)
    return " ".join(p for p in parts if p)


@register("lexical")
class LexicalMatcher:
    name = "lexical"

    def __init__(self, model: Model, indicators: set[str]):
        self.codes = sorted(c for c in indicators if c in model.indicators)
        self.spaces: dict[str, tuple[CharNgramTfidf, object]] = {}
        for lang in SUPPORTED:
            documents = [document(model.indicators[c], lang) for c in self.codes]
            if self.codes and any(documents):
                vectorizer = CharNgramTfidf()
                self.spaces[lang] = (vectorizer, vectorizer.fit_transform(documents).T.tocsr())

    def signals(self, view: NoteView) -> Signals:
        text = view.structure.text
        out: Signals = {}
        for lang, (vectorizer, matrix) in self.spaces.items():
            units = [u for u in view.units if u.lang == lang]
            if not units:
                continue
            sims = (vectorizer.transform([text[u.start:u.end] for u in units]) @ matrix).toarray()
            for unit, row in zip(units, sims):
                for code, signal in first_choices(row, self.codes, TOP, MIN_SCORE):
                    out[(unit.index, code)] = signal
        return out
