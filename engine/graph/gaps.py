"""Position gaps: per competency the required and demonstrated level, the outcome, and what to work on next.

The outcome follows the rules engine (``V1-POSITION-OUTCOME``): above, meets or below the required rank, or
NOT-EVIDENCED for a null level; NOT-SCORED when the result did not score the competency at all.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from engine.assessor import UsageError
from engine.graph.paths import DevelopmentPath, IndicatorStep, development_path, level_rank, value_of
from ontology.loader import Ontology


@dataclass(frozen=True)
class CompetencyGap:
    competency: str
    required: str
    demonstrated: str
    outcome: str  # GW.R.ABOVE | GW.R.MEETS | GW.R.BELOW | NOT-EVIDENCED | NOT-SCORED
    shortfall: int  # levels missing (the whole required rank when nothing is evidenced)
    next_indicators: tuple[IndicatorStep, ...]


@dataclass(frozen=True)
class PositionGap:
    position: str
    result: str
    competencies: tuple[CompetencyGap, ...]

    @property
    def met(self) -> int:
        return sum(g.outcome in ("GW.R.MEETS", "GW.R.ABOVE") for g in self.competencies)

    @property
    def shortfall(self) -> int:
        return sum(g.shortfall for g in self.competencies)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "met": self.met, "required": len(self.competencies), "shortfall": self.shortfall}


def demonstrated_ranks(onto: Ontology, result: dict[str, Any]) -> dict[str, int | None]:
    """competency → rank shown in a result (None: not evidenced); competencies it did not score are absent."""
    return {c["code"]: level_rank(onto, c["code"], c["level"]) for c in result.get("competencies", [])
            if c.get("code") in onto.model.competencies}


def held(onto: Ontology, competency: str, rank: int | None) -> str | None:
    """The level code of a rank, for ``development_path``; None below the lowest level or when not evidenced."""
    return onto.model.competencies[competency].levels[rank - 1] if rank else None


def outcome(required: int, demonstrated: int | None) -> str:
    if demonstrated is None:
        return "NOT-EVIDENCED"
    if demonstrated > required:
        return "GW.R.ABOVE"
    return "GW.R.MEETS" if demonstrated == required else "GW.R.BELOW"


def evidenced_codes(result: dict[str, Any]) -> set[str]:
    return {ind["code"] for ind in result.get("indicators", []) if not ind.get("negative")}


def position_gap(onto: Ontology, result: dict[str, Any], position: str, lang: str = "en") -> PositionGap:
    """The gap between one result and one position (``competency gap RESULT.json --position GW.POS.05``)."""
    if position not in onto.model.positions:
        raise UsageError(f"unknown position {position}; known: {', '.join(onto.model.positions)}")
    shown = demonstrated_ranks(onto, result)
    done = evidenced_codes(result)
    gaps = []
    for competency, required_level in onto.model.positions[position].requirements.items():
        if required_level is None:
            continue  # N/A: the position does not assess it
        required = onto.model.levels[required_level].rank
        scored = competency in shown
        rank = shown.get(competency)
        verdict = outcome(required, rank) if scored else "NOT-SCORED"
        path = development_path(onto, competency, held(onto, competency, rank), required_level, lang) \
            if (rank or 0) < required else None
        gaps.append(CompetencyGap(
            competency, value_of(onto, competency, required),
            value_of(onto, competency, rank) if scored else "not scored", verdict,
            max(required - (rank or 0), 0), next_steps(path, done)))
    return PositionGap(position, str(result.get("id", "")), tuple(gaps))


def next_steps(path: DevelopmentPath | None, done: set[str]) -> tuple[IndicatorStep, ...]:
    """The indicators of the first level still to reach that the result has not already evidenced."""
    if path is None or not path.steps:
        return ()
    return tuple(ind for ind in path.steps[0].indicators if ind.code not in done)


def rank_positions(onto: Ontology, result: dict[str, Any], lang: str = "en") -> list[PositionGap]:
    """Every position ranked by fit: fewest missing levels first, then most requirements met, then code."""
    gaps = [position_gap(onto, result, code, lang) for code in onto.model.positions]
    return sorted(gaps, key=lambda g: (g.shortfall, -g.met, g.position))


def paths_to_position(onto: Ontology, result: dict[str, Any], position: str, lang: str = "en") -> list[DevelopmentPath]:
    """``competency path --result R.json --to-position P``: a path for every competency below the requirement."""
    gap = position_gap(onto, result, position, lang)
    shown = demonstrated_ranks(onto, result)
    required = onto.model.positions[position].requirements
    return [development_path(onto, g.competency, held(onto, g.competency, shown.get(g.competency)),
                             required[g.competency], lang)
            for g in gap.competencies if g.shortfall]
