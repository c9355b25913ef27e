"""Where chunks are scored: in this process, in a local process pool, or on a Dask cluster (existing or LocalCluster).

All three run :func:`engine.batch.worker.score_chunk` and hand back futures, so the runner does not care which one runs.
Worker processes load the pipeline once (pool initializer; a ``client.run`` on every Dask worker) and keep it.
"""
from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

from engine.assessor import UsageError
from engine.batch.worker import Outcome, Settings, Task, score_chunk, warm_up


class Backend(Protocol):
    kind: str
    workers: int

    def submit(self, tasks: list[Task]) -> Any:
        """A future whose ``result()`` is the chunk's outcomes, in task order."""

    def close(self) -> None: ...


class Inline:
    """Score in the calling process (one worker): no start-up cost, the choice for small jobs and tests."""

    kind, workers = "inline", 1

    def __init__(self, settings: Settings):
        self.settings = settings
        warm_up(settings)

    def submit(self, tasks: list[Task]) -> Future:
        future: Future[list[Outcome]] = Future()
        future.set_result(score_chunk(self.settings, tasks))
        return future

    def close(self) -> None:
        """Nothing to release: the pipeline stays cached for the next batch in this process."""


class Pool:
    """Local worker processes (spawned, so none inherits the driver's threads or open files)."""

    kind = "pool"

    def __init__(self, settings: Settings, workers: int):
        self.settings, self.workers = settings, workers
        self.executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=warm_up, initargs=(settings,))
        # start every worker now (one process per pending task), so start-up is not counted as scoring time
        wait([self.executor.submit(warm_up, settings) for _ in range(workers)])

    def submit(self, tasks: list[Task]) -> Future:
        return self.executor.submit(score_chunk, self.settings, tasks)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class Dask:
    """A Dask distributed cluster: ``local`` starts a LocalCluster of ``workers`` single-threaded processes.

    Workers receive the notes' text with their chunk, so they need no access to the input files; an edited ontology or
    policy given by path must be readable at the same path on every worker.
    """

    kind = "dask"

    def __init__(self, settings: Settings, address: str, workers: int):
        from distributed import Client, LocalCluster

        self.settings, self.address = settings, address
        self.cluster = None
        if address == "local":
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(address)
            except OSError as exc:
                raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.client.run(warm_up, settings)
        self.workers = sum(self.client.nthreads().values())

    def submit(self, tasks: list[Task]) -> Any:
        return self.client.submit(score_chunk, self.settings, tasks, pure=False)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_backend(settings: Settings, workers: int, dask: str | None) -> Backend:
    if dask:
        return Dask(settings, dask, workers)
    return Inline(settings) if workers <= 1 else Pool(settings, workers)
