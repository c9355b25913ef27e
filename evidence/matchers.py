"""Matcher backends: pluggable signals that a clause or sentence shows an indicator.

A backend is registered by name (``@register("cue")``) and built from the ontology model and the indicators in
scope. For the units of a note (sentences, or clauses of long sentences) it returns signals: (unit, indicator) →
score, with the exact span where it knows one. ``evidence.combine`` turns the signals of all backends into match
decisions with weights calibrated on the development corpus. The ontology decides what exists: an indicator added
in Protégé with cue phrases and example sentences is matched without code changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np

from evidence.cues import MAX_CLAUSES, CueIndex, compile_cues
from evidence.segment import NoteStructure
from evidence.units import Unit
from ontology.model import Model


@dataclass(frozen=True, slots=True)
class Signal:
    score: float
    start: int | None = None        # a precise span, where the backend knows the words that matched
    end: int | None = None
    anchor: int | None = None       # the behaviour's head word (negation scope is measured to it)
    anchor_clause: int | None = None
    negation_required: bool = False  # the matched phrase is itself an abstention ("did not argue")
    top: bool = False                # the backend's first choice for the unit


Signals = dict[tuple[int, str], Signal]


def first_choices(scores: np.ndarray, names: list[str], top: int, minimum: float) -> list[tuple[str, Signal]]:
    """A unit's ``top`` best-scoring indicators that reach ``minimum``, the best marked as the backend's first choice:
    how every scoring backend (lexical, semantic, classifier) turns one row of scores into signals."""
    ranked = np.argsort(scores)[::-1][:top]
    return [(names[i], Signal(float(scores[i]), top=rank == 0)) for rank, i in enumerate(ranked) if scores[i] >= minimum]


@dataclass
class NoteView:
    """What a backend sees of one note."""
    structure: NoteStructure
    units: list[Unit]
    tokens: dict[int, list[tuple[int, int, frozenset[str]]]]  # sentence index → (start, end, lemmas)
    text_lower: str
    has_negation: Callable[[int, int], bool]  # (clause index, before position) → a negation is in scope
    clause_weight: Callable[[int], float]     # the clause's weight before matching (0: it cannot count)
    prior: dict[tuple[int, str], dict[str, "Signal"]] = field(default_factory=dict)  # earlier backends' signals
    open_units: set[int] | None = None  # units whose decision a backend can still change (None: every unit)


class MatcherBackend(Protocol):
    name: str

    def signals(self, view: NoteView) -> Signals: ...


REGISTRY: dict[str, Callable[[Model, set[str]], MatcherBackend]] = {}


def register(name: str):
    def decorator(factory):
        REGISTRY[name] = factory
        return factory
    return decorator


def clause_at(structure: NoteStructure, clauses: tuple[int, ...], position: int) -> int:
    for index in clauses:
        clause = structure.clauses[index]
        if clause.start <= position < clause.end:
            return index
    return clauses[-1] if position >= structure.clauses[clauses[-1]].start else clauses[0]


@register("cue")
class CueMatcher:
    """Cue phrases of the ontology: every term of a cue found within a few clauses of one sentence."""

    name = "cue"

    def __init__(self, model: Model, indicators: set[str]):
        self.indexes: dict[str, CueIndex] = compile_cues(model, indicators)

    def signals(self, view: NoteView) -> Signals:
        structure = view.structure
        unit_of_clause = {c: u.index for u in view.units for c in u.clauses}
        out: Signals = {}
        for sentence in structure.sentences:
            index = self.indexes.get(sentence.lang)
            if index is None:
                continue
            if sentence.lang == "zh":
                hits = index.hits_substrings(structure.text, sentence.start, sentence.end)
            else:
                hits = index.hits_tokens(view.tokens.get(sentence.index, []), view.text_lower, sentence.start, sentence.end)
            by_cue: dict[int, dict[int, list[int]]] = {}
            for hit in hits:
                by_cue.setdefault(hit.cue, {}).setdefault(hit.term, []).append(hit.start)
            for c, term_hits in by_cue.items():
                cue = index.cues[c]
                needed = [t for t, term in enumerate(cue.terms) if not term.negation]
                if any(t not in term_hits for t in needed):
                    continue
                positions = [min(term_hits[t]) for t in needed]
                clauses = sorted({clause_at(structure, sentence.clauses, p) for p in positions})
                if clauses[-1] - clauses[0] + 1 > MAX_CLAUSES:
                    continue
                negation_required = len(needed) < len(cue.terms)
                if negation_required and not any(view.has_negation(ci, max(positions) + 1) for ci in clauses):
                    continue
                anchor_clause = clause_at(structure, sentence.clauses, positions[0])
                key = (unit_of_clause[anchor_clause], cue.indicator)
                signal = Signal(cue.score, structure.clauses[clauses[0]].start, structure.clauses[clauses[-1]].end,
                                positions[0], anchor_clause, negation_required)
                current = out.get(key)
                if current is None or (signal.score, current.end - current.start) > (current.score, signal.end - signal.start):
                    out[key] = signal
        return out
