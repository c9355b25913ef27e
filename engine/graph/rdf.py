"""Results as N-Triples for the store: the statements of ``engine.emit.rdf`` in the default graph.

Every node of a result is an IRI under the result's own IRI, which also carries the digest of the version stored:
reloading the same result adds nothing, and a newer version first deletes the older one (``forget``). Keeping results
in the default graph rather than one named graph each halves the indexes a triple is written to (three instead of
six), which is what bounds loading speed.
"""
from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import unquote

from engine.emit.rdf import PROV, RUN, literal, result_iri, result_statements
from ontology.model import Model

DCT_IDENTIFIER = "http://purl.org/dc/terms/identifier"
ONTOLOGY_GRAPH = "https://w3id.org/bei-competency/graph/ontology"


def note_id(iri: str) -> str:
    """The note id of a result's IRI or of any node under it (the inverse of ``result_iri``)."""
    return unquote(iri[len(str(RUN)):].split("/", 1)[0])


def result_ntriples(result: dict[str, Any], model: Model, evidence: bool = False) -> str:
    """The result (no note text) as N-Triples: its assessment summary, or with ``evidence`` the full PROV chain."""
    return "".join(f"{statement} .\n" for statement in result_statements(result, model, evidence=evidence))


def digest(ntriples: str) -> str:
    """The version of a result's statements."""
    return "sha256:" + hashlib.sha256(ntriples.encode("utf-8")).hexdigest()


def digest_triple(result_id: str, version: str) -> str:
    """The triple that records which version of a result the store holds."""
    return f"<{result_iri(result_id)}> <{DCT_IDENTIFIER}> {literal(version)} .\n"


def forget(result_id: str) -> str:
    """A SPARQL update that deletes every statement of a stored result: its IRI (the digest), the note, the
    assessment, what the assessment generated and what those were derived from under the result's IRI (evidence)."""
    base = result_iri(result_id)
    assessment = f"<{base}/assessment>"
    return f"""DELETE {{ ?s ?p ?o }} WHERE {{
  {{ VALUES ?s {{ <{base}> <{base}/note> {assessment} }} }}
  UNION {{ ?s <{PROV}wasGeneratedBy> {assessment} }}
  UNION {{ ?generated <{PROV}wasGeneratedBy> {assessment} ; <{PROV}wasDerivedFrom> ?s .
          FILTER(STRSTARTS(STR(?s), "{base}/")) }}
  ?s ?p ?o }}"""
