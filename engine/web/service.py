"""The workbench's engine side: one ontology, an Assessor per bundled policy, scoring with the assessor's overrides.

Scoring is serialised by a lock: the NLP step's caches and tokenizers are not documented as thread-safe, and the
work is CPU-bound under the GIL, so the lock costs no throughput (use several worker processes for more).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from engine.assessor import Assessor, UsageError
from engine.emit.html import render
from engine.policy import bundled_policies
from engine.web.exports import corpus_record
from engine.web.overrides import Override, apply_overrides
from ontology import Ontology, load

DEFAULT_POLICY = "policy-v1"


@dataclass
class ScoreInput:
    text: str
    frameworks: list[str]
    position: str | None = None
    policy: str | None = None
    note_id: str = "note"
    overrides: list[Override] = field(default_factory=list)


class Workbench:
    """Build once per process: loading the ontology and the NLP pipelines takes seconds, scoring a note ~0.2 s."""

    def __init__(self, ontology: Ontology | str | None = None):
        self.onto = ontology if isinstance(ontology, Ontology) else load(ontology)
        self.policies = bundled_policies()
        self._assessors: dict[str, Assessor] = {}
        self._lock = threading.Lock()

    @property
    def model(self):
        return self.onto.model

    def assessor(self, policy: str | None) -> Assessor:
        policy = policy or DEFAULT_POLICY
        if policy not in self.policies:
            raise UsageError(f"unknown policy {policy}; known: {', '.join(sorted(self.policies))}")
        if policy not in self._assessors:
            self._assessors[policy] = Assessor.create(self.onto, self.policies[policy])
        return self._assessors[policy]

    def warm_up(self) -> None:
        """Load the pipelines, the embedding model and each framework's matchers now, so that the first assessor's
        note is as fast as the rest."""
        for framework in self.model.frameworks:
            self.score(ScoreInput("I called the customer back. Я перезвонил клиенту. 我给客户回了电话。", [framework]))

    def score(self, request: ScoreInput) -> dict[str, Any]:
        """The result object of OUTPUT.md, plus ``overrides`` (each with its reason) when the assessor made any."""
        with self._lock:
            assessor = self.assessor(request.policy)
            frameworks = assessor.check_request(request.frameworks, request.position)
            note = assessor.extractor.extract(request.text, frameworks)
            overrides = [ov.stamped() for ov in request.overrides]
            scope = {code for fw in frameworks for code in self.model.frameworks[fw].indicators}
            evidence = apply_overrides(request.text, note.evidence, overrides, note.structure, self.model, scope)
            result = assessor.conclude(note, evidence, frameworks, request.position, request.note_id).to_json()
        if overrides:
            result["overrides"] = [ov.to_json(request.text) for ov in overrides]
        return result

    def report(self, request: ScoreInput, lang: str) -> str:
        """The self-contained HTML report of ``engine.emit.html``; rejected evidence shows as discounted, with the reason."""
        return render(self.score(request), request.text, self.model, lang)

    def corpus_line(self, request: ScoreInput) -> dict[str, Any]:
        return corpus_record(self.score(request), request.text, self.model)
