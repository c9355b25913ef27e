"""Blank spaCy pipelines for ru, zh and en, with the project's registered components.

``bei_lemmas`` puts every candidate lemma on ``token._.lemmas`` (spaCy's own ``LEMMA`` holds one and fails on zh);
``bei_evidence`` runs the whole evidence step and puts its records on ``doc._.evidence``, so the step drops into a
user's own pipeline with ``nlp.add_pipe("bei_evidence", config={"frameworks": ["CO"]})``.
Nothing is downloaded: the pipelines are blank, the tokenizers are rule-based (jieba for Chinese).
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path

import platformdirs
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from evidence.lexicon import lemmatizer

if not Token.has_extension("lemmas"):
    Token.set_extension("lemmas", default=frozenset())
if not Doc.has_extension("evidence"):
    Doc.set_extension("evidence", default=())


@Language.factory("bei_lemmas")
def make_lemmas(nlp: Language, name: str):
    """All candidate lemmas per token (pymorphy3 for ru, spaCy lookups for en, the word itself for zh)."""
    lemmas = lemmatizer(nlp.lang).lemmas

    def component(doc: Doc) -> Doc:
        for token in doc:
            token._.lemmas = lemmas(token.text)
        return doc
    return component


@Language.factory("bei_evidence", default_config={"frameworks": ["CO", "GW"], "ontology": None, "policy": None})
def make_evidence(nlp: Language, name: str, frameworks: list[str], ontology: str | None, policy: str | None):
    """Evidence records for the whole doc on ``doc._.evidence`` and as spans in ``doc.spans["bei_evidence"]``."""
    from evidence.extract import Extractor

    extractor = Extractor.create(ontology=ontology, policy=policy)

    def component(doc: Doc) -> Doc:
        records = extractor.extract(doc.text, frameworks).evidence
        doc._.evidence = tuple(records)
        spans = []
        for record in records:
            span = doc.char_span(record.start, record.end, label=record.indicator, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[name] = spans
        return doc
    return component


def _jieba_ready() -> None:
    """jieba caches its dictionary in a temp dir by default; give it our cache dir and keep it quiet."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    cache = Path(platformdirs.user_cache_dir("competency-engine"))
    try:
        cache.mkdir(parents=True, exist_ok=True)
        jieba.dt.tmp_dir = str(cache)
    except OSError:
        pass


@functools.lru_cache(maxsize=None)
def blank(lang: str) -> Language:
    """A blank pipeline for ``lang`` with the ``bei_lemmas`` component (cached: pipelines are reused)."""
    if lang == "zh":
        _jieba_ready()
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    else:
        nlp = spacy.blank(lang)
    nlp.add_pipe("bei_lemmas")
    return nlp
