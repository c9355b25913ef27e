"""Character n-gram TF-IDF: the vector space of the lexical matcher and of the evaluation baseline.

The computation of scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)``
(words padded with spaces, smooth idf, L2-normalised rows), written on scipy.sparse because importing scikit-learn
costs ~0.8 s of the command line's cold start, for a few lines of arithmetic.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Iterable

import numpy as np
from scipy.sparse import csr_matrix


def char_ngrams(text: str, low: int = 2, high: int = 4) -> Counter[str]:
    """n-grams of each whitespace-separated word padded with one space on both sides (a short word counts once)."""
    grams: Counter[str] = Counter()
    for word in text.lower().split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:
                grams[padded] += 1
                break
            grams.update(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


class CharNgramTfidf:
    """Fit on documents, then map texts to L2-normalised TF-IDF rows over the fitted vocabulary."""

    def __init__(self, low: int = 2, high: int = 4):
        self.low, self.high = low, high
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0)

    def fit_transform(self, documents: list[str]) -> csr_matrix:
        counts = [char_ngrams(d, self.low, self.high) for d in documents]
        frequency: Counter[str] = Counter(g for c in counts for g in c)
        self.vocabulary = {g: i for i, g in enumerate(sorted(frequency))}
        df = np.array([frequency[g] for g in sorted(frequency)], dtype=np.float64)
        self.idf = np.log((1 + len(documents)) / (1 + df)) + 1.0
        return self._rows(counts)

    def transform(self, texts: Iterable[str]) -> csr_matrix:
        return self._rows([char_ngrams(t, self.low, self.high) for t in texts])

    def _rows(self, counts: list[Counter[str]]) -> csr_matrix:
        data: list[float] = []
        indices: list[int] = []
        indptr = [0]
        for grams in counts:
            row = [(self.vocabulary[g], (1.0 + math.log(n)) * self.idf[self.vocabulary[g]])
                   for g, n in grams.items() if g in self.vocabulary]
            norm = math.sqrt(sum(w * w for _, w in row)) or 1.0
            for column, weight in sorted(row):
                indices.append(column)
                data.append(weight / norm)
            indptr.append(len(indices))
        return csr_matrix((np.array(data), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
                          shape=(len(counts), len(self.vocabulary)))
