"""Character n-gram TF-IDF: the vector space of the lexical matcher and of the evaluation baseline.

The computation of scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)``
(words padded with spaces, smooth idf, L2-normalised rows), written on scipy.sparse because importing scikit-learn
costs ~0.8 s of the command line's cold start, for a few lines of arithmetic.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

import numpy as np
from scipy.sparse import csr_matrix, diags


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
    """Fit on documents, then map texts to L2-normalised TF-IDF rows over the fitted vocabulary.

    ``min_df`` and ``max_features`` keep the vocabulary to n-grams in at least that many documents, and to the most
    frequent of those (by document frequency), for a space that a linear model over thousands of sentences can afford.
    """

    def __init__(self, low: int = 2, high: int = 4, min_df: int = 1, max_features: int | None = None):
        self.low, self.high = low, high
        self.min_df, self.max_features = min_df, max_features
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0)

    def fit_transform(self, documents: list[str]) -> csr_matrix:
        counts = [char_ngrams(d, self.low, self.high) for d in documents]
        frequency: Counter[str] = Counter(g for c in counts for g in c)
        kept = [g for g, n in frequency.most_common(self.max_features) if n >= self.min_df]
        self.vocabulary = {g: i for i, g in enumerate(sorted(kept))}
        df = np.array([frequency[g] for g in sorted(kept)], dtype=np.float64)
        self.idf = np.log((1 + len(documents)) / (1 + df)) + 1.0
        return self._rows(counts)

    def transform(self, texts: Iterable[str]) -> csr_matrix:
        return self._rows([char_ngrams(t, self.low, self.high) for t in texts])

    def _rows(self, counts: list[Counter[str]]) -> csr_matrix:
        columns: list[int] = []
        frequencies: list[int] = []
        indptr = [0]
        vocabulary = self.vocabulary
        for grams in counts:
            for gram, n in grams.items():
                column = vocabulary.get(gram)
                if column is not None:
                    columns.append(column)
                    frequencies.append(n)
            indptr.append(len(columns))
        index = np.array(columns, dtype=np.int64)
        weights = (1.0 + np.log(np.array(frequencies, dtype=np.float64))) * self.idf[index]
        rows = csr_matrix((weights, index, np.array(indptr, dtype=np.int64)), shape=(len(counts), len(vocabulary)))
        norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return csr_matrix(diags(1.0 / norms) @ rows)
