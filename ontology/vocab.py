"""Namespaces of the competency ontology and the vocabularies it reuses."""
from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

CM = Namespace("https://w3id.org/bei-competency/onto#")
ITEM = Namespace("https://w3id.org/bei-competency/item/")
ONTO = "https://w3id.org/bei-competency/onto/"

LANGUAGES = ("ru", "zh", "en")

PREFIXES = {"cm": CM, "item": ITEM, "skos": SKOS, "owl": OWL, "rdf": RDF, "rdfs": RDFS, "prov": PROV,
            "dct": DCTERMS, "xsd": XSD}

__all__ = ["CM", "ITEM", "ONTO", "LANGUAGES", "PREFIXES", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD", "DCTERMS"]
