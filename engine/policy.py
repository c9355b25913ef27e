"""Scoring policies as data: loading, validating (typos named with a suggestion) and identifying them.

A policy file (TOML) chooses among the rules the engine knows and sets their parameters; see
``policies/policy-v1.toml`` for the default, which is policy v1 of EVALUATION.md.
"""
from __future__ import annotations

import difflib
import hashlib
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Mapping

QUALIFIERS = ("I", "candidate", "we", "other", "interviewer", "past", "generic", "hypothetical", "negated", "reported")
INDICATOR_RULES = ("weight-sum",)
LEVEL_RULES = ("highest-evidenced",)
NEGATIVE_RULES = ("step-down", "cap-below-lowest", "flag-only")
CLAUSE_MODES = ("highest-level", "every-level")

SCHEMA: dict[str, dict[str, tuple]] = {
    "qualifiers": {name: (float,) for name in QUALIFIERS},
    "indicator": {"rule": INDICATOR_RULES, "threshold": (float,), "clause_counts_for": CLAUSE_MODES},
    "level": {"rule": LEVEL_RULES, "min_indicators": (int,), "min_events": (int,)},
    "negatives": {"rule": NEGATIVE_RULES, "steps": (int,), "flag": (bool,)},
    "not_evidenced": {"level": ("null",)},
}
TOP_LEVEL = {"id", "title", "description", *SCHEMA}


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Policy:
    id: str
    title: str
    qualifiers: Mapping[str, float]
    threshold: float
    clause_counts_for: str
    min_indicators: int
    min_events: int
    negatives: str
    negative_steps: int
    flag_negatives: bool
    digest: str

    @property
    def label(self) -> str:
        """How results name the policy: id and content hash."""
        return f"{self.id} sha256:{self.digest[:12]}"

    def weight(self, qualifiers: tuple[str, ...] | list[str]) -> float:
        """A clause's weight: the product of its qualifiers' factors (unknown qualifiers count 1)."""
        weight = 1.0
        for name in qualifiers:
            weight *= self.qualifiers.get(name, 1.0)
        return weight


def _suggest(key: str, known) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(sorted(known))})"


def parse_policy(data: dict, where: str, digest: str) -> Policy:
    for key in data:
        if key not in TOP_LEVEL:
            raise PolicyError(f"{where}: unknown key {key!r}{_suggest(key, TOP_LEVEL)}")
    if not isinstance(data.get("id"), str) or not data["id"]:
        raise PolicyError(f"{where}: key 'id' (a non-empty string) is required")
    values: dict[str, dict] = {}
    for section, fields in SCHEMA.items():
        table = data.get(section)
        if not isinstance(table, dict):
            raise PolicyError(f"{where}: section [{section}] is required")
        for key, value in table.items():
            if key not in fields:
                raise PolicyError(f"{where}: [{section}] unknown key {key!r}{_suggest(key, fields)}")
            allowed = fields[key]
            if allowed and isinstance(allowed[0], type):
                kind = allowed[0]
                ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool)) or \
                    (kind is float and isinstance(value, int) and not isinstance(value, bool))
                if not ok:
                    raise PolicyError(f"{where}: [{section}] {key} must be a {kind.__name__}, got {value!r}")
                if kind in (int, float) and value < 0:
                    raise PolicyError(f"{where}: [{section}] {key} must not be negative, got {value!r}")
            elif value not in allowed:
                raise PolicyError(f"{where}: [{section}] {key} = {value!r} is not a known rule{_suggest(str(value), allowed)}")
        missing = [k for k in fields if k not in table and section != "qualifiers"]
        if missing:
            raise PolicyError(f"{where}: [{section}] missing {', '.join(missing)}")
        values[section] = table
    missing_q = [q for q in QUALIFIERS if q not in values["qualifiers"]]
    if missing_q:
        raise PolicyError(f"{where}: [qualifiers] missing {', '.join(missing_q)}")
    return Policy(id=data["id"], title=str(data.get("title", data["id"])),
                  qualifiers={k: float(v) for k, v in values["qualifiers"].items()},
                  threshold=float(values["indicator"]["threshold"]),
                  clause_counts_for=values["indicator"]["clause_counts_for"],
                  min_indicators=int(values["level"]["min_indicators"]), min_events=int(values["level"]["min_events"]),
                  negatives=values["negatives"]["rule"], negative_steps=int(values["negatives"]["steps"]),
                  flag_negatives=bool(values["negatives"]["flag"]), digest=digest)


def load_policy(path: str | Path | None = None) -> Policy:
    """A policy from a TOML file, or the bundled policy v1."""
    if path is None:
        source = resources.files("engine") / "policies" / "policy-v1.toml"
        raw, where = source.read_bytes(), "policy-v1.toml"
    else:
        try:
            raw, where = Path(path).read_bytes(), str(path)
        except OSError as exc:
            raise PolicyError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{where}: not valid TOML: {exc}") from exc
    return parse_policy(data, where, hashlib.sha256(raw).hexdigest())


def bundled_policies() -> dict[str, Path]:
    folder = resources.files("engine") / "policies"
    return {p.name.removesuffix(".toml"): Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml")}
