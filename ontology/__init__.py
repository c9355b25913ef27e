"""The competency ontology: the bundled OWL files and the one loader the rest of the engine uses.

>>> from ontology import load
>>> onto = load()                      # bundled ontology (or $COMPETENCY_ONTOLOGY)
>>> onto.model.indicators["CO.L2.1"].label("ru")
"""
from ontology.errors import OntologyError
from ontology.loader import Ontology, bundled_entry, load
from ontology.model import (Alignment, Competency, Framework, Indicator, Level, Model, Outcome, Position, Scale,
                            ScaleStep, Section, Stage)

__all__ = ["load", "Ontology", "OntologyError", "bundled_entry", "Model", "Framework", "Competency", "Level",
           "Indicator", "Stage", "Section", "Position", "Outcome", "Scale", "ScaleStep", "Alignment"]
