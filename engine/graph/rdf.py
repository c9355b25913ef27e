"""Results as N-Quads for the store: the statements of ``engine.emit.rdf``, one named graph per result."""
from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import unquote

from engine.emit.rdf import RUN, literal, result_key, result_statements
from ontology.model import Model

DCT_IDENTIFIER = "http://purl.org/dc/terms/identifier"
ONTOLOGY_GRAPH = "https://w3id.org/bei-competency/graph/ontology"


def graph_iri(result_id: str) -> str:
    """The named graph that holds one result."""
    return f"{RUN}{result_key(result_id)}"


def result_id(graph: str) -> str:
    """The note id of a result's named graph (the inverse of ``graph_iri``)."""
    return unquote(graph[len(str(RUN)):])


def result_nquads(result: dict[str, Any], model: Model, evidence: bool = False) -> str:
    """The result (no note text) as N-Quads in its own named graph, so that a newer result for the same note id
    replaces the older one as a whole: its assessment summary, or with ``evidence`` the full PROV chain."""
    graph = f" <{graph_iri(result['id'])}> .\n"
    return graph.join(result_statements(result, model, evidence=evidence)) + graph


def digest_quad(result_id: str, nquads: str) -> str:
    """The quad that records which version of a result its graph holds: reloading the same result adds nothing."""
    iri = graph_iri(result_id)
    digest = "sha256:" + hashlib.sha256(nquads.encode("utf-8")).hexdigest()
    return f"<{iri}> <{DCT_IDENTIFIER}> {literal(digest)} <{iri}> .\n"
