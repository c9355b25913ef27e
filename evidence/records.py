"""Evidence records: what the NLP step hands to the rules engine, one per (clause, indicator) match."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Evidence:
    """A clause of the note matched to an indicator, qualified under the BEI rules.

    ``text[start:end] == quote`` holds for the note the record came from. ``weight`` is the clause's weight under the
    scoring policy (1, ½, 0…) and ``reasons`` say in words why it is not 1.
    """

    indicator: str
    iri: str
    quote: str
    start: int
    end: int
    lang: str
    event: int
    clause: int
    matchers: tuple[str, ...]
    score: float
    qualifiers: tuple[str, ...]
    weight: float
    reasons: tuple[str, ...] = field(default=())

    def to_json(self) -> dict:
        return {"quote": self.quote, "start": self.start, "end": self.end, "weight": self.weight,
                "qualifiers": list(self.qualifiers), "reasons": list(self.reasons), "lang": self.lang,
                "event": self.event, "clause": self.clause, "matchers": list(self.matchers),
                "score": round(self.score, 4)}
