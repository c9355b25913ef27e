"""The classifier matcher: which indicator a unit reads like, learned from the ontology's example sentences.

A linear SVM over two views of every example sentence of the ontology: its multilingual embedding (what it means,
across languages) and its character n-grams (the words it uses, robust to inflection and typos). An indicator
added in Protégé with examples is learned without code changes. Fitted once per ontology, it scores a unit against
the indicators in scope only. On notes written after the recognition data, its first choice is the gold indicator for
66% of gold quotes; a logistic regression over the embedding alone managed 58%, the nearest example 38%. It says
which indicator a unit is most like, not whether it shows one at all; the combiner weighs that with the other
signals.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evidence.matchers import NoteView, Signals, first_choices, register
from evidence.semantic import EMBEDDINGS, embeddable_units, example_bank, example_key
from evidence.tfidf import CharNgramTfidf
from ontology import cache
from ontology.model import Model

C = 0.3               # SVM regularisation (chosen by first-choice accuracy on the development notes)
MAX_NGRAMS = 20_000   # character n-grams kept: in at least two examples, the most frequent first
TEMPERATURE = 10.0    # decision values → probabilities: softmax(T·d) over the indicators in scope
TOP = 3               # indicators proposed per unit
MIN_PROBABILITY = 0.05


@dataclass(frozen=True)
class LinearModel:
    """One linear scorer per indicator over [embedding, character n-grams]; numpy only at run time."""

    classes: list[str]
    ngrams: CharNgramTfidf
    embedding_coef: np.ndarray  # classes × embedding size
    ngram_coef: np.ndarray      # classes × n-grams
    intercept: np.ndarray

    def decisions(self, vectors: np.ndarray, texts: list[str]) -> np.ndarray:
        return (vectors @ self.embedding_coef.T + self.ngrams.transform(texts) @ self.ngram_coef.T
                + self.intercept)

    def restricted(self, codes: set[str]) -> "LinearModel":
        """The scorers of these indicators only."""
        rows = [i for i, c in enumerate(self.classes) if c in codes]
        return LinearModel([self.classes[i] for i in rows], self.ngrams, self.embedding_coef[rows],
                           self.ngram_coef[rows], self.intercept[rows])


def fit(vectors: np.ndarray, texts: list[str], labels: list[str]) -> LinearModel:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.svm import LinearSVC

    ngrams = CharNgramTfidf(min_df=2, max_features=MAX_NGRAMS)
    features = hstack([csr_matrix(vectors), ngrams.fit_transform(texts)]).tocsr()
    svm = LinearSVC(C=C).fit(features, labels)
    coef, intercept = svm.coef_.astype(np.float32), svm.intercept_.astype(np.float32)
    if len(svm.classes_) == 2:  # one scorer for the second class: the first class scores its negative
        coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    width = vectors.shape[1]
    return LinearModel([str(c) for c in svm.classes_], ngrams, np.ascontiguousarray(coef[:, :width]),
                       np.ascontiguousarray(coef[:, width:]), intercept)


def trained(model: Model) -> LinearModel | None:
    """The classifier of every indicator with examples (cached on disk by the examples), or None if fewer than two."""
    codes, texts, vectors = example_bank(model)
    if len(set(codes)) < 2:
        return None
    return cache.cached("classifier", f"{example_key(codes, texts)}|svm C={C} ngrams={MAX_NGRAMS}",
                        lambda: fit(vectors, texts, codes))


@register("classifier")
class ClassifierMatcher:
    """The probability of each indicator in scope given the unit's meaning and wording."""

    name = "classifier"

    def __init__(self, model: Model, indicators: set[str]):
        full = trained(model)
        self.model = full.restricted(indicators) if full else None
        if self.model is not None and len(self.model.classes) < 2:  # nothing to tell apart
            self.model = None

    def signals(self, view: NoteView) -> Signals:
        if self.model is None:
            return {}
        text = view.structure.text
        units = embeddable_units(view)
        if not units:
            return {}
        texts = [text[u.start:u.end] for u in units]
        logits = TEMPERATURE * self.model.decisions(EMBEDDINGS.embed(texts), texts)
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        out: Signals = {}
        for unit, row in zip(units, probabilities):
            for code, signal in first_choices(row, self.model.classes, TOP, MIN_PROBABILITY):
                out[(unit.index, code)] = signal
        return out
