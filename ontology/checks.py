"""Quality gates of ``competency ontology check``: SHACL shapes, a ROBOT-style report, and HermiT consistency."""
from __future__ import annotations

import shutil
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import rdflib

from ontology.loader import Ontology
from ontology.vocab import LANGUAGES, OWL, SKOS


@dataclass
class CheckReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(str(resources.files("ontology") / "shapes" / "shapes.ttl"), format="turtle")
    return graph


def shacl_violations(graph: rdflib.Graph) -> list[str]:
    """One line per SHACL result: the item's code (or IRI), the path and the shape's message."""
    import pyshacl

    conforms, results, _ = pyshacl.validate(graph, shacl_graph=shapes_graph(), inference="none",
                                            advanced=True, allow_warnings=True)
    if conforms:
        return []
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    lines = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = results.value(result, sh.focusNode)
        code = graph.value(focus, SKOS.notation)
        path = results.value(result, sh.resultPath)
        message = results.value(result, sh.resultMessage)
        where = f"{code} <{focus}>" if code else f"<{focus}>"
        path_text = f" [{graph.namespace_manager.normalizeUri(path)}]" if isinstance(path, rdflib.URIRef) else ""
        lines.append(f"{where}{path_text}: {message}")
    return sorted(set(lines))


def label_report(onto: Ontology) -> list[str]:
    """ROBOT-report-style warnings: missing or duplicate labels per language, missing definitions."""
    model = onto.model
    findings = []
    seen: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    everything = [*model.frameworks.values(), *model.competencies.values(), *model.levels.values(),
                  *model.indicators.values(), *model.stages.values(), *model.sections.values(),
                  *model.positions.values(), *model.outcomes.values()]
    done = set()
    for item in everything:
        if item.code in done:
            continue
        done.add(item.code)
        for lang in LANGUAGES:
            label = item.labels.get(lang)
            if not label:
                findings.append(f"missing_label [{lang}] {item.code}")
            else:
                seen[lang][label.strip().casefold()].append(item.code)
        if item.code in model.indicators and not item.definition:
            findings.append(f"missing_definition {item.code}")
    for lang, labels in seen.items():
        for label, codes in labels.items():
            if len(codes) > 1:
                findings.append(f"duplicate_label [{lang}] {' = '.join(sorted(codes))}: {label!r}")
    return sorted(findings)


def reasoner_check(graph: rdflib.Graph) -> tuple[bool | None, str]:
    """Run HermiT (through owlready2) on the merged graph: (consistent, message); None when Java is missing."""
    if shutil.which("java") is None:
        return None, "skipped: Java is not installed (HermiT needs a Java runtime)"
    import owlready2

    data = rdflib.Graph()
    for triple in graph:
        if triple[1] != OWL.imports:  # owlready2 would try to fetch imports from the network
            data.add(triple)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "merged.nt"
        data.serialize(destination=str(path), format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return False, "inconsistent: HermiT found a contradiction"
        except Exception as exc:  # a Java failure is a check failure, reported as such
            return False, f"HermiT failed: {str(exc).splitlines()[0][:300]}"
        unsatisfiable = [str(c) for c in world.inconsistent_classes()]
        world.close()
    if unsatisfiable:
        return False, "unsatisfiable classes: " + ", ".join(sorted(unsatisfiable))
    return True, "consistent (HermiT)"


def check(onto: Ontology, reasoner: bool = True) -> CheckReport:
    """All quality gates; the ontology already parsed and passed the loader's structural checks."""
    report = CheckReport()
    report.errors += [f"SHACL: {line}" for line in shacl_violations(onto.graph)]
    report.warnings += label_report(onto)
    counts = Counter(type(item).__name__ for item in onto.model.indicators.values())
    report.notes.append(f"{len(onto.files)} files, {len(onto.graph)} triples, {sum(counts.values())} indicators")
    if reasoner:
        consistent, message = reasoner_check(onto.graph)
        (report.errors if consistent is False else report.notes).append(f"OWL: {message}")
    return report
