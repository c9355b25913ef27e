"""What makes a batch resumable: every scored note is kept in an SQLite file in the output folder, keyed on a hash of
its content and of the engine, ontology and policy that scored it.

A rerun of the same command finds those keys and skips the notes; a run killed at any moment (even SIGKILL) loses at
most the chunks in flight, because each chunk is committed in one transaction. Outcomes are zlib-compressed JSON:
results are ~20x larger than their notes and compress well.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from pathlib import Path
from typing import Iterable

from engine.batch.worker import Outcome

STORE_NAME = ".batch-store.sqlite"


def note_key(fingerprint: str, note_id: str, text: str, frameworks: tuple[str, ...], position: str | None) -> str:
    """The content hash a note is scored under; ``fingerprint`` names the engine, ontology and policy versions."""
    payload = json.dumps([fingerprint, note_id, list(frameworks), position, text], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8", errors="surrogatepass")).hexdigest()


class ResultStore:
    """Outcomes by key; only the process driving the batch opens it."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(folder / STORE_NAME)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # a killed process loses nothing committed; power loss may lose the last
        self.db.execute("CREATE TABLE IF NOT EXISTS outcome (key TEXT PRIMARY KEY, data BLOB NOT NULL)")

    def get_many(self, keys: list[str]) -> dict[str, Outcome]:
        if not keys:
            return {}
        rows = self.db.execute(f"SELECT key, data FROM outcome WHERE key IN ({','.join('?' * len(keys))})", keys)
        return {key: json.loads(zlib.decompress(data)) for key, data in rows}

    def put_many(self, items: Iterable[tuple[str, Outcome]]) -> None:
        """Keep the final outcomes of one chunk, all or none; a retryable error is not kept, so a rerun tries again."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO outcome VALUES (?, ?)",
                                [(key, zlib.compress(json.dumps(o, ensure_ascii=False).encode("utf-8"), 1))
                                 for key, o in items if o.get("final", True)])

    def close(self) -> None:
        self.db.close()
