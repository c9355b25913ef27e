"""``competency store stats``: what a store holds, asked with SPARQL so it works on any backend."""
from __future__ import annotations

from typing import Any

from engine.graph.rdf import DCT_IDENTIFIER, ONTOLOGY_GRAPH
from engine.graph.store import Backend
from ontology.vocab import CM


def store_stats(backend: Backend) -> dict[str, Any]:
    runs = backend.query(f"""
        SELECT ?engine ?policy (COUNT(?a) AS ?results) WHERE {{
          ?a a <{CM}Assessment> ; <{CM}engineVersion> ?engine ; <{CM}policyId> ?policy .
        }} GROUP BY ?engine ?policy ORDER BY DESC(?results)""").rows
    ontology = backend.query(f"SELECT ?hash WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <{ONTOLOGY_GRAPH}> "
                             f"<{DCT_IDENTIFIER}> ?hash }} }}").rows
    return {"location": backend.location, "results": sum(r["results"] for r in runs), "quads": backend.quad_count(),
            "ontology": ontology[0]["hash"] if ontology else None, "runs": runs}
