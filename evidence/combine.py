"""Combining the matchers' signals into match decisions: a logistic model over the signals, with weights and a
threshold calibrated on the development corpus (``bench/calibrate.py`` writes ``data/matching.toml``).
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from typing import Iterable
from importlib import resources

from evidence.matchers import Signal


@dataclass(frozen=True)
class Combiner:
    bias: float
    weights: dict[str, float]   # per backend: weight of its score
    present: dict[str, float]   # per backend: weight of having proposed the indicator at all
    threshold: float
    max_per_unit: int = 3       # a unit evidences at most this many indicators (the most probable ones)

    @classmethod
    def load(cls) -> "Combiner":
        data = tomllib.loads((resources.files("evidence") / "data" / "matching.toml").read_text(encoding="utf-8"))
        config = data["combine"]
        return cls(float(config["bias"]), {k: float(v) for k, v in config["weights"].items()},
                   {k: float(v) for k, v in config["present"].items()}, float(config["threshold"]),
                   int(config.get("max_per_unit", 3)))

    def logit(self, signals: dict[str, Signal]) -> float:
        z = self.bias
        for name, signal in signals.items():
            z += self.weights.get(name, 0.0) * signal.score + self.present.get(name, 0.0)
        return z

    def probability(self, signals: dict[str, Signal]) -> float:
        return 1.0 / (1.0 + math.exp(-self.logit(signals)))

    def reach(self, backends: Iterable[str]) -> tuple[float, float]:
        """The least and the most that signals of these backends (scores in [0, 1], or none) can add to a logit."""
        low = high = 0.0
        for name in backends:
            weight, present = self.weights.get(name, 0.0), self.present.get(name, 0.0)
            low += min(0.0, present, present + weight)
            high += max(0.0, present, present + weight)
        return low, high

    def undecided(self, candidates: Iterable[dict[str, Signal]], later: Iterable[str]) -> bool:
        """Whether signals still to come from the ``later`` backends could change what a unit evidences, given the
        signals its candidate indicators have so far: a costly backend need not look at a unit where they cannot."""
        low, high = self.reach(later)
        cut = math.log(self.threshold / (1.0 - self.threshold))
        if self.bias + high >= cut:  # the later backends alone could propose a new match
            return True
        certain = 0
        for signals in candidates:
            z = self.logit(signals)
            if z + low >= cut:
                certain += 1
            elif z + high >= cut:
                return True  # accepted or not depending on what comes
        return certain > self.max_per_unit  # which of them are kept depends on what comes
