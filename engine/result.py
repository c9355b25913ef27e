"""The result object of OUTPUT.md: what every scoring interface emits, one per note.

Built from the rules engine's working memory, so every level carries the justification that derived it, down to the
evidence records with quotes and offsets.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from engine import __version__
from engine.rules.evaluator import Fact, WorkingMemory
from engine.rules.scoring import (ClauseEvidence, Counted, HighestLevel, IndicatorEvidenced, LevelConclusion,
                                  LevelEvidenced, NegativesEvidenced, PositionOutcome, Superseded)
from ontology.model import Model


@dataclass
class Result:
    """One scored note; ``to_json`` gives the contract's object."""

    id: str
    language: str
    frameworks: list[str]
    competencies: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    discounted: list[dict[str, Any]]
    engine: dict[str, str]
    position: dict[str, Any] | None = None
    notices: list[str] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "language": self.language, "frameworks": self.frameworks,
                               "competencies": self.competencies, "indicators": self.indicators}
        if self.position is not None:
            out["position"] = self.position
        out.update({"discounted": self.discounted, "languages": self.languages, "notices": self.notices,
                    "engine": self.engine})
        return out

    def dumps(self, indent: int | None = None) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=indent)


def level_value(model: Model, competency: str, rank: int | None) -> int | str | None:
    """How the contract writes a level: CO 0–5, GW below-Sb/Sb/Si/Sa, or None."""
    if rank is None:
        return None
    comp = model.competencies[competency]
    steps = [model.steps[model.levels[lv].step].value for lv in comp.levels]
    if rank == 0:
        return 0 if steps[0].isdigit() else f"below-{steps[0]}"
    value = steps[rank - 1]
    return int(value) if value.isdigit() else value


def describe(fact: Fact, model: Model, memory: WorkingMemory) -> str:
    """One line a person can read, for the premises list of a justification."""
    if isinstance(fact, ClauseEvidence):
        ev = fact.evidence
        return (f"clause [{ev.start}:{ev.end}] \"{ev.quote}\" → {ev.indicator} "
                f"(weight {ev.weight:g}; {', '.join(ev.qualifiers) or 'no qualifiers'})")
    if isinstance(fact, Counted):
        return f"clause #{fact.index} counts"
    if isinstance(fact, IndicatorEvidenced):
        return f"{fact.code} evidenced (total weight {fact.weight:g})"
    if isinstance(fact, LevelEvidenced):
        return f"{fact.level} has evidence"
    if isinstance(fact, HighestLevel):
        return f"highest level with evidence: {fact.level}"
    if isinstance(fact, NegativesEvidenced):
        return f"negative indicators evidenced: {', '.join(fact.codes)}"
    if isinstance(fact, LevelConclusion):
        return f"{fact.competency} = {level_value(model, fact.competency, fact.rank)}"
    return repr(fact)


def support_tree(fact: Fact, model: Model, memory: WorkingMemory) -> dict[str, Any]:
    """The justification as a tree: rule, fact, and the premises it used, down to evidence records."""
    node: dict[str, Any] = {"rule": memory.why(fact).rule, "fact": describe(fact, model, memory)}
    if isinstance(fact, ClauseEvidence):
        ev = fact.evidence
        node["evidence"] = {"indicator": ev.indicator, **ev.to_json()}
        return node
    children = [p for p in memory.premises(fact) if not isinstance(p, Counted)]
    children += [memory.facts[("ClauseEvidence", p.index)] for p in memory.premises(fact) if isinstance(p, Counted)]
    if children:
        node["premises"] = [support_tree(p, model, memory) for p in children]
    return node


def confidence(memory: WorkingMemory, model: Model, competency: str, rank: int | None) -> tuple[str, dict[str, int]]:
    """How much supports the level: distinct indicators and behavioural events at the top level with evidence."""
    tops = [f for f in memory.of(HighestLevel) if f.competency == competency]
    if rank is None or not tops:
        return "none", {"indicators": 0, "events": 0, "clauses": 0}
    level_fact = memory.facts[memory.why(tops[0]).premises[0]]
    indicators = memory.premises(level_fact)
    counted = [c for ind in indicators for c in memory.premises(ind)]
    evidence = [memory.facts[("ClauseEvidence", c.index)].evidence for c in counted]
    support = {"indicators": len(indicators), "events": len({e.event for e in evidence}),
               "clauses": len({e.clause for e in evidence})}
    if support["indicators"] >= 2 and support["events"] >= 2:
        return "high", support
    if support["indicators"] >= 2 or support["events"] >= 2:
        return "medium", support
    return "low", support


def competency_entries(memory: WorkingMemory, model: Model, competencies: tuple[str, ...],
                       probes: dict[str, list[dict]]) -> list[dict[str, Any]]:
    conclusions = {f.competency: f for f in memory.of(LevelConclusion)}
    out = []
    for comp in competencies:
        fact = conclusions[comp]
        label, support = confidence(memory, model, comp, fact.rank)
        entry: dict[str, Any] = {"code": comp, "level": level_value(model, comp, fact.rank), "confidence": label,
                                 "support": support, "flags": list(fact.flags)}
        premises = [f for f in memory.walk(fact) if f is not fact and isinstance(f, (ClauseEvidence, IndicatorEvidenced,
                                                                                    HighestLevel, NegativesEvidenced))]
        entry["justification"] = {"rule": memory.why(fact).rule,
                                  "premises": [describe(p, model, memory) for p in premises],
                                  "support": support_tree(fact, model, memory)}
        entry["probes"] = probes.get(comp, [])
        out.append(entry)
    return out


def indicator_entries(memory: WorkingMemory, model: Model) -> list[dict[str, Any]]:
    out = []
    for fact in sorted(memory.of(IndicatorEvidenced), key=lambda f: f.code):
        ind = model.indicators[fact.code]
        evidence = [memory.facts[("ClauseEvidence", c.index)].evidence for c in memory.premises(fact)]
        out.append({"code": fact.code, "iri": ind.iri, "negative": ind.negative, "framework": ind.framework,
                    "competency": ind.competency, "level": ind.level, "weight": fact.weight,
                    "rule": memory.why(fact).rule,
                    "evidence": [ev.to_json() for ev in sorted(evidence, key=lambda e: e.start)]})
    return out


def discounted_entries(memory: WorkingMemory) -> list[dict[str, Any]]:
    """Matched clauses that did not make their indicator evidenced, and why: the assessor sees the traps."""
    evidenced = {f.code for f in memory.of(IndicatorEvidenced)}
    superseded = {f.index: f.by for f in memory.of(Superseded)}
    out = []
    for fact in memory.of(ClauseEvidence):
        ev = fact.evidence
        if ev.indicator in evidenced and fact.index not in superseded and ev.weight > 0:
            continue
        reasons = list(ev.reasons)
        if fact.index in superseded:
            reasons.append(f"counted for the higher-level {superseded[fact.index]} instead")
        elif ev.weight > 0:
            reasons.append("weight below the evidence threshold")
        out.append({"code": ev.indicator, **ev.to_json(), "reasons": reasons})
    return sorted(out, key=lambda d: (d["start"], d["code"]))


def position_entry(memory: WorkingMemory, model: Model, position: str | None) -> dict[str, Any] | None:
    if not position:
        return None
    outcomes = {f.competency: f.outcome for f in memory.of(PositionOutcome)}
    requirements = model.positions[position].requirements
    return {"code": position, "iri": model.positions[position].iri,
            "required": {c: (model.level_value(lv) if lv else "N/A") for c, lv in requirements.items()},
            "outcomes": dict(sorted(outcomes.items()))}


def engine_info(onto_hash: str, policy_label: str) -> dict[str, str]:
    return {"version": __version__, "ontology": onto_hash, "policy": policy_label}
