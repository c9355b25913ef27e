"""The engine's on-disk cache, in the user's cache directory: pickled objects keyed on what they were built from.

For what is costly to build and cheap to load (the parsed ontology, compiled matchers, embedded example sentences).
A cache that cannot be read or written only costs time: the object is built again. Writes go through a temporary
file and a rename, so a crash never leaves a half-written entry.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any, Callable, TypeVar

import platformdirs

T = TypeVar("T")
_UNREADABLE = (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError)


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("competency-engine"))


def entry(kind: str, key: str) -> Path:
    """The file of a cache entry: ``kind`` is a folder, ``key`` any string that identifies the content."""
    return cache_dir() / kind / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.pickle"


def read(path: Path) -> Any | None:
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except _UNREADABLE:
        return None


def write(path: Path, value: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PickleError, TypeError, AttributeError):
        pass  # a read-only home only costs speed


def cached(kind: str, key: str, build: Callable[[], T]) -> T:
    """The cached value for ``key``, built and stored on a miss."""
    path = entry(kind, key)
    value = read(path)
    if value is None:
        value = build()
        write(path, value)
    return value
