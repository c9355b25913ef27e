"""Read-only SPARQL over the local knowledge-graph store, for the workbench (``POST /api/query``).

The store is opened for each query and closed right after, never held open: ``competency store load`` can then add
results while the workbench runs (the store admits one opener at a time, and pyoxigraph's read-only mode is undefined
beside a writer), and every query sees the latest results. Nothing is ever written: the read-only guard refuses
UPDATE, LOAD, SERVICE and federated FROM before the store is opened. A store not created yet answers as an empty
one does, and is not created.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from engine.graph.safety import check_read_only
from engine.graph.store import LocalStore, StoreError


class StoreBusy(StoreError):
    """The store is open elsewhere (e.g. ``competency store load`` is writing to it): try again shortly."""


class EmptyStore(LocalStore):
    """Stands in for a store not created yet: the answers of an empty store (the query's variables and no rows, ASK
    false), from memory, without creating anything on disk."""

    def __init__(self, path: Path):  # not LocalStore.__init__: that would create the store on disk
        self.path, self.location, self.store = path, str(path), ox.Store()


class StoreReader:
    """The workbench's handle on the store at ``path``: one query at a time (one opener per process)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def exists(self) -> bool:
        return self.path.is_dir() and any(self.path.iterdir())

    def _open(self) -> LocalStore:
        if not self.exists():
            return EmptyStore(self.path)
        try:
            return LocalStore(self.path)
        except StoreError as exc:
            raise StoreBusy(str(exc)) from None

    def query(self, sparql: str) -> dict[str, Any]:
        """The answer as JSON: the query form, then rows (SELECT), a boolean (ASK) or N-Triples (CONSTRUCT,
        DESCRIBE). Raises QueryRefused for anything but a read-only local query, StoreBusy when the store is in use,
        StoreError for a query the store cannot run."""
        form = check_read_only(sparql)
        with self._lock, self._open() as store:  # closed (and its lock freed) as the block ends, even on an error
            missing = isinstance(store, EmptyStore)
            answer = store.query(sparql)  # the text itself: never a file name or library entry, as the CLI allows
        return {"form": form, "variables": answer.variables, "rows": answer.rows, "boolean": answer.boolean,
                "triples": answer.triples, "store": str(self.path),
                "message": f"no store at {self.path} yet: the answer is that of an empty store (add results with "
                           "`competency store load`)" if missing else ""}
