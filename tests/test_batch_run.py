"""Batch runs: outputs in the contract and in input order, resume after an interruption or SIGKILL, and identical
results in-process, on a local process pool and on a Dask LocalCluster."""
from __future__ import annotations

import csv
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from engine.batch import backends
from engine.batch.readers import Archive, load_sidecar
from engine.batch.resume import STORE_NAME
from engine.batch.runner import BatchOptions, run_batch
from engine.cli import app
from test_batch_inputs import MAX_BYTES, build_archive

SCHEMA = json.loads((resources.files("engine") / "schema" / "result.schema.json").read_text(encoding="utf-8"))
OUTPUTS = ("results.jsonl", "errors.jsonl", "summary.csv", "summary.parquet")
SCORED = 12  # notes in build_archive that can be scored; the other 8 inputs are bad


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("archive") / "in"
    return root, build_archive(root)


def options(archive, out: Path, **overrides) -> BatchOptions:
    root, sidecar = archive
    settings = dict(frameworks=("CO",), sidecar=sidecar, workers=1, chunk_size=3, max_bytes=MAX_BYTES)
    return BatchOptions(root, out, **{**settings, **overrides})


@pytest.fixture(scope="module")
def inline_run(archive, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("inline")
    run_batch(options(archive, out))
    return out


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def assert_same_run(a: Path, b: Path) -> None:
    """Byte-identical outputs; run.json identical apart from timings, the backend that ran it, and how many notes
    were scored now rather than resumed."""
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    info_a, info_b = (json.loads((x / "run.json").read_text(encoding="utf-8")) for x in (a, b))
    for info in (info_a, info_b):
        del info["timings"], info["backend"]
        info["counts"]["notes"] = info["counts"].pop("notes_scored") + info["counts"].pop("notes_resumed")
    assert info_a == info_b


def test_outputs_follow_the_contract_in_input_order(archive, inline_run):
    root, sidecar = archive
    expected_ids = [item.id for item in Archive(root, MAX_BYTES, load_sidecar(sidecar), exclude=(sidecar,))]
    results = lines(inline_run / "results.jsonl")
    assert [r["id"] for r in results] == expected_ids
    scored = [r for r in results if "error" not in r]
    for result in scored:
        jsonschema.validate(result, SCHEMA)
    errors = lines(inline_run / "errors.jsonl")
    assert [(e["id"], e["error"]) for e in errors] == [(r["id"], r["error"]) for r in results if "error" in r]
    assert len(scored) == SCORED and all(e["source"].startswith(str(root)) for e in errors)

    by_id = {r["id"]: r for r in scored}
    assert by_id["a.txt"]["frameworks"] == ["CO", "GW"] and by_id["a.txt"]["position"]["code"] == "GW.POS.05"
    assert by_id["zh/gbk.txt"]["language"] == "zh" and by_id["ru/koi8.txt"]["language"] == "ru"

    with (inline_run / "summary.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == sum(len(r["competencies"]) for r in scored)
    a_rows = {row["competency"]: row for row in rows if row["id"] == "a.txt"}
    outcomes = by_id["a.txt"]["position"]["outcomes"]
    assert {c: row["outcome"] for c, row in a_rows.items() if row["outcome"]} == outcomes
    first = by_id[rows[0]["id"]]["competencies"][0]
    assert (rows[0]["level"], rows[0]["confidence"], rows[0]["flags"]) == (
        "" if first["level"] is None else str(first["level"]), first["confidence"], ";".join(first["flags"]))
    table = pq.read_table(inline_run / "summary.parquet").to_pylist()
    assert [(t["id"], t["competency"], t["level"] or "", ";".join(t["flags"])) for t in table] == \
        [(r["id"], r["competency"], r["level"], r["flags"]) for r in rows]

    info = json.loads((inline_run / "run.json").read_text(encoding="utf-8"))
    assert info["counts"] == {"inputs": 20, "notes_scored": SCORED, "notes_resumed": 0, "errors": 8,
                              "ignored_files": {".png": 1}}
    assert info["engine"] == scored[0]["engine"]
    assert not list(inline_run.glob(".*.partial"))


def test_a_rerun_skips_what_was_scored_with_the_same_engine(archive, inline_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(inline_run, out)
    info = run_batch(options(archive, out))
    assert (info["counts"]["notes_scored"], info["counts"]["notes_resumed"]) == (0, SCORED)
    assert_same_run(inline_run, out)
    # another default framework changes the key of the 8 notes that take the default, not of the 4 that name theirs
    info = run_batch(options(archive, out, frameworks=("CO", "GW")))
    assert (info["counts"]["notes_scored"], info["counts"]["notes_resumed"]) == (8, 4)


def test_an_interrupted_run_leaves_the_previous_outputs_and_resumes(archive, inline_run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    calls = []

    def crash_on_second_chunk(settings, tasks):
        calls.append(len(tasks))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(settings, tasks)

    real = backends.score_chunk
    monkeypatch.setattr(backends, "score_chunk", crash_on_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        run_batch(options(archive, out))
    assert sorted(p.name for p in out.iterdir()) == [STORE_NAME] + ([f"{STORE_NAME}-shm", f"{STORE_NAME}-wal"]
                                                                    if (out / f"{STORE_NAME}-wal").exists() else [])
    monkeypatch.setattr(backends, "score_chunk", real)
    info = run_batch(options(archive, out))
    assert (info["counts"]["notes_scored"], info["counts"]["notes_resumed"]) == (SCORED - calls[0], calls[0])
    assert_same_run(inline_run, out)


def test_a_run_killed_with_sigkill_resumes_and_scores_every_note_once(tmp_path):
    dev = Path(__file__).resolve().parents[1] / "corpora" / "dev.jsonl"
    notes = [json.loads(x) for x in dev.read_text(encoding="utf-8").splitlines()[:100]]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(n, ensure_ascii=False) + "\n" for n in notes), encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "engine.cli", "batch", str(source), "--out", str(out), "--workers", "1",
               "--chunk-size", "1", "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored, deadline = 0, time.monotonic() + 120
    while stored < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        if (out / STORE_NAME).exists():
            with sqlite3.connect(out / STORE_NAME) as db:
                stored = db.execute("SELECT count(*) FROM outcome").fetchone()[0]
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 2 <= stored < len(notes), "the run was not caught in the middle"
    assert not (out / "results.jsonl").exists()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    counts = info["counts"]
    assert counts["notes_resumed"] >= stored and counts["notes_resumed"] + counts["notes_scored"] == len(notes)
    assert [r["id"] for r in lines(out / "results.jsonl")] == [n["id"] for n in notes]


@pytest.mark.parametrize("backend", ["pool", "dask"])
def test_pool_and_dask_give_the_inline_results_byte_for_byte(archive, inline_run, tmp_path, backend):
    out = tmp_path / "out"
    info = run_batch(options(archive, out, workers=2, chunk_size=2, dask="local" if backend == "dask" else None))
    assert (info["backend"]["kind"], info["backend"]["workers"]) == (backend, 2)
    assert_same_run(inline_run, out)


def test_the_command_scores_an_archive_quietly(archive, inline_run, tmp_path):
    root, sidecar = archive
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(root), "--out", str(out), "--sidecar", str(sidecar), "--workers", "1",
                                      "--chunk-size", "3", "--max-size", "8KB", "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"20 input(s): {SCORED} scored, 0 resumed, 8 error(s)")
    assert_same_run(inline_run, out)


@pytest.mark.parametrize("args,message", [
    (["--framework", "XX"], "unknown framework"),
    (["--framework", "GW", "--position", "GW.POS.99"], "unknown position"),
    (["--max-size", "lots"], "--max-size"),
    (["--sidecar", "/nonexistent/meta.csv"], "meta.csv"),
])
def test_command_usage_errors_exit_2_before_scoring(archive, tmp_path, args, message):
    out = CliRunner().invoke(app, ["batch", str(archive[0]), "--out", str(tmp_path / "out"), *args])
    assert out.exit_code == 2 and message in out.output
    assert not (tmp_path / "out").exists()


def test_a_missing_input_is_a_usage_error(tmp_path):
    out = CliRunner().invoke(app, ["batch", str(tmp_path / "nothing"), "--out", str(tmp_path / "out")])
    assert out.exit_code == 2 and "no such file or folder" in " ".join(out.output.split())
