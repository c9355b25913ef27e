"""Development paths: what to develop, level by level, in process-stage order, with related items elsewhere.

Plain functions over the networkx view of the ontology (``Ontology.network``): the level order is the chain of
``next_level`` edges (a shortest path between two levels), the stage order a topological sort of ``next_stage``
edges, and related items the SKOS mapping edges in either direction.
"""
from __future__ import annotations

import weakref
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import networkx as nx

from engine.assessor import UsageError
from ontology.loader import Ontology

SKOS_MAPPINGS = ("closeMatch", "relatedMatch", "broadMatch", "narrowMatch", "exactMatch")
INVERSE = {"broadMatch": "narrowMatch", "narrowMatch": "broadMatch"}


@dataclass(frozen=True)
class Related:
    """An item of another framework linked by a SKOS mapping, read from the indicator's side."""

    code: str
    relation: str
    framework: str
    label: str


@dataclass(frozen=True)
class IndicatorStep:
    code: str
    stage: str | None
    stage_label: str
    label: str
    related: tuple[Related, ...] = ()


@dataclass(frozen=True)
class Step:
    """One level to reach: its indicators, in process-stage order."""

    level: str
    value: str
    indicators: tuple[IndicatorStep, ...]


@dataclass(frozen=True)
class DevelopmentPath:
    competency: str
    start: str  # scale value the person has ("Sb", "2", "below-Sb", or "not evidenced")
    target: str
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _edges(network: nx.MultiDiGraph, node: str, kind: str) -> list[str]:
    return [target for _, target, data in network.out_edges(node, data=True) if data.get("type") == kind]


def competency_of(onto: Ontology, code: str) -> str:
    """A competency code, checked; CO is both a framework and its competency."""
    if code not in onto.model.competencies:
        raise UsageError(f"unknown competency {code}; known: {', '.join(onto.model.competencies)}")
    return code


_ORDERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _cached(order: Callable[[Ontology, str], list[str]]) -> Callable[[Ontology, str], list[str]]:
    """Orders are computed once per networkx view (answers stay within the 50 ms budget); a new view recomputes."""
    def wrapper(onto: Ontology, competency: str) -> list[str]:
        cache = _ORDERS.setdefault(onto.network, {})
        key = (order.__name__, competency)
        if key not in cache:
            cache[key] = order(onto, competency)
        return list(cache[key])
    wrapper.__name__, wrapper.__doc__ = order.__name__, order.__doc__
    return wrapper


def _in_order(onto: Ontology, competency: str, member: str, successor: str) -> list[str]:
    """The competency's members (by ``member`` edges) in the order their ``successor`` edges give."""
    network = onto.network
    members = _edges(network, competency, member)
    order = nx.DiGraph((a, b) for a in members for b in _edges(network, a, successor))
    order.add_nodes_from(members)
    return list(nx.topological_sort(order))


@_cached
def level_chain(onto: Ontology, competency: str) -> list[str]:
    """The competency's levels from lowest to highest, following ``next_level`` edges."""
    return _in_order(onto, competency, "has_level", "next_level")


@_cached
def stage_order(onto: Ontology, competency: str) -> list[str]:
    """The competency's process stages in order (应对→跟进→反馈 for GW.RR); empty for CO."""
    return _in_order(onto, competency, "has_stage", "next_stage")


def level_rank(onto: Ontology, competency: str, value: Any) -> int | None:
    """Rank of a level given as a scale value ("Si", 3), a level code ("GW.RR.Si") or below-lowest (0, "below-Sb");
    None for a missing level (not evidenced)."""
    if value is None:
        return None
    chain = level_chain(onto, competency)
    text = str(value).strip()
    values = [onto.model.level_value(lv) for lv in chain]
    if text in chain:
        return chain.index(text) + 1
    if text in values:
        return values.index(text) + 1
    if text in ("0", f"below-{values[0]}"):
        return 0
    raise UsageError(f"{competency} has no level {text!r}; use one of {', '.join(values)} (or {', '.join(chain)})")


def value_of(onto: Ontology, competency: str, rank: int | None) -> str:
    """How a person reads a rank: the scale value, below-lowest, or not evidenced."""
    if rank is None:
        return "not evidenced"
    values = [onto.model.level_value(lv) for lv in level_chain(onto, competency)]
    return values[rank - 1] if rank else ("0" if values[0].isdigit() else f"below-{values[0]}")


def related_items(onto: Ontology, code: str, lang: str = "en") -> tuple[Related, ...]:
    """Items of other frameworks mapped to ``code`` (SKOS), with the relation as seen from ``code``."""
    network = onto.network
    found: dict[tuple[str, str], Related] = {}

    def add(other: str, relation: str) -> None:
        node = network.nodes[other]
        framework = node.get("framework") or other.split(".")[0]
        found[(other, relation)] = Related(other, relation, framework, node.get(f"label_{lang}", other))

    for _, target, data in network.out_edges(code, data=True):
        if data.get("type") in SKOS_MAPPINGS:
            add(target, data["type"])
    for source, _, data in network.in_edges(code, data=True):
        if data.get("type") in SKOS_MAPPINGS:
            add(source, INVERSE.get(data["type"], data["type"]))
    return tuple(sorted(found.values(), key=lambda r: (SKOS_MAPPINGS.index(r.relation), r.code)))


def level_indicators(onto: Ontology, level: str, lang: str = "en") -> tuple[IndicatorStep, ...]:
    """A level's behavioural indicators, by process stage (stage order, then seed order; stage-less ones last)."""
    model = onto.model
    stages = stage_order(onto, model.levels[level].competency)
    seed_order = list(model.levels[level].indicators)
    codes = _edges(onto.network, level, "has_indicator")

    def key(code: str) -> tuple[int, int]:
        stage = model.indicators[code].stage
        return (stages.index(stage) if stage in stages else len(stages), seed_order.index(code))

    def stage_label(code: str) -> str:
        stage = model.indicators[code].stage
        return model.stages[stage].label(lang) if stage in model.stages else ""

    return tuple(IndicatorStep(code, model.indicators[code].stage, stage_label(code), model.indicators[code].label(lang),
                               related_items(onto, code, lang)) for code in sorted(codes, key=key))


def development_path(onto: Ontology, competency: str, start: Any, target: Any, lang: str = "en") -> DevelopmentPath:
    """The levels to climb from ``start`` (the level held; None or below-lowest for none) to ``target``.

    ``development_path(onto, "GW.RR", "Sb", "Sa")`` → steps GW.RR.Si then GW.RR.Sa, each with its indicators in the
    order 应对→跟进→反馈. Empty when ``start`` already reaches ``target``.
    """
    competency = competency_of(onto, competency)
    chain = level_chain(onto, competency)
    have = level_rank(onto, competency, start) or 0
    goal = level_rank(onto, competency, target)
    if not goal:
        raise UsageError(f"the target must be a level of {competency}, not {target!r}")
    levels: list[str] = []
    if have < goal:
        graph = nx.DiGraph((a, b) for a in chain for b in _edges(onto.network, a, "next_level"))
        graph.add_nodes_from(chain)
        source = chain[have - 1] if have else chain[0]
        levels = nx.shortest_path(graph, source, chain[goal - 1])[1 if have else 0:]
    steps = tuple(Step(lv, onto.model.level_value(lv), level_indicators(onto, lv, lang)) for lv in levels)
    return DevelopmentPath(competency, value_of(onto, competency, level_rank(onto, competency, start)),
                           value_of(onto, competency, goal), steps)
