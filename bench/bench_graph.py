"""Benchmark of the knowledge graph for HR: path and gap answers warm, loading results into the store, and ``who``
over the stored assessments. Prints numbers beside the targets of issue 8; asserts nothing.

Targets: path and gap ≤ 50 ms warm; loading ≥ 5,000 results/s; ``who`` over 100,000 stored assessments ≤ 1 s.

Inputs: real results of dev notes (``corpora/dev.jsonl``, never the test corpus), scored once for CO and GW against
GW.POS.05, then repeated under new ids up to ``--results`` (default 100,000) so that the store holds results of
realistic size: as assessment summaries (the default of ``competency store load``, ~33 quads each), or with
``--with-evidence`` as the full PROV chain (~120 quads each, quotes included).

Loading is bounded by the store's writes (every triple of the default graph goes into three indexes): the CPU time per
result is printed beside the wall time, as the machine may be shared.

usage: python bench/bench_graph.py [--results N] [--notes N] [--store DIR] [--with-evidence]
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from engine.assessor import Assessor
from engine.graph import LocalStore, development_path, position_gap, rank_positions, who
from engine.graph.store import Record
from ontology import load

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int = 50) -> tuple[float, float]:
    """(first call, median warm call) in milliseconds."""
    start = time.perf_counter()
    fn()
    first = (time.perf_counter() - start) * 1000
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(samples)


def scored_notes(onto, count: int) -> list[dict]:
    assessor = Assessor.create(onto)
    lines = (ROOT / "corpora" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[:count]
    notes = [json.loads(line) for line in lines]
    return [assessor.assess(n["text"], "CO,GW", "GW.POS.05", note_id=n["id"]).to_json() for n in notes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=100_000)
    parser.add_argument("--notes", type=int, default=40, help="dev notes to score as the seed results")
    parser.add_argument("--store", type=Path, default=None, help="store folder (default: a temporary one)")
    parser.add_argument("--with-evidence", action="store_true", help="store the full evidence chain")
    args = parser.parse_args()

    onto = load()
    seeds = scored_notes(onto, args.notes)
    person = seeds[0]
    print(f"{'question':<44}{'first ms':>10}{'warm ms':>10}   target ≤ 50 ms warm")
    for name, fn in [
        ("path GW.RR Sb→Sa", lambda: development_path(onto, "GW.RR", "Sb", "Sa")),
        ("path CO 1→5", lambda: development_path(onto, "CO", "1", "5")),
        ("gap RESULT --position GW.POS.05", lambda: position_gap(onto, person, "GW.POS.05")),
        ("gap RESULT --all-positions (11 positions)", lambda: rank_positions(onto, person)),
    ]:
        first, warm = timed(fn)
        print(f"{name:<44}{first:>10.2f}{warm:>10.2f}")

    folder = args.store or Path(tempfile.mkdtemp(prefix="bench-graph-"))
    store = LocalStore(folder)
    store.ensure_ontology(onto)
    records = (Record(f"bench:{i}", {**seeds[i % len(seeds)], "id": f"bench-{i:06d}"}) for i in range(args.results))
    quads_before = len(store.store)
    start = time.perf_counter()
    cpu = time.process_time()
    report = store.load(records, onto, evidence=args.with_evidence)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    quads = len(store.store) - quads_before
    kind = "full results (--with-evidence)" if args.with_evidence else "summaries"
    print(f"\nload {args.results:,} results as {kind}: {elapsed:.1f} s wall, {cpu:.1f} s CPU "
          f"({cpu / args.results * 1e6:.0f} µs CPU/result) → {args.results / elapsed:,.0f} results/s "
          f"({quads / elapsed:,.0f} quads/s, {quads / args.results:.0f} quads/result)   target ≥ 5,000 results/s")
    print(f"  added {report.added:,}, skipped {len(report.skipped)}; store {folder}")
    start = time.perf_counter()
    again = store.load((Record(f"bench:{i}", {**seeds[i % len(seeds)], "id": f"bench-{i:06d}"})
                        for i in range(args.results)), onto, evidence=args.with_evidence)
    print(f"reload (idempotent): {time.perf_counter() - start:.1f} s, unchanged {again.unchanged:,}, "
          f"added {again.added}, quads added {len(store.store) - quads_before - quads}")

    for competency, minimum in [("GW.CI", "Si"), ("GW.RR", "Sb"), ("CO", "3")]:
        first, warm = timed(lambda: who(store, onto, competency, minimum), repeat=5)
        found = len(who(store, onto, competency, minimum))
        print(f"who {competency} ≥ {minimum} over {args.results:,}: first {first:.0f} ms, warm {warm:.0f} ms, "
              f"{found:,} found   target ≤ 1,000 ms")


if __name__ == "__main__":
    main()
