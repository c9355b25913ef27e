"""The classifier matcher: which indicator a unit reads like, learned from the ontology's example sentences.

A multinomial logistic regression over the semantic matcher's multilingual embeddings, fitted on every example
sentence of the indicators in scope (so an indicator added in Protégé with examples is learned without code changes),
tells indicators apart where the nearest example cannot: on notes written after the recognition data, its first
choice is the gold indicator for 57% of gold quotes, the nearest example's for 38%. It says which indicator a unit
is most like, not whether it shows one at all; the combiner weighs that with the other signals.
"""
from __future__ import annotations

import hashlib

import numpy as np

from evidence.matchers import NoteView, Signals, first_choices, register
from evidence.semantic import EMBEDDINGS, embeddable_units, example_bank
from ontology import cache
from ontology.model import Model

C = 10.0         # inverse regularisation strength (chosen by first-choice accuracy on the development notes)
TOP = 3          # indicators proposed per unit
MIN_PROBABILITY = 0.05


def fit(vectors: np.ndarray, labels: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(classes, coefficients, intercepts) of a multinomial logistic regression; numpy only at run time."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=300).fit(vectors, labels)
    coef, intercept = model.coef_.astype(np.float32), model.intercept_.astype(np.float32)
    if len(model.classes_) == 2:  # one logit for the second class: as a softmax, the first class's logit is 0
        coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept]).astype(np.float32)
    return [str(c) for c in model.classes_], coef, intercept


@register("classifier")
class ClassifierMatcher:
    """The probability of each indicator in scope given the unit's embedding."""

    name = "classifier"

    def __init__(self, model: Model, indicators: set[str]):
        codes, _, vectors = example_bank(model)
        keep = [i for i, c in enumerate(codes) if c in indicators]
        labels = [codes[i] for i in keep]
        self.classes: list[str] = sorted(set(labels))
        if len(self.classes) < 2:  # nothing to tell apart
            self.coef, self.intercept = np.zeros((0, 512), np.float32), np.zeros(0, np.float32)
            return
        examples = np.ascontiguousarray(vectors[keep])
        digest = hashlib.sha256("\x1f".join(labels).encode("utf-8") + examples.tobytes()).hexdigest()
        self.classes, self.coef, self.intercept = cache.cached("classifier", f"{digest}|C={C}",
                                                               lambda: fit(examples, labels))

    def signals(self, view: NoteView) -> Signals:
        if not len(self.intercept):
            return {}
        text = view.structure.text
        units = embeddable_units(view)
        if not units:
            return {}
        logits = EMBEDDINGS.embed([text[u.start:u.end] for u in units]) @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        out: Signals = {}
        for unit, row in zip(units, probabilities):
            for code, signal in first_choices(row, self.classes, TOP, MIN_PROBABILITY):
                out[(unit.index, code)] = signal
        return out

