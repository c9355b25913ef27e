"""A result as RDF that joins the knowledge graph: PROV-O, each inferred level ``prov:wasDerivedFrom`` its evidence,
each evidence ``prov:wasQuotedFrom`` the note (``cm:`` classes of ``ontology/data/schema.ttl``)."""
from __future__ import annotations

import hashlib
from urllib.parse import quote as urlquote

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import PROV, RDF, XSD

from ontology.model import Model
from ontology.vocab import CM, ITEM

RUN = Namespace("https://w3id.org/bei-competency/result/")


def result_graph(result: dict, text: str | None, model: Model) -> Graph:
    """The result object (contract dict) as a graph; ``text`` only feeds the note's content hash, never the graph."""
    g = Graph()
    g.bind("cm", CM), g.bind("prov", PROV), g.bind("item", ITEM), g.bind("res", RUN)
    key = urlquote(result["id"], safe="")
    note, assessment = RUN[f"{key}/note"], RUN[f"{key}/assessment"]
    g.add((note, RDF.type, CM.Note))
    g.add((note, CM.noteId, Literal(result["id"])))
    if text is not None:
        g.add((note, CM.contentSha256, Literal(hashlib.sha256(text.encode("utf-8")).hexdigest())))
    g.add((assessment, RDF.type, CM.Assessment))
    g.add((assessment, CM.assessedNote, note))
    g.add((assessment, CM.engineVersion, Literal(result["engine"]["version"])))
    g.add((assessment, CM.policyId, Literal(result["engine"]["policy"])))
    g.add((assessment, CM.ontologyHash, Literal(result["engine"]["ontology"])))
    evidence_nodes: dict[tuple[str, int, int], URIRef] = {}
    for ind in result["indicators"]:
        evidenced = RUN[f"{key}/indicator/{ind['code']}"]
        g.add((evidenced, RDF.type, CM.EvidencedIndicator))
        g.add((evidenced, CM.aboutIndicator, ITEM[ind["code"]]))
        g.add((evidenced, CM.weight, Literal(ind["weight"], datatype=XSD.decimal)))
        g.add((evidenced, PROV.wasGeneratedBy, assessment))
        for ev in ind["evidence"]:
            node = RUN[f"{key}/evidence/{ind['code']}/{ev['start']}-{ev['end']}"]
            evidence_nodes[(ind["code"], ev["start"], ev["end"])] = node
            g.add((node, RDF.type, CM.Evidence))
            g.add((node, CM.aboutIndicator, ITEM[ind["code"]]))
            g.add((node, CM.quote, Literal(ev["quote"])))
            g.add((node, CM.startOffset, Literal(ev["start"], datatype=XSD.integer)))
            g.add((node, CM.endOffset, Literal(ev["end"], datatype=XSD.integer)))
            g.add((node, CM.weight, Literal(ev["weight"], datatype=XSD.decimal)))
            for qualifier in ev["qualifiers"]:
                g.add((node, CM.qualifier, Literal(qualifier)))
            g.add((node, PROV.wasQuotedFrom, note))
            g.add((evidenced, PROV.wasDerivedFrom, node))
    for comp in result["competencies"]:
        inferred = RUN[f"{key}/level/{comp['code']}"]
        g.add((inferred, RDF.type, CM.InferredLevel))
        g.add((inferred, CM.aboutCompetency, ITEM[comp["code"]]))
        g.add((inferred, PROV.wasGeneratedBy, assessment))
        g.add((inferred, CM.ruleId, Literal(comp.get("justification", {}).get("rule", ""))))
        for flag in comp["flags"]:
            g.add((inferred, CM.flag, Literal(flag)))
        level = comp["level"]
        if level is None:
            continue
        levels = model.competencies[comp["code"]].levels
        values = [model.level_value(lv) for lv in levels]
        rank = values.index(str(level)) + 1 if str(level) in values else 0
        g.add((inferred, CM.demonstratedRank, Literal(rank, datatype=XSD.integer)))
        if rank:
            g.add((inferred, CM.demonstratedLevel, ITEM[levels[rank - 1]]))
        for ind in result["indicators"]:
            if ind.get("competency") == comp["code"]:
                for ev in ind["evidence"]:
                    g.add((inferred, PROV.wasDerivedFrom, evidence_nodes[(ind["code"], ev["start"], ev["end"])]))
    if result.get("position"):
        for comp, outcome in result["position"]["outcomes"].items():
            node = RUN[f"{key}/position/{result['position']['code']}/{comp}"]
            g.add((node, RDF.type, CM.PositionOutcome))
            g.add((node, CM.aboutPosition, ITEM[result["position"]["code"]]))
            g.add((node, CM.aboutCompetency, ITEM[comp]))
            if outcome.startswith("GW.R."):
                g.add((node, CM.outcome, ITEM[outcome]))
            else:
                g.add((node, CM.flag, Literal(outcome)))
            g.add((node, PROV.wasDerivedFrom, RUN[f"{key}/level/{comp}"]))
    return g
