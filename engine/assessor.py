"""The Assessor behind ``engine.assess``: a note and frameworks in, a Result out — the product's main job as a Python API."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from engine.errors import UsageError
from engine.policy import Policy, load_policy
from engine.probes import probe_suggestions
from engine.result import (Result, competency_entries, discounted_entries, engine_info, indicator_entries,
                           position_entry)
from engine.rules import build_rules, run
from engine.rules.scoring import base_facts
from evidence.extract import ExtractedNote, Extractor
from evidence.records import Evidence
from ontology import Model, Ontology, load


def check_request(model: Model, frameworks, position: str | None) -> tuple[str, ...]:
    """The frameworks to score (a comma-separated string or a list), checked against the ontology; a position adds
    its framework. Raises UsageError naming what does not exist."""
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
        return check_request(self.onto.model, frameworks, position)

    def assess(self, text: str, frameworks, position: str | None = None, note_id: str = "note") -> Result:
        if not isinstance(text, str):
            raise UsageError(f"the note must be text, got {type(text).__name__}")
        frameworks = self.check_request(frameworks, position)
        note = self.extractor.extract(text, frameworks)
        return self.conclude(note, note.evidence, frameworks, position, note_id)

    def conclude(self, note: ExtractedNote, evidence: list[Evidence], frameworks: tuple[str, ...],
                 position: str | None, note_id: str) -> Result:
        """The rules half of ``assess``: levels, probes and the position outcome from evidence records.

        Separate so that evidence an assessor corrected (the workbench's overrides) goes through the same rules.
        """
        model = self.onto.model
        competencies = tuple(c for fw in frameworks for c in model.levelled_competencies(fw))
        memory = run(build_rules(model, self.policy, competencies, position), base_facts(evidence))
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
