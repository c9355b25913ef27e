"""The typed model of the frameworks that the rest of the engine works with.

Everything is keyed by code (the skos:notation of FRAMEWORKS.md): codes are the contract between the ontology, the
engine's output and the evaluation sets. IRIs travel beside them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

Texts = Mapping[str, tuple[str, ...]]  # language → texts


@dataclass(frozen=True, slots=True)
class Item:
    """Anything with a code: labels per language and the seed's own definition."""

    code: str
    iri: str
    labels: Mapping[str, str]
    definition: str | None

    def label(self, lang: str = "en") -> str:
        """The label in ``lang``, falling back to English, then to the code."""
        return self.labels.get(lang) or self.labels.get("en") or self.code


@dataclass(frozen=True, slots=True)
class Indicator(Item):
    """A behavioural indicator, negative indicator or checklist item, with how it shows up in text."""

    framework: str
    kind: str  # "behavioural" | "negative" | "checklist"
    negative: bool
    competency: str | None = None
    level: str | None = None
    section: str | None = None
    stage: str | None = None
    cues: Texts = field(default_factory=dict)
    examples: Texts = field(default_factory=dict)
    probes: Texts = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScaleStep(Item):
    scale: str
    rank: int
    value: str  # "1".."5" for CO, "Sb" | "Si" | "Sa" for GW
    crosswalk: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scale(Item):
    steps: tuple[str, ...]  # step codes, ascending rank


@dataclass(frozen=True, slots=True)
class Level(Item):
    competency: str
    rank: int
    step: str  # ScaleStep code
    indicators: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Stage(Item):
    competency: str
    rank: int


@dataclass(frozen=True, slots=True)
class Competency(Item):
    framework: str
    scale: str
    levels: tuple[str, ...]  # ascending rank
    stages: tuple[str, ...]  # process order
    negatives: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Section(Item):
    framework: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Position(Item):
    framework: str
    requirements: Mapping[str, str | None]  # competency → required level code, None for N/A


@dataclass(frozen=True, slots=True)
class Outcome(Item):
    framework: str
    rank: int


@dataclass(frozen=True, slots=True)
class Framework(Item):
    levelled: bool
    competencies: tuple[str, ...]
    sections: tuple[str, ...]
    indicators: tuple[str, ...]  # every indicator, negative and checklist item of the framework
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Alignment:
    """A SKOS mapping link between items of different frameworks."""

    source: str
    relation: str  # closeMatch | relatedMatch | broadMatch | narrowMatch | exactMatch
    target: str
    rationale: str | None


@dataclass(frozen=True)
class Model:
    """All frameworks of an ontology, indexed by code."""

    frameworks: Mapping[str, Framework]
    competencies: Mapping[str, Competency]
    scales: Mapping[str, Scale]
    steps: Mapping[str, ScaleStep]
    levels: Mapping[str, Level]
    indicators: Mapping[str, Indicator]
    stages: Mapping[str, Stage]
    sections: Mapping[str, Section]
    positions: Mapping[str, Position]
    outcomes: Mapping[str, Outcome]
    alignments: tuple[Alignment, ...]

    def item(self, code: str) -> Item:
        """Any item by code; KeyError names the code."""
        for table in (self.indicators, self.competencies, self.levels, self.frameworks, self.stages,
                      self.positions, self.outcomes, self.sections, self.steps, self.scales):
            if code in table:
                return table[code]
        raise KeyError(code)

    def __contains__(self, code: str) -> bool:
        try:
            self.item(code)
        except KeyError:
            return False
        return True

    def levelled_competencies(self, framework: str) -> tuple[str, ...]:
        fw = self.frameworks[framework]
        return fw.competencies if fw.levelled else ()

    def level_value(self, level_code: str) -> str:
        """The scale value of a level ("3", "Si")."""
        return self.steps[self.levels[level_code].step].value
