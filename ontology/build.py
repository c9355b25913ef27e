"""From the RDF graph to the typed model, with a clear message for every structural defect.

The checks here are the ones the engine cannot work without (they run on every load); the SHACL shapes and the
label report of ``ontology.checks`` go further and run in ``competency ontology check``.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef

from ontology.errors import OntologyError
from ontology.model import (Alignment, Competency, Framework, Indicator, Level, Model, Outcome, Position, Scale,
                            ScaleStep, Section, Stage)
from ontology.vocab import CM, DCTERMS, OWL, RDF, RDFS, SKOS

MAPPING_RELATIONS = ("closeMatch", "relatedMatch", "broadMatch", "narrowMatch", "exactMatch")


class _Builder:
    def __init__(self, graph: rdflib.Graph, locate):
        self.g = graph
        self.locate = locate  # (subject IRI, notation) → "file:line" for messages
        self.problems: list[str] = []
        self.codes: dict[URIRef, str] = {}
        seen: dict[str, URIRef] = {}
        for subject, notation in graph.subject_objects(SKOS.notation):
            code = str(notation)
            if not isinstance(subject, URIRef):
                self.problem(subject, code, "skos:notation on a blank node")
                continue
            if subject in self.codes:
                self.problem(subject, code, f"has two notations: {self.codes[subject]} and {code}")
                continue
            if code in seen:
                self.problem(subject, code, f"duplicate notation {code} (also on <{seen[code]}>)")
                continue
            seen[code] = subject
            self.codes[subject] = code

    def problem(self, subject, code: str | None, message: str) -> None:
        where = self.locate(subject, code)
        name = code or str(subject)
        self.problems.append(f"{where}: {name}: {message}" if where else f"{name}: {message}")

    # -- small readers -------------------------------------------------------------------------------------
    def typed(self, cls: URIRef) -> list[URIRef]:
        """Subjects of a class, its subclasses (as declared in the schema) included, in code order."""
        classes = set(self.g.transitive_subjects(RDFS.subClassOf, cls))
        found = {s for c in classes for s in self.g.subjects(RDF.type, c) if isinstance(s, URIRef)}
        return sorted(found, key=lambda s: self.codes.get(s, str(s)))

    def is_a(self, subject: URIRef, cls: URIRef) -> bool:
        return any(cls in set(self.g.transitive_objects(t, RDFS.subClassOf)) for t in self.g.objects(subject, RDF.type))

    def code(self, subject) -> str | None:
        return self.codes.get(subject)

    def texts(self, subject, prop) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = defaultdict(list)
        for value in self.g.objects(subject, prop):
            if isinstance(value, Literal):
                out[value.language or ""].append(str(value))
        return {lang: tuple(sorted(values)) for lang, values in out.items()}

    def labels(self, subject) -> dict[str, str]:
        labels = {}
        for prop in (RDFS.label, SKOS.prefLabel):  # skos:prefLabel wins where both exist
            for lang, values in self.texts(subject, prop).items():
                labels[lang] = values[0]
        return labels

    def definition(self, subject) -> str | None:
        values = [str(v) for v in self.g.objects(subject, SKOS.definition)]
        return sorted(values)[0] if values else None

    def one(self, subject, prop, what: str, required: bool = True) -> str | None:
        """The code of the single object of ``prop``; reports a missing, unknown or second value."""
        values = [v for v in self.g.objects(subject, prop)]
        code = self.code(subject)
        if not values:
            if required:
                self.problem(subject, code, f"has no {what}")
            return None
        if len(values) > 1:
            self.problem(subject, code, f"has {len(values)} values for {what}: " +
                         ", ".join(sorted(self.code(v) or str(v) for v in values)))
            return None
        target = self.code(values[0])
        if target is None:
            self.problem(subject, code, f"{what} <{values[0]}> is not an item with a skos:notation")
        return target

    def rank(self, subject) -> int:
        value = self.g.value(subject, CM.rank)
        try:
            return int(value)
        except (TypeError, ValueError):
            self.problem(subject, self.code(subject), "has no integer cm:rank")
            return 0

    def base(self, subject) -> dict:
        return dict(code=self.codes[subject], iri=str(subject), labels=dict(self.labels(subject)),
                    definition=self.definition(subject))

    def framework_of(self, subject) -> str | None:
        return self.one(subject, CM.inFramework, "framework (cm:inFramework)")

    # -- the model ---------------------------------------------------------------------------------------------
    def build(self) -> Model:
        g = self.g
        for subject in self.codes:
            if not any(self.is_a(subject, c) for c in (CM.Framework, CM.Competency, CM.ProficiencyScale, CM.ScaleStep,
                                                        CM.ProficiencyLevel, CM.Indicator, CM.ProcessStage,
                                                        CM.ChecklistSection, CM.Position, CM.AssessmentOutcome)):
                self.problem(subject, self.codes[subject], "has a notation but no known type (cm:Indicator, cm:Competency…)")

        steps = {}
        for s in self.typed(CM.ScaleStep):
            if s not in self.codes:
                self.problem(s, None, "scale step without skos:notation"); continue
            scale = next((self.code(x) for x in g.subjects(CM.hasStep, s)), None)
            code = self.codes[s]
            steps[code] = ScaleStep(**self.base(s), scale=scale or "", rank=self.rank(s),
                                    value=code.rsplit(".", 1)[-1],
                                    crosswalk=tuple(sorted(self.code(o) for o in g.objects(s, CM.crosswalksTo) if self.code(o))))
            if scale is None:
                self.problem(s, code, "belongs to no scale (cm:hasStep)")
        scales = {}
        for s in self.typed(CM.ProficiencyScale):
            if s not in self.codes:
                self.problem(s, None, "scale without skos:notation"); continue
            members = sorted((self.code(o) for o in g.objects(s, CM.hasStep) if self.code(o) in steps),
                             key=lambda c: steps[c].rank)
            scales[self.codes[s]] = Scale(**self.base(s), steps=tuple(members))

        indicators: dict[str, Indicator] = {}
        for s in self.typed(CM.Indicator):
            if s not in self.codes:
                self.problem(s, None, "indicator without skos:notation"); continue
            code = self.codes[s]
            negative = self.is_a(s, CM.NegativeIndicator)
            behavioural = self.is_a(s, CM.BehaviouralIndicator)
            checklist = self.is_a(s, CM.ChecklistItem)
            level = self.one(s, CM.atLevel, "level (cm:atLevel)", required=behavioural)
            if level and not behavioural:
                self.problem(s, code, "has a level but is not a cm:BehaviouralIndicator")
            section = self.one(s, CM.inSection, "section (cm:inSection)", required=checklist)
            competency = self.one(s, CM.indicatorOf, "competency (cm:indicatorOf)", required=behavioural or (negative and not checklist))
            indicators[code] = Indicator(
                **self.base(s), framework=self.framework_of(s) or "",
                kind="negative" if negative else ("behavioural" if behavioural else "checklist"),
                negative=negative, competency=competency, level=level, section=section,
                stage=self.one(s, CM.atStage, "stage (cm:atStage)", required=False),
                cues=dict(self.texts(s, CM.cuePhrase)), examples=dict(self.texts(s, CM.exampleSentence)),
                probes=dict(self.texts(s, CM.probeQuestion)))

        levels: dict[str, Level] = {}
        for s in self.typed(CM.ProficiencyLevel):
            if s not in self.codes:
                self.problem(s, None, "level without skos:notation"); continue
            code = self.codes[s]
            members = tuple(c for c, ind in indicators.items() if ind.level == code)
            levels[code] = Level(**self.base(s), competency=self.one(s, CM.levelOf, "competency (cm:levelOf)") or "",
                                 rank=self.rank(s), step=self.one(s, CM.atStep, "scale step (cm:atStep)") or "",
                                 indicators=members)
            if levels[code].step and levels[code].step not in steps:
                self.problem(s, code, f"scale step {levels[code].step} is not a cm:ScaleStep")
        for code, ind in indicators.items():
            if ind.level and ind.level not in levels:
                self.problem(URIRef(ind.iri), code, f"level {ind.level} is not a cm:ProficiencyLevel")
            elif ind.level and ind.competency and levels[ind.level].competency != ind.competency:
                self.problem(URIRef(ind.iri), code, f"level {ind.level} belongs to {levels[ind.level].competency}, "
                                                    f"not to {ind.competency}")

        stages = {}
        for s in self.typed(CM.ProcessStage):
            if s in self.codes:
                stages[self.codes[s]] = Stage(**self.base(s), competency=self.one(s, CM.stageOf, "competency (cm:stageOf)") or "",
                                              rank=self.rank(s))

        competencies = {}
        for s in self.typed(CM.Competency):
            if s not in self.codes:
                self.problem(s, None, "competency without skos:notation"); continue
            code = self.codes[s]
            own_levels = sorted((c for c, lvl in levels.items() if lvl.competency == code), key=lambda c: levels[c].rank)
            ranks = [levels[c].rank for c in own_levels]
            if len(set(ranks)) != len(ranks):
                self.problem(s, code, f"two levels share a rank: {ranks}")
            framework = self.code(s) if self.is_a(s, CM.Framework) else self.framework_of(s)
            competencies[code] = Competency(
                **self.base(s), framework=framework or "",
                scale=self.one(s, CM.usesScale, "scale (cm:usesScale)", required=bool(own_levels)) or "",
                levels=tuple(own_levels),
                stages=tuple(sorted((c for c, st in stages.items() if st.competency == code), key=lambda c: stages[c].rank)),
                negatives=tuple(c for c, ind in indicators.items() if ind.negative and ind.competency == code))

        sections = {}
        for s in self.typed(CM.ChecklistSection):
            if s in self.codes:
                members = tuple(c for c, ind in indicators.items() if ind.section == self.codes[s])
                sections[self.codes[s]] = Section(**self.base(s), framework=self.framework_of(s) or "", members=members)

        outcomes = {self.codes[s]: Outcome(**self.base(s), framework=self.framework_of(s) or "", rank=self.rank(s))
                    for s in self.typed(CM.AssessmentOutcome) if s in self.codes}

        positions = {}
        for s in self.typed(CM.Position):
            if s not in self.codes:
                continue
            requirements = {}
            for req in g.objects(s, CM.hasRequirement):
                comp = self.one(req, CM.forCompetency, f"competency of a requirement of {self.codes[s]}")
                if comp is None:
                    continue
                na = g.value(req, CM.notAssessed)
                level = None if (na is not None and bool(na.toPython())) else \
                    self.one(req, CM.requiredLevel, f"required level of {self.codes[s]} for {comp}")
                if level is not None and level not in levels:
                    self.problem(s, self.codes[s], f"requires {level}, which is not a level")
                elif level is not None and levels[level].competency != comp:
                    self.problem(s, self.codes[s], f"requires {level} for {comp}, but {level} is a level of {levels[level].competency}")
                requirements[comp] = level
            positions[self.codes[s]] = Position(**self.base(s), framework=self.framework_of(s) or "",
                                                requirements=dict(dict(sorted(requirements.items()))))

        frameworks = {}
        for s in self.typed(CM.Framework):
            if s not in self.codes:
                self.problem(s, None, "framework without skos:notation"); continue
            code = self.codes[s]
            comps = tuple(c for c, comp in competencies.items() if comp.framework == code)
            frameworks[code] = Framework(
                **self.base(s), levelled=any(competencies[c].levels for c in comps), competencies=comps,
                sections=tuple(c for c, sec in sections.items() if sec.framework == code),
                indicators=tuple(c for c, ind in indicators.items() if ind.framework == code),
                source=str(g.value(s, DCTERMS.source) or "") or None)
        for table in (indicators, competencies, stages, sections, positions, outcomes):
            for code, entry in table.items():
                fw = getattr(entry, "framework", None)
                if fw is not None and fw not in frameworks:
                    self.problem(URIRef(entry.iri), code, f"framework {fw or '(none)'} is not a cm:Framework")

        alignments = []
        for relation in MAPPING_RELATIONS:
            for source, target in g.subject_objects(SKOS[relation]):
                if self.code(source) and self.code(target):
                    alignments.append(Alignment(self.code(source), relation, self.code(target), self._rationale(source, relation, target)))
        if self.problems:
            raise OntologyError(self.problems)
        return Model(frameworks=dict(frameworks), competencies=dict(competencies), scales=dict(scales),
                     steps=dict(steps), levels=dict(levels), indicators=dict(indicators), stages=dict(stages),
                     sections=dict(sections), positions=dict(positions), outcomes=dict(outcomes),
                     alignments=tuple(sorted(alignments, key=lambda a: (a.source, a.relation, a.target))))

    def _rationale(self, source, relation, target) -> str | None:
        for axiom in self.g.subjects(OWL.annotatedSource, source):
            if (self.g.value(axiom, OWL.annotatedProperty) == SKOS[relation]
                    and self.g.value(axiom, OWL.annotatedTarget) == target):
                value = self.g.value(axiom, CM.rationale)
                return str(value) if value is not None else None
        return None


def build_model(graph: rdflib.Graph, locate=lambda subject, code: None) -> Model:
    """The typed model of ``graph``; raises OntologyError listing every structural defect."""
    return _Builder(graph, locate).build()


def locator(sources) -> "callable":
    """A function telling in which file (and line) an item is declared, for error messages."""
    texts: dict[Path, list[str]] = {}

    def locate(subject, code):
        for source in sources:
            if (subject, None, None) in source.graph:
                if source.path not in texts:
                    texts[source.path] = source.path.read_text(encoding="utf-8", errors="replace").splitlines()
                lines = texts[source.path]
                for needle in ([f'"{code}"'] if code else []) + [str(subject), str(subject).rsplit("/", 1)[-1]]:
                    for number, line in enumerate(lines, 1):
                        if needle in line:
                            return f"{source.path}:{number}"
                return str(source.path)
        return None
    return locate
