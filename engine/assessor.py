"""The Assessor behind ``engine.assess``: a note and frameworks in, a Result out — the product's main job as a Python API."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from engine.policy import Policy, load_policy
from engine.probes import probe_suggestions
from engine.result import (Result, competency_entries, discounted_entries, engine_info, indicator_entries,
                           position_entry)
from engine.rules import build_rules, run
from engine.rules.scoring import base_facts
from evidence.extract import Extractor
from ontology import Ontology, load


class UsageError(ValueError):
    """The request names something that does not exist (framework, position) or is malformed."""


@dataclass
class Assessor:
    """Scores notes against an ontology under a policy; build once (pipelines and cues are compiled once)."""

    onto: Ontology
    policy: Policy
    extractor: Extractor

    @classmethod
    def create(cls, ontology=None, policy=None, matchers: tuple[str, ...] | None = None) -> "Assessor":
        onto = ontology if isinstance(ontology, Ontology) else load(ontology)
        pol = policy if isinstance(policy, Policy) else load_policy(policy)
        extractor = Extractor(onto, pol, matchers) if matchers else Extractor(onto, pol)
        return cls(onto, pol, extractor)

    def check_request(self, frameworks, position: str | None) -> tuple[str, ...]:
        model = self.onto.model
        if isinstance(frameworks, str):
            frameworks = [f for f in frameworks.split(",") if f.strip()]
        frameworks = tuple(dict.fromkeys(f.strip() for f in frameworks))
        if not frameworks:
            raise UsageError("no framework given; known: " + ", ".join(model.frameworks))
        unknown = [f for f in frameworks if f not in model.frameworks]
        if unknown:
            raise UsageError(f"unknown framework(s) {', '.join(unknown)}; known: {', '.join(model.frameworks)}")
        if position is not None:
            if position not in model.positions:
                raise UsageError(f"unknown position {position}; known: {', '.join(model.positions)}")
            framework = model.positions[position].framework
            if framework not in frameworks:
                frameworks += (framework,)
        return frameworks

    def assess(self, text: str, frameworks, position: str | None = None, note_id: str = "note") -> Result:
        if not isinstance(text, str):
            raise UsageError(f"the note must be text, got {type(text).__name__}")
        frameworks = self.check_request(frameworks, position)
        model = self.onto.model
        note = self.extractor.extract(text, frameworks)
        competencies = tuple(c for fw in frameworks for c in model.levelled_competencies(fw))
        memory = run(build_rules(model, self.policy, competencies, position), base_facts(note.evidence))
        probes = probe_suggestions(model, memory, competencies, note.language)
        return Result(id=note_id, language=note.language, frameworks=list(frameworks),
                      competencies=competency_entries(memory, model, competencies, probes),
                      indicators=indicator_entries(memory, model), discounted=discounted_entries(memory),
                      engine=engine_info(self.onto.content_hash, self.policy.label),
                      position=position_entry(memory, model, position), notices=note.notices,
                      languages=note.languages)


@functools.lru_cache(maxsize=8)
def _assessor(ontology, policy) -> Assessor:
    return Assessor.create(ontology, policy)


def assess(text: str, frameworks=("CO",), position: str | None = None, policy=None, ontology=None,
           note_id: str = "note") -> Result:
    """Score one note: ``engine.assess(text, frameworks=["CO"], position=None, policy=None) -> Result``."""
    key_policy = str(policy) if policy is not None and not isinstance(policy, Policy) else policy
    return _assessor(ontology, key_policy).assess(text, frameworks, position, note_id)
