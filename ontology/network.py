"""The networkx view of the ontology: typed nodes and edges, for path, gap and picture algorithms.

Nodes are codes (attribute ``type``: framework, competency, level, indicator, stage, position, outcome, section,
scale_step; ``label_en/ru/zh``); edges carry ``type`` (has_competency, has_level, next_level, has_indicator,
at_stage, next_stage, requires, in_section, crosswalk, and the SKOS mapping relations).
"""
from __future__ import annotations

import networkx as nx

from ontology.model import Model
from ontology.vocab import LANGUAGES


def to_networkx(model: Model) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(name="competency ontology")

    def node(item, node_type: str, **attrs) -> None:
        labels = {f"label_{lang}": item.label(lang) for lang in LANGUAGES}
        graph.add_node(item.code, type=node_type, iri=item.iri, **labels, **attrs)

    for fw in model.frameworks.values():
        node(fw, "framework", levelled=fw.levelled)
    for code, step in model.steps.items():
        node(step, "scale_step", rank=step.rank, value=step.value)
    for comp in model.competencies.values():
        if comp.code not in graph:  # CO is both a framework and its competency
            node(comp, "competency")
        else:
            graph.nodes[comp.code]["type"] = "framework+competency"
        if comp.code != comp.framework:
            graph.add_edge(comp.framework, comp.code, type="has_competency")
        for lower, upper in zip(comp.levels, comp.levels[1:]):
            graph.add_edge(lower, upper, type="next_level")
        for before, after in zip(comp.stages, comp.stages[1:]):
            graph.add_edge(before, after, type="next_stage")
    for level in model.levels.values():
        node(level, "level", rank=level.rank, value=model.steps[level.step].value, competency=level.competency)
        graph.add_edge(level.competency, level.code, type="has_level")
    for stage in model.stages.values():
        node(stage, "stage", rank=stage.rank, competency=stage.competency)
        graph.add_edge(stage.competency, stage.code, type="has_stage")
    for section in model.sections.values():
        node(section, "section")
        graph.add_edge(section.framework, section.code, type="has_section")
    for ind in model.indicators.values():
        node(ind, "indicator", kind=ind.kind, negative=ind.negative, framework=ind.framework)
        owner = ind.level or ind.section or ind.competency
        graph.add_edge(owner, ind.code, type="has_indicator")
        if ind.stage:
            graph.add_edge(ind.code, ind.stage, type="at_stage")
    for outcome in model.outcomes.values():
        node(outcome, "outcome", rank=outcome.rank)
    for position in model.positions.values():
        node(position, "position")
        for comp, level in position.requirements.items():
            graph.add_edge(position.code, level or comp, type="requires" if level else "not_assessed", competency=comp)
    for step in model.steps.values():
        for target in step.crosswalk:
            graph.add_edge(step.code, target, type="crosswalk")
    for link in model.alignments:
        graph.add_edge(link.source, link.target, type=link.relation, rationale=link.rationale or "")
    return graph
