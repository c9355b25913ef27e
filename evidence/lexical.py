"""The lexical matcher: character n-gram TF-IDF similarity between a unit and each indicator's text (labels in
three languages, the seed's definition, example sentences). Cheap, robust to inflection and typos, and it needs no
segmentation for Chinese.
"""
from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from evidence.matchers import NoteView, Signal, Signals, register
from ontology.model import Model

MIN_SCORE = 0.06
TOP = 3


@register("lexical")
class LexicalMatcher:
    name = "lexical"

    def __init__(self, model: Model, indicators: set[str]):
        self.codes = sorted(c for c in indicators if c in model.indicators)
        documents = []
        for code in self.codes:
            ind = model.indicators[code]
            parts = [*ind.labels.values(), ind.definition or ""]
            parts += [s for texts in ind.examples.values() for s in texts]
            documents.append(" ".join(parts))
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(documents).T.tocsr() if documents else None

    def signals(self, view: NoteView) -> Signals:
        if self.matrix is None or not view.units:
            return {}
        text = view.structure.text
        sims = (self.vectorizer.transform([text[u.start:u.end] for u in view.units]) @ self.matrix).toarray()
        out: Signals = {}
        for unit, row in zip(view.units, sims):
            for column in np.argsort(row)[::-1][:TOP]:
                if row[column] >= MIN_SCORE:
                    out[(unit.index, self.codes[column])] = Signal(float(row[column]))
        return out
