"""What runs in a worker process: score a chunk of notes with the pipeline that process loaded once.

The same function serves every backend (in-process, local process pool, Dask), so they give identical results.
Chunks, not single notes, are the unit of work: per-task overhead then stays small next to the scoring itself.
"""
from __future__ import annotations

import json
from importlib import resources
from typing import Any

from threadpoolctl import threadpool_limits

from engine.assessor import Assessor, UsageError

# (key, id, text, frameworks, position) for one note; frameworks already resolved against the command's default.
Task = tuple[str, str, str, tuple[str, ...], str | None]
# {"result": contract JSON line, "rows": summary rows} or {"error": message, "final": bool}; not final = retry on resume.
Outcome = dict[str, Any]
Settings = tuple[str | None, str | None]  # ontology entry file, policy file: paths the worker can read

SUMMARY_COLUMNS = ("id", "language", "framework", "competency", "level", "confidence", "flags", "position", "required",
                   "outcome")

_assessors: dict[Settings, Assessor] = {}
_warm: set[Settings] = set()


def assessor_for(settings: Settings) -> Assessor:
    """This process's pipeline for the settings, built on first use (several seconds) and kept."""
    if settings not in _assessors:
        _assessors[settings] = Assessor.create(*settings)
    return _assessors[settings]


def warm_up(settings: Settings) -> None:
    """Load the pipeline when the worker starts rather than inside its first chunks: build it, then score the bundled
    ru/zh/en examples under every framework, since language pipelines and cue tables load on first use."""
    assessor = assessor_for(settings)
    if settings in _warm:
        return
    examples = resources.files("engine") / "examples" / "notes.jsonl"
    for line in examples.read_text(encoding="utf-8").splitlines():
        assessor.assess(json.loads(line)["text"], tuple(assessor.onto.model.frameworks))
    _warm.add(settings)


def score_chunk(settings: Settings, tasks: list[Task]) -> list[Outcome]:
    """Outcomes in task order. BLAS may use one thread only: parallelism comes from processes, and numpy's default of
    a thread per core made one worker spin on both cores (twice the CPU for the same speed), so two workers collided."""
    assessor = assessor_for(settings)
    with threadpool_limits(limits=1):
        return [score_one(assessor, task) for task in tasks]


def score_one(assessor: Assessor, task: Task) -> Outcome:
    _, note_id, text, frameworks, position = task
    try:
        result = assessor.assess(text, frameworks, position, note_id=note_id).to_json()
    except UsageError as exc:
        return {"error": str(exc), "final": True}
    except Exception as exc:  # an engine bug on one odd note must not stop the batch; the text is never logged
        return {"error": f"internal error while scoring: {type(exc).__name__}: {exc}", "final": False}
    return {"result": json.dumps(result, ensure_ascii=False), "rows": summary_rows(result)}


def summary_rows(result: dict[str, Any]) -> list[list[Any]]:
    """One row per competency (``SUMMARY_COLUMNS``): level, confidence, flags and the outcome against the position."""
    position = result.get("position") or {}
    required, outcomes = position.get("required", {}), position.get("outcomes", {})
    return [[result["id"], result["language"], comp["code"].split(".")[0], comp["code"],
             None if comp["level"] is None else str(comp["level"]), comp["confidence"], list(comp["flags"]),
             position.get("code"), required.get(comp["code"]), outcomes.get(comp["code"])]
            for comp in result["competencies"]]
