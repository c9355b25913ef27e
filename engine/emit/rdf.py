"""A result as RDF that joins the knowledge graph: PROV-O, each inferred level ``prov:wasDerivedFrom`` its evidence,
each evidence ``prov:wasQuotedFrom`` the note (``cm:`` classes of ``ontology/data/schema.ttl``).

One mapping, written as N-Triples text: the store loads it as N-Quads at full speed (building rdflib graphs would cost
~3 ms a result), and ``result_graph`` parses the same statements into an rdflib graph for Turtle output.
"""
from __future__ import annotations

import hashlib
from typing import Any, Mapping
from urllib.parse import quote as urlquote

from rdflib import Graph, Namespace
from rdflib.namespace import PROV as PROV_NS

from ontology.model import Model
from ontology.vocab import CM, ITEM

RUN = Namespace("https://w3id.org/bei-competency/result/")
PROV = str(PROV_NS)
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"


def result_iri(result_id: str) -> str:
    """The IRI every node of one result hangs under: the note id as one path segment."""
    return f"{RUN}{urlquote(result_id, safe='')}"


def literal(text: str) -> str:
    """An N-Triples string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def typed_literal(value: Any, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def decimal_literal(value: Any) -> str:
    """A weight as xsd:decimal; ValueError/TypeError for anything but a number (a stray quote would break a load)."""
    return typed_literal(float(value), "decimal")


def item_iri(table: Mapping[str, Any], code: str) -> str:
    """The IRI of an ontology item; KeyError for a code the ontology does not know."""
    if code not in table:
        raise KeyError(f"unknown code {code!r}")
    return f"<{ITEM}{code}>"


def result_statements(result: dict[str, Any], model: Model, text: str | None = None,
                      evidence: bool = True) -> list[str]:
    """The result (contract dict) as N-Triples statements without the final " ." — subject, predicate, object.

    ``text`` only feeds the note's SHA-256 (the note itself never enters the graph). ``evidence=False`` gives the
    assessment summary the store keeps by default, a subset of the full statements: what was found (levels, flags,
    position outcomes, which indicators were evidenced) without why (the evidence chain — quotes, offsets and
    qualifiers are personal data, and most of the volume — weights and rule ids) and without statements of what was
    not found (a competency with neither level nor flag, a NOT-EVIDENCED outcome), where absence says the same.

    Every node of a result is an IRI under the result's own (``result_iri``), and every node but the note and the
    evidence is ``prov:wasGeneratedBy`` the assessment: the store finds all of a result by that when a newer version
    replaces it.

    Raises KeyError/TypeError/ValueError on a dict that does not follow the contract, and KeyError on a code the
    ontology does not know (it would name no item of the graph).
    """
    base = result_iri(result["id"])
    note, assessment = f"<{base}/note>", f"<{base}/assessment>"
    out: list[str] = []
    add = out.append
    cm, prov = str(CM), PROV
    add(f"{note} {RDF_TYPE} <{cm}Note>")
    add(f"{note} <{cm}noteId> {literal(result['id'])}")
    if text is not None:
        add(f"{note} <{cm}contentSha256> {literal(hashlib.sha256(text.encode('utf-8')).hexdigest())}")
    engine = result["engine"]
    add(f"{assessment} {RDF_TYPE} <{cm}Assessment>")
    add(f"{assessment} <{cm}assessedNote> {note}")
    add(f"{assessment} <{cm}engineVersion> {literal(engine['version'])}")
    add(f"{assessment} <{cm}policyId> {literal(engine['policy'])}")
    add(f"{assessment} <{cm}ontologyHash> {literal(engine['ontology'])}")
    evidence_by_competency: dict[str, list[str]] = {}
    for ind in result["indicators"]:
        code = ind["code"]
        evidenced = f"<{base}/indicator/{code}>"
        indicator = item_iri(model.indicators, code)
        add(f"{evidenced} {RDF_TYPE} <{cm}EvidencedIndicator>")
        add(f"{evidenced} <{cm}aboutIndicator> {indicator}")
        add(f"{evidenced} <{prov}wasGeneratedBy> {assessment}")
        if not evidence:
            continue
        add(f"{evidenced} <{cm}weight> {decimal_literal(ind['weight'])}")
        nodes = evidence_by_competency.setdefault(ind.get("competency") or "", [])
        for ev in ind["evidence"]:
            node = f"<{base}/evidence/{code}/{int(ev['start'])}-{int(ev['end'])}>"
            nodes.append(node)
            add(f"{node} {RDF_TYPE} <{cm}Evidence>")
            add(f"{node} <{cm}aboutIndicator> {indicator}")
            add(f"{node} <{cm}quote> {literal(ev['quote'])}")
            add(f"{node} <{cm}startOffset> {typed_literal(int(ev['start']), 'integer')}")
            add(f"{node} <{cm}endOffset> {typed_literal(int(ev['end']), 'integer')}")
            add(f"{node} <{cm}weight> {decimal_literal(ev['weight'])}")
            for qualifier in ev["qualifiers"]:
                add(f"{node} <{cm}qualifier> {literal(qualifier)}")
            add(f"{node} <{prov}wasQuotedFrom> {note}")
            add(f"{evidenced} <{prov}wasDerivedFrom> {node}")
    for comp in result["competencies"]:
        code = comp["code"]
        if not evidence and comp["level"] is None and not comp["flags"]:
            continue
        inferred = f"<{base}/level/{code}>"
        add(f"{inferred} {RDF_TYPE} <{cm}InferredLevel>")
        add(f"{inferred} <{cm}aboutCompetency> {item_iri(model.competencies, code)}")
        add(f"{inferred} <{prov}wasGeneratedBy> {assessment}")
        if evidence:
            add(f"{inferred} <{cm}ruleId> {literal(comp.get('justification', {}).get('rule', ''))}")
        for flag in comp["flags"]:
            add(f"{inferred} <{cm}flag> {literal(flag)}")
        if comp["level"] is None:
            continue
        levels = model.competencies[code].levels
        values = [model.level_value(lv) for lv in levels]
        rank = values.index(str(comp["level"])) + 1 if str(comp["level"]) in values else 0
        add(f"{inferred} <{cm}demonstratedRank> {typed_literal(rank, 'integer')}")
        if rank:
            add(f"{inferred} <{cm}demonstratedLevel> {item_iri(model.levels, levels[rank - 1])}")
        for node in evidence_by_competency.get(code, ()):
            add(f"{inferred} <{prov}wasDerivedFrom> {node}")
    position = result.get("position")
    if position:
        pos = position["code"]
        position_iri = item_iri(model.positions, pos)
        for comp, outcome in position["outcomes"].items():
            known = outcome in model.outcomes
            if not evidence and not known:
                continue
            node = f"<{base}/position/{pos}/{comp}>"
            add(f"{node} {RDF_TYPE} <{cm}PositionOutcome>")
            add(f"{node} <{cm}aboutPosition> {position_iri}")
            add(f"{node} <{cm}aboutCompetency> {item_iri(model.competencies, comp)}")
            add(f"{node} <{prov}wasGeneratedBy> {assessment}")
            if known:
                add(f"{node} <{cm}outcome> {item_iri(model.outcomes, outcome)}")
            else:
                add(f"{node} <{cm}flag> {literal(outcome)}")
            add(f"{node} <{prov}wasDerivedFrom> <{base}/level/{comp}>")
    return out


def result_graph(result: dict, text: str | None, model: Model) -> Graph:
    """The result as an rdflib graph (for Turtle output and tests), with readable prefixes."""
    graph = Graph()
    graph.bind("cm", CM), graph.bind("prov", PROV_NS), graph.bind("item", ITEM), graph.bind("res", RUN)
    graph.parse(data="".join(f"{s} .\n" for s in result_statements(result, model, text)), format="nt")
    return graph
