"""Assessor overrides: rejecting an evidence record or adding one, applied to the evidence list before the rules run.

Stateless on purpose: the page sends the note with its list of overrides and the server recomputes the levels through
the same rules; the overrides, each with the assessor's reason and time, travel in the result, so every export
(JSON, HTML report, corpus line) carries them.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone

from evidence.records import Evidence
from evidence.segment import NoteStructure
from ontology.model import Model

ACTIONS = ("reject", "add")
ASSESSOR = "assessor"


class OverrideError(ValueError):
    """An override that cannot apply; the message names the override's index and field."""


@dataclass(frozen=True)
class Override:
    action: str  # "reject" | "add"
    code: str
    start: int
    end: int
    reason: str
    at: str = ""

    def stamped(self) -> "Override":
        """The override with the time it was first recorded (kept when the page sends it back)."""
        return self if self.at else replace(self, at=datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def to_json(self, text: str) -> dict:
        return {"action": self.action, "code": self.code, "start": self.start, "end": self.end,
                "quote": text[self.start:self.end], "reason": self.reason, "at": self.at}


def _rejected(ev: Evidence, reason: str) -> Evidence:
    return replace(ev, qualifiers=(*ev.qualifiers, "rejected"), weight=0.0,
                   reasons=(*ev.reasons, f"rejected by the assessor: {reason}"))


def _added(text: str, ov: Override, structure: NoteStructure, model: Model) -> Evidence:
    """An assessor's evidence record: weight 1, placed in the clause and event where its span starts."""
    clause = next((c for c in structure.clauses if c.start <= ov.start < c.end), None)
    if clause is None:  # a span in the gaps between clauses (whitespace, a heading): nearest clause before it
        clause = max((c for c in structure.clauses if c.start <= ov.start), key=lambda c: c.start, default=None)
    lang, event, index = (clause.lang, clause.event, clause.index) if clause else ("en", 0, -1)
    return Evidence(indicator=ov.code, iri=model.indicators[ov.code].iri, quote=text[ov.start:ov.end], start=ov.start,
                    end=ov.end, lang=lang, event=event, clause=index, matchers=(ASSESSOR,), score=1.0,
                    qualifiers=(ASSESSOR,), weight=1.0, reasons=(f"added by the assessor: {ov.reason}",))


def apply_overrides(text: str, evidence: list[Evidence], overrides: list[Override], structure: NoteStructure,
                    model: Model, scope: set[str]) -> list[Evidence]:
    """The evidence list after the overrides, in order; a reject keeps the record, at weight 0, with the reason."""
    out = list(evidence)
    for k, ov in enumerate(overrides):
        where = f"overrides[{k}]"
        if ov.action not in ACTIONS:
            raise OverrideError(f"{where}.action: {ov.action!r} is not one of {', '.join(ACTIONS)}")
        if ov.code not in scope:
            raise OverrideError(f"{where}.code: {ov.code} is not an indicator of the frameworks in scope")
        if not 0 <= ov.start < ov.end <= len(text):
            raise OverrideError(f"{where}: span [{ov.start}:{ov.end}] is not inside the note ({len(text)} characters)")
        if not ov.reason.strip():
            raise OverrideError(f"{where}.reason: a reason is required")
        same = [i for i, ev in enumerate(out) if (ev.indicator, ev.start, ev.end) == (ov.code, ov.start, ov.end)]
        if ov.action == "reject":
            if not same:
                raise OverrideError(f"{where}: no evidence for {ov.code} at [{ov.start}:{ov.end}] to reject")
            for i in same:
                out[i] = _rejected(out[i], ov.reason)
        elif same:  # the engine matched this span but discounted it: the assessor's record replaces it
            for i in same:
                out[i] = _added(text, ov, structure, model)
        else:
            out.append(_added(text, ov, structure, model))
    return out
