"""The files a batch leaves in its output folder, streamed to hidden partial files and renamed into place at the end.

A run that is interrupted never leaves a half-written results.jsonl (or summary): the previous complete files stay until
the new ones are whole. run.json is written last, so its presence with matching counts marks a finished run.
"""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from engine.batch.worker import SUMMARY_COLUMNS

PARQUET_SCHEMA = pa.schema([(name, pa.list_(pa.string()) if name == "flags" else pa.string())
                            for name in SUMMARY_COLUMNS])
ROW_GROUP = 16_384


def write_json_atomic(path: Path, data: Any) -> None:
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, path)


class Outputs:
    """results.jsonl (one line per input, in input order), errors.jsonl, summary.csv and summary.parquet."""

    NAMES = ("results.jsonl", "errors.jsonl", "summary.csv", "summary.parquet")

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.partial = {name: folder / f".{name}.partial" for name in self.NAMES}
        self.results = self.partial["results.jsonl"].open("w", encoding="utf-8", newline="\n")
        self.errors = self.partial["errors.jsonl"].open("w", encoding="utf-8", newline="\n")
        self.csv_file = self.partial["summary.csv"].open("w", encoding="utf-8", newline="")
        self.csv = csv.writer(self.csv_file, lineterminator="\n")
        self.csv.writerow(SUMMARY_COLUMNS)
        self.parquet = pq.ParquetWriter(self.partial["summary.parquet"], PARQUET_SCHEMA)
        self.rows: list[list[Any]] = []

    def result(self, line: str, rows: list[list[Any]]) -> None:
        self.results.write(line + "\n")
        for row in rows:
            self.csv.writerow(["" if v is None else ";".join(v) if isinstance(v, list) else v for v in row])
        self.rows.extend(rows)
        if len(self.rows) >= ROW_GROUP:
            self._flush_rows()

    def error(self, record: dict[str, Any]) -> None:
        """An input that could not be scored: its line in results.jsonl says so, errors.jsonl says where and why."""
        self.results.write(json.dumps({"id": record["id"], "error": record["error"]}, ensure_ascii=False) + "\n")
        self.errors.write(json.dumps(record, ensure_ascii=False) + "\n")

    def _flush_rows(self) -> None:
        if self.rows:
            columns = list(zip(*self.rows))
            self.parquet.write_table(pa.table([pa.array(col, type=field.type) for col, field in
                                               zip(columns, PARQUET_SCHEMA)], schema=PARQUET_SCHEMA))
            self.rows = []

    def _close(self) -> None:
        self._flush_rows()
        self.parquet.close()
        for fh in (self.results, self.errors, self.csv_file):
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()

    def commit(self, run_info: dict[str, Any]) -> None:
        """Put the finished files in place, then run.json."""
        self._close()
        for name, partial in self.partial.items():
            os.replace(partial, self.folder / name)
        write_json_atomic(self.folder / "run.json", run_info)

    def abort(self) -> None:
        """Drop the partial files of an interrupted run; the scored notes stay in the resume store."""
        try:
            self._close()
        finally:
            for partial in self.partial.values():
                partial.unlink(missing_ok=True)
