"""Combining the matchers' signals into match decisions: a logistic model over the signals, with weights and a
threshold calibrated on the development corpus (``bench/calibrate.py`` writes ``data/matching.toml``).
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
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

    def probability(self, signals: dict[str, Signal]) -> float:
        z = self.bias
        for name, signal in signals.items():
            z += self.weights.get(name, 0.0) * signal.score + self.present.get(name, 0.0)
        return 1.0 / (1.0 + math.exp(-z))
