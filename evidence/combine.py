"""Combining the matchers' signals into match decisions: a logistic model over the signals, with weights and a
threshold calibrated on the development corpus (``bench/calibrate.py`` writes ``data/matching.toml``).
"""
from __future__ import annotations

import math
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable
from importlib import resources

from evidence.matchers import Signal
from evidence.units import Unit


def unit_features(unit: Unit | None) -> dict[str, float]:
    """What the combiner knows of a unit before any backend has looked at it, besides its language: the log of its
    length in words (a two-word fragment rarely tells a whole behaviour; a long clause more often does)."""
    return {"log_words": math.log(max(unit.words, 1.0))} if unit is not None else {}


def framework_of(code: str) -> str:
    """The framework of an indicator, competency or section code: its first part (FRAMEWORKS.md: "GW.RR.Sb.1")."""
    return code.split(".", 1)[0]


@dataclass(frozen=True)
class Combiner:
    bias: float
    weights: dict[str, float]   # per backend: weight of its score
    present: dict[str, float]   # per backend: weight of having proposed the indicator at all
    threshold: float
    max_per_unit: int = 3       # a unit evidences at most this many indicators (the most probable ones)
    top: dict[str, float] = field(default_factory=dict)  # per backend: weight of the indicator being its first choice
    language: dict[str, float] = field(default_factory=dict)  # per language of the unit: added to the bias
    framework: dict[str, float] = field(default_factory=dict)  # per framework of the indicator: added to the bias
    unit: dict[str, float] = field(default_factory=dict)  # per feature of the unit (unit_features): its weight

    @classmethod
    def load(cls) -> "Combiner":
        data = tomllib.loads((resources.files("evidence") / "data" / "matching.toml").read_text(encoding="utf-8"))
        config = data["combine"]

        def floats(table: str) -> dict[str, float]:
            return {k: float(v) for k, v in config.get(table, {}).items()}

        return cls(float(config["bias"]), floats("weights"), floats("present"), float(config["threshold"]),
                   int(config.get("max_per_unit", 3)), floats("top"), floats("language"), floats("framework"),
                   floats("unit"))

    def prior(self, unit: Unit | None) -> float:
        """The part of the log-odds the unit itself gives, before signals or indicator: bias, language, features."""
        z = self.bias + (self.language.get(unit.lang, 0.0) if unit is not None else 0.0)
        return z + sum(self.unit.get(name, 0.0) * value for name, value in unit_features(unit).items())

    def logit(self, signals: dict[str, Signal], unit: Unit | None = None, code: str = "") -> float:
        """The log-odds that ``unit`` shows indicator ``code``, given the backends' signals for it."""
        z = self.prior(unit) + self.framework.get(framework_of(code), 0.0)
        for name, signal in signals.items():
            z += self.weights.get(name, 0.0) * signal.score + self.present.get(name, 0.0)
            if signal.top:
                z += self.top.get(name, 0.0)
        return z

    def probability(self, signals: dict[str, Signal], unit: Unit | None = None, code: str = "") -> float:
        return 1.0 / (1.0 + math.exp(-self.logit(signals, unit, code)))

    def reach(self, backends: Iterable[str]) -> tuple[float, float]:
        """The least and the most that signals of these backends (scores in [0, 1], or none) can add to a logit."""
        low = high = 0.0
        for name in backends:
            weight, present, top = self.weights.get(name, 0.0), self.present.get(name, 0.0), self.top.get(name, 0.0)
            ends = (present, present + weight, present + top, present + weight + top)
            low += min(0.0, *ends)
            high += max(0.0, *ends)
        return low, high

    def kept(self, accepted: list[tuple[float, str, str]]) -> list[tuple[float, str, str]]:
        """Of a unit's accepted candidates (probability, indicator, competency), the ones it evidences: the most
        probable one of each competency (policy v1: within one competency a clause evidences one indicator), and at
        most ``max_per_unit`` in all."""
        kept: list[tuple[float, str, str]] = []
        for candidate in sorted(accepted, key=lambda a: (-a[0], a[1])):
            if len(kept) < self.max_per_unit and all(candidate[2] != k[2] for k in kept):
                kept.append(candidate)
        return kept

    def undecided(self, candidates: Iterable[tuple[str, dict[str, Signal]]], later: Iterable[str],
                  unit: Unit | None = None) -> bool:
        """Whether signals still to come from the ``later`` backends could change what a unit evidences, given the
        signals its candidate indicators (competency, signals) have so far: a costly backend need not look at a unit
        where they cannot."""
        low, high = self.reach(later)
        cut = math.log(self.threshold / (1.0 - self.threshold))
        most = max([0.0, *self.framework.values()])
        if self.prior(unit) + most + high >= cut:  # the later backends alone could match
            return True
        certain: Counter[str] = Counter()
        for competency, signals in candidates:
            z = self.logit(signals, unit, competency)
            if z + low >= cut:
                certain[competency] += 1
            elif z + high >= cut:
                return True  # accepted or not depending on what comes
        # which of them are kept depends on what comes
        return len(certain) > self.max_per_unit or any(n > 1 for n in certain.values())
