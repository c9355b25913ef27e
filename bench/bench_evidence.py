"""Evidence extraction throughput per language on one core, cold start, peak memory and where the time goes.

Synthetic notes of ~1,000 words (zh: ~1,600 characters) are built from ``corpora/dev.jsonl`` (never the test
corpus); throughput is also measured on dev notes as written (a few hundred words each, so per-note costs count). After a warm-up, ``Extractor.extract`` is timed over the notes, round robin, until at least ``--seconds``
of extraction per language; the semantic matcher's embedding cache is cleared before every note (untimed), so each
note costs what a new note costs. Numbers are printed beside their targets, not asserted.

usage: python bench/bench_evidence.py [--quick] [--frameworks CO,GW] [--seconds 5] [--profile]
"""
from __future__ import annotations

import benchlib  # first: pins BLAS/OpenMP threads before numpy is imported

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable

TARGETS = {"ru": 10_000, "en": 10_000, "zh": 15_000}  # words/s (ru, en), chars/s (zh)
NOTE_WORDS = 1_000
REAL_NOTES = 60


@dataclass
class Throughput:
    lang: str
    notes: int
    units: int
    clock: benchlib.Clock

    def line(self) -> str:
        target = TARGETS[self.lang]
        name = benchlib.unit(self.lang)
        wall, cpu = self.units / self.clock.wall, self.units / self.clock.cpu
        return (f"  {self.lang}: {wall:>7,.0f} {name}/s wall, {cpu:>7,.0f} {name}/s CPU   ({self.notes} notes, "
                f"{self.units / self.notes:,.0f} {name}/note, {1000 * self.clock.wall / self.notes:.1f} ms/note wall)   "
                f"target ≥ {target:,} {name}/s: wall {benchlib.verdict(wall >= target)}, "
                f"CPU {benchlib.verdict(cpu >= target)}")


class StageClock:
    """CPU time of stages of ``Extractor.extract``, by shadowing methods of the extractor and its backends per instance.

    CPU time (``time.process_time``) is used so that other load on the machine does not blur the split. Nothing is
    changed on classes or modules; ``restore()`` removes the shadows.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.stages: list[str] = []  # in the order they were wrapped (pipeline order)
        self._shadowed: list[tuple[Any, str]] = []

    def wrap(self, obj: Any, attr: str, stage: str) -> None:
        original: Callable[..., Any] = getattr(obj, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[stage] += time.process_time() - start

        setattr(obj, attr, timed)
        self._shadowed.append((obj, attr))
        self.stages.append(stage)

    def restore(self) -> None:
        for obj, attr in reversed(self._shadowed):
            delattr(obj, attr)
        self._shadowed.clear()


def install_clock(extractor, frameworks: tuple[str, ...]) -> StageClock:
    """Shadow the stages of one extractor: view (segment, qualify, units), tokenize, each backend, records."""
    clock = StageClock()
    clock.wrap(extractor, "view", "view")
    clock.wrap(extractor, "_tokens", "tokenize")
    clock.wrap(extractor, "_record", "record building")
    for backend in extractor.backends(frameworks):
        clock.wrap(backend, "signals", f"signals: {backend.name}")
        cache = getattr(backend, "cache", None)
        if cache is not None and hasattr(cache, "embed"):
            clock.wrap(cache, "embed", f"  of which {backend.name} embedding")
    return clock


def breakdown_rows(clock: StageClock, total: float, notes: int) -> list[tuple[str, float]]:
    """(stage, seconds per note) rows in pipeline order; segment+qualify is the view minus tokenizing."""
    seconds = clock.seconds
    rows = [("segment + qualify + units", seconds["view"] - seconds["tokenize"]), ("tokenize", seconds["tokenize"])]
    rows += [(k, seconds[k]) for k in clock.stages if k.startswith("signals") or k.startswith("  of which")]
    rows.append(("record building", seconds["record building"]))
    accounted = seconds["view"] + sum(v for k, v in seconds.items() if k.startswith("signals")) + seconds["record building"]
    rows.append(("combine + other", total - accounted))
    return [(name, value / notes) for name, value in rows]


def real_notes(lang: str) -> list[str]:
    """``REAL_NOTES`` dev notes of ``lang`` as they were written, spread over the corpus's parts."""
    notes = benchlib.dev_notes(lang)
    step = max(1, len(notes) // REAL_NOTES)
    return [note.text for note in notes[::step][:REAL_NOTES]]


def warm_up(extractor, notes: dict[str, list[str]], frameworks: tuple[str, ...]) -> float:
    """Extract every note once (loads lazy pipelines, lemmatizers, the encoder); returns the seconds it took."""
    start = time.perf_counter()
    for texts in notes.values():
        for text in texts:
            extractor.extract(text, frameworks)
    return time.perf_counter() - start


def timed_pass(extractor, texts: list[str], frameworks: tuple[str, ...], min_seconds: float,
               keep_cache: bool) -> tuple[int, benchlib.Clock]:
    """Extract notes round robin until ``min_seconds`` of extraction; (notes, time of the extraction calls only)."""
    backends = extractor.backends(frameworks)
    clock = benchlib.Clock()
    notes = 0
    while clock.wall < min_seconds or notes < len(texts):
        text = texts[notes % len(texts)]
        if not keep_cache:
            benchlib.clear_embedding_caches(backends)
        with clock.running():
            extractor.extract(text, frameworks)
        notes += 1
    return notes, clock


def throughput(extractor, notes: dict[str, list[str]], frameworks: tuple[str, ...], min_seconds: float,
               keep_cache: bool) -> list[Throughput]:
    results = []
    for lang, texts in notes.items():
        count, clock = timed_pass(extractor, texts, frameworks, min_seconds, keep_cache)
        units = sum(benchlib.size(texts[i % len(texts)], lang) for i in range(count))
        results.append(Throughput(lang, count, units, clock))
    return results


def stage_breakdown(extractor, texts: list[str], frameworks: tuple[str, ...], repeats: int) -> list[tuple[str, float]]:
    """Mean CPU seconds per note of each stage over ``repeats`` passes of ``texts`` (embedding cache cleared)."""
    clock = install_clock(extractor, frameworks)
    backends = extractor.backends(frameworks)
    total = 0.0
    try:
        for _ in range(repeats):
            for text in texts:
                benchlib.clear_embedding_caches(backends)
                start = time.process_time()
                extractor.extract(text, frameworks)
                total += time.process_time() - start
    finally:
        clock.restore()
    return breakdown_rows(clock, total, repeats * len(texts))


def print_breakdown(lang: str, rows: list[tuple[str, float]]) -> None:
    total = sum(v for name, v in rows if not name.startswith("  of which"))
    print(f"  {lang}: {1000 * total:.1f} ms CPU/note")
    for name, value in rows:
        print(f"    {name:<28} {1000 * value:>8.2f} ms  {100 * value / total:>5.1f} %")


def profile_top(extractor, texts: list[str], frameworks: tuple[str, ...], lines: int) -> None:
    """cProfile one pass over ``texts`` and print the functions with the most own time."""
    backends = extractor.backends(frameworks)
    profiler = cProfile.Profile()
    for text in texts:
        benchlib.clear_embedding_caches(backends)
        profiler.runcall(extractor.extract, text, frameworks)
    pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("tottime").print_stats(lines)


def cold_child(lang: str, frameworks: tuple[str, ...]) -> None:
    """In a fresh interpreter: import, create the Extractor, extract one note; print the timings as JSON."""
    started = time.perf_counter()
    text = benchlib.build_note(lang, NOTE_WORDS)
    from evidence.extract import Extractor

    imported = time.perf_counter()
    extractor = Extractor.create()
    created = time.perf_counter()
    extractor.extract(text, frameworks)
    done = time.perf_counter()
    print(json.dumps({"import": imported - started, "create": created - imported, "first_note": done - created,
                      "cpu": time.process_time(), "rss_mb": benchlib.peak_rss_mb(fresh=True)}))


def cold_start(lang: str, frameworks: tuple[str, ...]) -> dict[str, float]:
    """Run ``cold_child`` in a subprocess; adds the wall time including interpreter start-up."""
    command = [sys.executable, __file__, "--cold-child", lang, "--frameworks", ",".join(frameworks)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "wall": wall}


def print_cold(lang: str, runs: list[dict[str, float]]) -> None:
    mid = {key: benchlib.median([r[key] for r in runs]) for key in runs[0]}
    cold = mid["import"] + mid["create"] + mid["first_note"]
    print(f"  {lang}: {cold:.2f} s to the first note's evidence (median of {len(runs)}: import {mid['import']:.2f} s"
          f" + Extractor.create {mid['create']:.2f} s + first note {mid['first_note']:.2f} s); process wall "
          f"{mid['wall']:.2f} s with interpreter start and exit; CPU {mid['cpu']:.2f} s; "
          f"peak RSS {mid['rss_mb']:.0f} MiB")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter run: 1.5 s per language, one cold start")
    parser.add_argument("--frameworks", default="CO,GW", help="frameworks in scope (default: CO,GW)")
    parser.add_argument("--seconds", type=float, default=None, help="seconds of extraction per language (default 5)")
    parser.add_argument("--keep-cache", action="store_true",
                        help="keep the embedding cache between notes (repeated dev sentences are then not re-embedded)")
    parser.add_argument("--profile", action="store_true", help="also print the cProfile top functions per language")
    parser.add_argument("--cold-child", metavar="LANG", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    frameworks = tuple(f.strip() for f in args.frameworks.split(",") if f.strip())
    if args.cold_child:
        with benchlib.one_core():
            cold_child(args.cold_child, frameworks)
        return
    seconds = args.seconds if args.seconds is not None else (1.5 if args.quick else 5.0)
    cold_runs = 1 if args.quick else 3
    notes = {lang: benchlib.build_notes(lang, NOTE_WORDS, benchlib.NOTE_COUNT) for lang in benchlib.LANGS}

    from evidence.extract import Extractor

    with benchlib.one_core() as pinned:
        print(f"bench_evidence: frameworks {','.join(frameworks)}; {pinned}; {benchlib.machine_load()}")
        print(f"inputs: {benchlib.NOTE_COUNT} notes per language from {benchlib.DEV.name}, sizes "
              + "; ".join(f"{lang} {min(benchlib.size(t, lang) for t in ts)}–{max(benchlib.size(t, lang) for t in ts)} "
                          f"{benchlib.unit(lang)}" for lang, ts in notes.items()))
        start = time.perf_counter()
        extractor = Extractor.create()
        print(f"Extractor.create (in process, modules already imported): {time.perf_counter() - start:.2f} s; "
              f"warm-up over {sum(map(len, notes.values()))} notes: {warm_up(extractor, notes, frameworks):.2f} s")

        cache_note = "embedding cache kept" if args.keep_cache else "embedding cache cleared before each note"
        print(f"\nthroughput, warm, one core, ≥ {seconds:g} s per language ({cache_note}):")
        for result in throughput(extractor, notes, frameworks, seconds, args.keep_cache):
            print(result.line())

        real = {lang: real_notes(lang) for lang in benchlib.LANGS}
        warm_up(extractor, real, frameworks)
        print(f"\nthroughput on dev notes as written, one at a time ({REAL_NOTES} per language, spread over the "
              "corpus; per-note costs are not amortised over 1,000 words):")
        for result in throughput(extractor, real, frameworks, seconds, args.keep_cache):
            print(result.line())

        print("\nwhere the time goes (mean CPU time per ~1,000-word note, by stage):")
        for lang, texts in notes.items():
            print_breakdown(lang, stage_breakdown(extractor, texts, frameworks, 1 if args.quick else 2))
        if args.profile:
            for lang, texts in notes.items():
                print(f"\ncProfile, {lang}, one pass over {len(texts)} notes:")
                profile_top(extractor, texts, frameworks, 15)
        print(f"\npeak RSS of this process: {benchlib.peak_rss_mb():.0f} MiB; {benchlib.machine_load()}")

        print("\ncold start in a fresh subprocess (import, create the Extractor, extract one ~1,000-word note):")
        for lang in benchlib.LANGS:
            print_cold(lang, [cold_start(lang, frameworks) for _ in range(cold_runs)])


if __name__ == "__main__":
    main()
