"""A small on-disk cache of pickled objects in the user's cache directory, keyed on what they were built from.

Used for what is costly to build and cheap to load (compiled matchers). A cache that cannot be read or written
only costs time: the object is built again.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Callable, TypeVar

import platformdirs

T = TypeVar("T")


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("competency-engine"))


def disk_cached(kind: str, key: str, build: Callable[[], T]) -> T:
    path = cache_dir() / kind / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PickleError, TypeError, AttributeError):
        pass
    return value
