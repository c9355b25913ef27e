"""Reading results for the store and the team view: batch folders, JSON Lines, single JSON results.

One bad line never stops a load: it becomes a ``Record`` with the problem and where it is (file and line).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from engine.graph.store import Record, StoreError


def _decode(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"{path}: cannot read as UTF-8 ({exc})") from None


def _record(where: str, data: object) -> Record:
    if not isinstance(data, dict):
        return Record(where, None, "not a JSON object")
    if "error" in data and "competencies" not in data:
        return Record(where, None, f"the batch could not score this note ({data.get('error')})")
    if not isinstance(data.get("id"), str) or not data["id"]:
        return Record(where, None, "missing field 'id'")
    for name in ("competencies", "indicators", "engine"):
        if name not in data:
            return Record(where, None, f"missing field '{name}'")
    return Record(where, data)


def read_lines(path: Path) -> Iterator[Record]:
    for number, line in enumerate(_decode(path).splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield _record(where, json.loads(line))
        except json.JSONDecodeError as exc:
            yield Record(where, None, f"not JSON ({exc.msg}, column {exc.colno})")


def read_json(path: Path) -> Iterator[Record]:
    try:
        data = json.loads(_decode(path))
    except json.JSONDecodeError as exc:
        raise StoreError(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from None
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        yield _record(f"{path}" + (f"[{index}]" if isinstance(data, list) else ""), item)


def result_files(source: Path) -> list[Path]:
    """The files a ``store load`` / ``team`` argument stands for: a batch folder means its results.jsonl."""
    if source.is_dir():
        found = source / "results.jsonl"
        if not found.exists():
            raise StoreError(f"{source}: a folder without results.jsonl (the output of `competency batch`)")
        return [found]
    if not source.exists():
        raise StoreError(f"{source}: file not found")
    return [source]


def read_results(source: Path) -> Iterator[Record]:
    """Every result of a batch folder, a .jsonl file or a .json file (one result or a list of results)."""
    for path in result_files(source):
        if path.suffix == ".json":
            yield from read_json(path)
        else:
            yield from read_lines(path)
