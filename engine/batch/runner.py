"""The batch itself: stream the archive in chunks, skip what the resume store already has, score the rest on a
backend, and write every input's outcome in input order.

Memory stays flat: at most ``window`` chunks are between the reader and the output files at any moment, the reader
holds one file at a time, and scored notes live on disk (resume store, partial outputs), not in lists.
"""
from __future__ import annotations

import os
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol

from engine import __version__
from engine.assessor import UsageError, check_request
from engine.batch.backends import Backend, make_backend
from engine.batch.outputs import Outputs
from engine.batch.readers import Archive, BadField, InputError, Item, Note, load_sidecar
from engine.batch.resume import ResultStore, note_key
from engine.batch.worker import Outcome, Settings, Task
from engine.policy import load_policy
from ontology import load

MAX_BYTES = 5 * 1024 * 1024


@dataclass
class BatchOptions:
    """What ``competency batch`` is asked to do."""

    input: Path
    out: Path
    frameworks: tuple[str, ...] = ("CO",)
    position: str | None = None
    ontology: Path | None = None
    policy: Path | None = None
    sidecar: Path | None = None
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    chunk_size: int = 16
    max_bytes: int = MAX_BYTES
    dask: str | None = None

    @property
    def settings(self) -> Settings:
        """Absolute paths, so worker processes started elsewhere (Dask) find the same files."""
        return (str(self.ontology.resolve()) if self.ontology else None,
                str(self.policy.resolve()) if self.policy else None)


class Reporter(Protocol):
    """Progress display: told the expected total once, then how many inputs were written."""

    def start(self, total: int | None) -> None: ...

    def advance(self, count: int) -> None: ...


@dataclass
class _Slot:
    """One chunk of inputs on its way to the output files."""

    items: list[Item]
    keys: dict[int, str]  # position in items → key, for notes
    outcomes: dict[str, Outcome]  # by key: found in the resume store, then scored
    todo: list[Task]  # the notes to score
    future: Any = None

    def ready(self) -> bool:
        return self.future is None or self.future.done()


@dataclass
class _Counts:
    inputs: int = 0
    scored: int = 0
    resumed: int = 0
    errors: int = 0
    seconds_reading: float = 0.0
    seconds_waiting: float = 0.0


def run_batch(options: BatchOptions, reporter: Reporter | None = None,
              backend_factory: Callable[[Settings, int, str | None], Backend] = make_backend) -> dict[str, Any]:
    """Score every input under ``options.input`` into ``options.out``; returns what run.json records.

    ``backend_factory(settings, workers, dask)`` chooses where chunks are scored (the benchmark forces a pool).
    """
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    if not options.input.exists():
        raise UsageError(f"{options.input}: no such file or folder")
    onto, policy = load(options.ontology), load_policy(options.policy)
    # only the ontology is needed to check the request: the extractor (seconds to build) is left to the workers
    frameworks = check_request(onto.model, options.frameworks, options.position)
    fingerprint = f"engine {__version__} | ontology {onto.content_hash} | policy {policy.label}"
    try:
        sidecar = load_sidecar(options.sidecar) if options.sidecar else {}
    except (BadField, OSError) as exc:
        raise UsageError(str(exc)) from None
    archive = Archive(options.input, options.max_bytes, sidecar,
                      exclude=tuple(p for p in (options.out, options.sidecar) if p))
    expected = archive.estimate()
    if reporter:
        reporter.start(expected)
    store, outputs = ResultStore(options.out), Outputs(options.out)
    counts = _Counts()
    # no more processes than chunks: a small job is not worth starting a pool for
    workers = max(1, min(options.workers, -(-expected // options.chunk_size)))
    backend = _LazyBackend(lambda: backend_factory(options.settings, workers, options.dask), workers)
    try:
        try:
            pending: deque[_Slot] = deque()
            for items in _timed_chunks(archive, options.chunk_size, counts):
                slot = _plan(items, store, fingerprint, frameworks, options.position)
                if slot.todo:
                    slot.future = backend.get().submit(slot.todo)
                pending.append(slot)
                while pending and (pending[0].ready() or len(pending) >= 4 * backend.workers):
                    _emit(pending.popleft(), store, outputs, counts, reporter)
            while pending:
                _emit(pending.popleft(), store, outputs, counts, reporter)
        finally:
            backend.close()
        elapsed = time.perf_counter() - clock
        info = _run_info(options, frameworks, onto.content_hash, policy.label, backend, archive, counts,
                         started, elapsed, backend.started - clock if backend.started else 0.0)
        outputs.commit(info)
        return info
    except BaseException:
        outputs.abort()
        raise
    finally:
        store.close()


class _LazyBackend:
    """The backend, started at the first chunk that needs scoring: a fully resumed run starts no workers."""

    def __init__(self, factory: Callable[[], Backend], workers: int):
        self.factory, self.workers = factory, workers
        self.backend: Backend | None = None
        self.started: float | None = None

    @property
    def kind(self) -> str:
        return self.backend.kind if self.backend else "none"

    def get(self) -> Backend:
        if self.backend is None:
            self.backend = self.factory()
            self.workers, self.started = self.backend.workers, time.perf_counter()
        return self.backend

    def close(self) -> None:
        if self.backend is not None:
            self.backend.close()


def _timed_chunks(archive: Archive, size: int, counts: _Counts) -> Iterator[list[Item]]:
    inputs = iter(archive)
    while True:
        tick = time.perf_counter()
        items = list(islice(inputs, size))
        counts.seconds_reading += time.perf_counter() - tick
        if not items:
            return
        yield items


def _plan(items: list[Item], store: ResultStore, fingerprint: str, frameworks: tuple[str, ...],
          position: str | None) -> _Slot:
    """Key every note of the chunk (its own frameworks/position, else the command's) and look it up in the store."""
    keys, tasks = {}, {}
    for index, item in enumerate(items):
        if isinstance(item, Note):
            request = (item.id, item.text, item.frameworks or frameworks, item.position or position)
            keys[index] = note_key(fingerprint, *request)
            tasks[keys[index]] = (keys[index], *request)
    known = store.get_many(list(tasks))
    return _Slot(items, keys, known, [task for key, task in tasks.items() if key not in known])


def _emit(slot: _Slot, store: ResultStore, outputs: Outputs, counts: _Counts, reporter: Reporter | None) -> None:
    """Wait for the chunk if it is still being scored, keep its new outcomes, and write all its inputs in order."""
    resumed = len(slot.outcomes)
    if slot.future is not None:
        tick = time.perf_counter()
        new = {task[0]: outcome for task, outcome in zip(slot.todo, slot.future.result())}
        counts.seconds_waiting += time.perf_counter() - tick
        store.put_many(new.items())
        slot.outcomes.update(new)
    for index, item in enumerate(slot.items):
        counts.inputs += 1
        if isinstance(item, InputError):
            outputs.error(item.to_json())
            counts.errors += 1
            continue
        key = slot.keys[index]
        outcome = slot.outcomes[key]
        if "result" in outcome:
            outputs.result(outcome["result"], outcome["rows"])
        else:
            outputs.error({"id": item.id, "source": item.source, "line": item.line, "error": outcome["error"]})
            counts.errors += 1
    counts.resumed += resumed
    counts.scored += len(slot.todo)
    if reporter:
        reporter.advance(len(slot.items))


def _run_info(options: BatchOptions, frameworks: tuple[str, ...], onto_hash: str, policy_label: str,
              backend: _LazyBackend, archive: Archive, counts: _Counts, started: datetime, elapsed: float,
              startup: float) -> dict[str, Any]:
    """run.json: versions and counts (identical for identical runs), then backend and timings (which vary)."""
    return {
        "engine": {"version": __version__, "ontology": onto_hash, "policy": policy_label},
        "input": str(options.input), "frameworks": list(frameworks), "position": options.position,
        "sidecar": str(options.sidecar) if options.sidecar else None, "max_bytes": options.max_bytes,
        "counts": {"inputs": counts.inputs, "notes_scored": counts.scored, "notes_resumed": counts.resumed,
                   "errors": counts.errors, "ignored_files": dict(sorted(archive.ignored.items()))},
        "backend": {"kind": backend.kind, "workers": backend.workers, "chunk_size": options.chunk_size,
                    "scheduler": options.dask},
        "timings": {"started": started.isoformat(timespec="seconds"), "elapsed_s": round(elapsed, 3),
                    "startup_s": round(startup, 3), "reading_s": round(counts.seconds_reading, 3),
                    "waiting_for_workers_s": round(counts.seconds_waiting, 3),
                    "inputs_per_s": round(counts.inputs / elapsed, 2) if elapsed else None},
    }
