"""The merged ontology as one document: Turtle, RDF/XML, JSON-LD, or GraphML of the networkx view."""
from __future__ import annotations

import io

import networkx as nx
import rdflib

from ontology.loader import Ontology
from ontology.vocab import DCTERMS, ONTO, OWL, PREFIXES, RDF, RDFS

MERGED_IRI = rdflib.URIRef(ONTO + "merged")
RDF_FORMATS = {"ttl": "turtle", "xml": "pretty-xml", "jsonld": "json-ld"}


def merged_graph(onto: Ontology) -> rdflib.Graph:
    """The closure as a single ontology: the per-file headers and their owl:imports replaced by one header."""
    graph = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    headers = set(onto.graph.subjects(RDF.type, OWL.Ontology))
    for triple in onto.graph:
        if triple[0] not in headers:
            graph.add(triple)
    graph.add((MERGED_IRI, RDF.type, OWL.Ontology))
    graph.add((MERGED_IRI, DCTERMS.title, rdflib.Literal("Competency knowledge graph (merged)", lang="en")))
    graph.add((MERGED_IRI, RDFS.comment, rdflib.Literal(f"Merged from {len(onto.files)} files; content {onto.content_hash}.", lang="en")))
    return graph


def export(onto: Ontology, fmt: str) -> bytes:
    """Serialise the merged graph in ``fmt`` (ttl, xml, jsonld, graphml)."""
    if fmt == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml(onto.network, buffer)
        return buffer.getvalue()
    if fmt not in RDF_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of ttl, xml, jsonld, graphml")
    return merged_graph(onto).serialize(format=RDF_FORMATS[fmt], encoding="utf-8")
