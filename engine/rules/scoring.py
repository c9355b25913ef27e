"""The scoring rules. A policy picks among these templates and sets their parameters; the ontology says which
indicators, levels and negatives exist. Rule ids appear in every justification.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from engine.policy import Policy
from engine.rules.evaluator import Derivation, Fact, Rule, WorkingMemory
from evidence.records import Evidence
from ontology.model import Model


# --- facts -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClauseEvidence(Fact):
    index: int
    evidence: Evidence

    @property
    def key(self) -> tuple:
        return ("ClauseEvidence", self.index)


@dataclass(frozen=True)
class Counted(Fact):
    """Evidence that counts towards its indicator (not superseded by a higher level on the same clause)."""
    index: int


@dataclass(frozen=True)
class Superseded(Fact):
    index: int
    by: str


@dataclass(frozen=True)
class IndicatorEvidenced(Fact):
    code: str
    weight: float


@dataclass(frozen=True)
class LevelEvidenced(Fact):
    competency: str
    level: str
    rank: int


@dataclass(frozen=True)
class NegativesEvidenced(Fact):
    competency: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class HighestLevel(Fact):
    competency: str
    level: str
    rank: int


@dataclass(frozen=True)
class LevelConclusion(Fact):
    """The demonstrated level: ``rank`` 0 is below the lowest level, None is not evidenced."""
    competency: str
    rank: int | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class PositionOutcome(Fact):
    position: str
    competency: str
    outcome: str


# --- rule templates --------------------------------------------------------------------------------------------
def clause_highest_level(model: Model) -> Rule:
    """Policy v1: a clause that fits indicators of several levels of one competency — the same behaviour at a wider
    scope — is evidence for the highest of them only. "The same behaviour" is the same process stage (GW's
    indicator n follows stage n at every level); indicators without a stage are different behaviours and all count.
    """
    def fire(memory: WorkingMemory):
        groups: dict[tuple, list[ClauseEvidence]] = defaultdict(list)
        for fact in memory.of(ClauseEvidence):
            ind = model.indicators[fact.evidence.indicator]
            if fact.evidence.weight > 0 and ind.level and ind.stage:
                groups[(fact.evidence.clause, ind.competency, ind.stage)].append(fact)
            elif fact.evidence.weight > 0:
                yield Counted(fact.index), (fact,)
        for facts in groups.values():
            top = max(model.levels[model.indicators[f.evidence.indicator].level].rank for f in facts)
            winners = [f for f in facts if model.levels[model.indicators[f.evidence.indicator].level].rank == top]
            for f in facts:
                if f in winners:
                    yield Counted(f.index), (f,)
                else:
                    yield Superseded(f.index, winners[0].evidence.indicator), (f, winners[0])
    return Rule("V1-CLAUSE-HIGHEST-LEVEL", 1, "Within one competency, a clause counts for the highest-level indicator "
                "of the same behaviour (process stage) only.", fire)


def clause_every_level() -> Rule:
    def fire(memory: WorkingMemory):
        for fact in memory.of(ClauseEvidence):
            if fact.evidence.weight > 0:
                yield Counted(fact.index), (fact,)
    return Rule("CLAUSE-EVERY-LEVEL", 1, "A clause counts for every indicator it matches.", fire)


def indicator_weight_sum(threshold: float) -> Rule:
    def fire(memory: WorkingMemory):
        by_code: dict[str, list[ClauseEvidence]] = defaultdict(list)
        for counted in memory.of(Counted):
            fact = memory.facts[("ClauseEvidence", counted.index)]
            by_code[fact.evidence.indicator].append(counted)
        for code, counted in by_code.items():
            total = sum(memory.facts[("ClauseEvidence", c.index)].evidence.weight for c in counted)
            if total + 1e-9 >= threshold:
                yield IndicatorEvidenced(code, round(total, 4)), tuple(counted)
    return Rule("V1-INDICATOR-THRESHOLD", 2, f"An indicator is evidenced when its clauses' weights add up to {threshold:g}.", fire)


def level_evidence(model: Model, competencies: tuple[str, ...], min_indicators: int, min_events: int) -> Rule:
    def fire(memory: WorkingMemory):
        by_level: dict[str, list[IndicatorEvidenced]] = defaultdict(list)
        for fact in memory.of(IndicatorEvidenced):
            ind = model.indicators[fact.code]
            if ind.level and ind.competency in competencies:
                by_level[ind.level].append(fact)
        for level, facts in by_level.items():
            events = {memory.facts[k].evidence.event for f in facts for c in memory.why(f).premises
                      for k in memory.why(memory.facts[c]).premises}
            if len(facts) >= min_indicators or len(events) >= min_events:
                lvl = model.levels[level]
                yield LevelEvidenced(lvl.competency, level, lvl.rank), tuple(facts)
    rule_id = "V1-LEVEL-EVIDENCE" if (min_indicators, min_events) == (1, 1) else "LEVEL-CORROBORATED"
    return Rule(rule_id, 3, f"A level has evidence with {min_indicators} evidenced indicator(s) or {min_events} event(s).", fire)


def negatives_evidenced(model: Model, competencies: tuple[str, ...]) -> Rule:
    def fire(memory: WorkingMemory):
        by_comp: dict[str, list[IndicatorEvidenced]] = defaultdict(list)
        for fact in memory.of(IndicatorEvidenced):
            ind = model.indicators[fact.code]
            if ind.negative and ind.competency in competencies:
                by_comp[ind.competency].append(fact)
        for comp, facts in by_comp.items():
            yield NegativesEvidenced(comp, tuple(sorted(f.code for f in facts))), tuple(facts)
    return Rule("V1-NEGATIVES", 3, "Collect the evidenced negative indicators of a competency.", fire)


def highest_level() -> Rule:
    def fire(memory: WorkingMemory):
        best: dict[str, LevelEvidenced] = {}
        for fact in memory.of(LevelEvidenced):
            if fact.competency not in best or fact.rank > best[fact.competency].rank:
                best[fact.competency] = fact
        for comp, fact in best.items():
            yield HighestLevel(comp, fact.level, fact.rank), (fact,)
    return Rule("V1-HIGHEST-LEVEL", 4, "P is the highest level that has evidence.", fire)


def level_conclusion(competencies: tuple[str, ...], policy: Policy) -> list[Rule]:
    """The conclusion per competency: positives alone, negatives acting per the policy, or not evidenced."""
    steps, flag = policy.negative_steps, policy.flag_negatives

    def lowered(memory: WorkingMemory, comp: str, top: HighestLevel) -> int:
        if policy.negatives == "cap-below-lowest":
            lowest = min(f.rank for f in memory.of(LevelEvidenced) if f.competency == comp)
            return max(0, min(top.rank, lowest - steps))
        if policy.negatives == "flag-only":
            return top.rank
        return max(0, top.rank - steps)

    def fire_positive(memory: WorkingMemory):
        negatives = {f.competency: f for f in memory.of(NegativesEvidenced)}
        for top in memory.of(HighestLevel):
            if top.competency in negatives:
                continue
            yield LevelConclusion(top.competency, top.rank, ()), (top,)

    def fire_conflict(memory: WorkingMemory):
        negatives = {f.competency: f for f in memory.of(NegativesEvidenced)}
        for top in memory.of(HighestLevel):
            if top.competency in negatives:
                flags = ("conflict", "review") if flag else ("conflict",)
                yield LevelConclusion(top.competency, lowered(memory, top.competency, top), flags), (top, negatives[top.competency])

    def fire_only_negatives(memory: WorkingMemory):
        tops = {f.competency for f in memory.of(HighestLevel)}
        for neg in memory.of(NegativesEvidenced):
            if neg.competency not in tops:
                rank = None if policy.negatives == "flag-only" else 0
                yield LevelConclusion(neg.competency, rank, ("negative-only", "review") if flag else ("negative-only",)), (neg,)

    def fire_not_evidenced(memory: WorkingMemory):
        decided = {f.competency for f in memory.of(LevelConclusion)}
        for comp in competencies:
            if comp not in decided:
                yield LevelConclusion(comp, None, ()), ()

    conflict_id = {"step-down": "V1-NEGATIVE-STEP-DOWN", "cap-below-lowest": "NEGATIVE-CAP-BELOW-LOWEST",
                   "flag-only": "NEGATIVE-FLAG-ONLY"}[policy.negatives]
    return [
        Rule("V1-LEVEL-IS-P", 5, "Positive evidence and no negative: the level is P.", fire_positive),
        Rule(conflict_id, 5, "Positive and negative evidence together: the level is lowered and flagged for review.", fire_conflict),
        Rule("V1-ONLY-NEGATIVES", 5, "Negatives and no positive evidence: below the lowest level, flagged.", fire_only_negatives),
        Rule("V1-NOT-EVIDENCED", 6, "Nothing evidenced: null, never guessed.", fire_not_evidenced),
    ]


def position_outcomes(model: Model, position: str) -> Rule:
    requirements = model.positions[position].requirements

    def fire(memory: WorkingMemory):
        for conclusion in memory.of(LevelConclusion):
            if conclusion.competency not in requirements or requirements[conclusion.competency] is None:
                continue
            required = model.levels[requirements[conclusion.competency]].rank
            if conclusion.rank is None:
                outcome = "NOT-EVIDENCED"
            elif conclusion.rank > required:
                outcome = "GW.R.ABOVE"
            elif conclusion.rank == required:
                outcome = "GW.R.MEETS"
            else:
                outcome = "GW.R.BELOW"
            yield PositionOutcome(position, conclusion.competency, outcome), (conclusion,)
    return Rule("V1-POSITION-OUTCOME", 7, "Compare the demonstrated level with the position's required level.", fire)


def build_rules(model: Model, policy: Policy, competencies: tuple[str, ...], position: str | None = None) -> list[Rule]:
    """The rule set a policy defines, for the competencies in scope."""
    rules = [clause_highest_level(model) if policy.clause_counts_for == "highest-level" else clause_every_level(),
             indicator_weight_sum(policy.threshold),
             level_evidence(model, competencies, policy.min_indicators, policy.min_events),
             negatives_evidenced(model, competencies),
             highest_level(),
             *level_conclusion(competencies, policy)]
    if position:
        rules.append(position_outcomes(model, position))
    return rules


def base_facts(evidence: list[Evidence]) -> list[Derivation]:
    return [ClauseEvidence(i, ev) for i, ev in enumerate(evidence)]
