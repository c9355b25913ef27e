"""End-to-end scoring latency of ``engine.assess`` on one core, and the CLI's cold start to a first result.

Per language, notes of ~1,000 and ~200 words (zh: ~1,600 and ~320 characters) are built from ``corpora/dev.jsonl``
(never the test corpus). After a warm-up, each size is scored ``--runs`` times, rotating over a few different
notes; the semantic matcher's embedding cache is cleared before every run (untimed), so each run costs what a new
note costs. Then ``competency score FILE --framework CO,GW --format json`` is run in a fresh process three times on a
~200-word note. Numbers are printed beside their targets, not asserted.

usage: python bench/bench_score.py [--quick] [--frameworks CO,GW] [--runs 40]
"""
from __future__ import annotations

import benchlib  # first: pins BLAS/OpenMP threads before numpy is imported

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SIZES = {1_000: 300.0, 200: 80.0}  # note size in words → p50 target in ms
CLI_TARGET_S = 3.0


@dataclass
class Latency:
    lang: str
    words: int
    note_sizes: list[int]
    wall_ms: list[float]
    cpu_ms: list[float]

    def line(self) -> str:
        p50, p95 = benchlib.percentile(self.wall_ms, 50), benchlib.percentile(self.wall_ms, 95)
        cpu50, cpu95 = benchlib.percentile(self.cpu_ms, 50), benchlib.percentile(self.cpu_ms, 95)
        target = SIZES[self.words]
        name = benchlib.unit(self.lang)
        return (f"  {self.lang} ~{benchlib.target_size(self.words, self.lang):,} {name} "
                f"({min(self.note_sizes)}–{max(self.note_sizes)}), {len(self.wall_ms)} runs: "
                f"wall p50 {p50:6.1f} ms p95 {p95:6.1f} ms | CPU p50 {cpu50:6.1f} ms p95 {cpu95:6.1f} ms   "
                f"target p50 ≤ {target:.0f} ms: wall {benchlib.verdict(p50 <= target)}, "
                f"CPU {benchlib.verdict(cpu50 <= target)}")


def assessor_backends(frameworks: tuple[str, ...]):
    """The matcher backends of the Assessor that ``engine.assess`` uses with the default ontology and policy."""
    from engine.assessor import _assessor  # the cached Assessor behind engine.assess (private, read-only use)

    return _assessor(None, None).extractor.backends(frameworks)


def measure(texts: list[str], frameworks: tuple[str, ...], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of ``engine.assess`` per run, rotating over ``texts``, embedding cache cleared."""
    import engine

    backends = assessor_backends(frameworks)
    wall, cpu = [], []
    for run in range(runs):
        benchlib.clear_embedding_caches(backends)
        clock = benchlib.Clock()
        with clock.running():
            engine.assess(texts[run % len(texts)], frameworks=list(frameworks))
        wall.append(1000 * clock.wall)
        cpu.append(1000 * clock.cpu)
    return wall, cpu


def warm_up(notes: dict[tuple[str, int], list[str]], frameworks: tuple[str, ...]) -> float:
    """Score every note once; returns the seconds it took (includes building the Assessor)."""
    import engine

    start = time.perf_counter()
    for texts in notes.values():
        for text in texts:
            engine.assess(text, frameworks=list(frameworks))
    return time.perf_counter() - start


def competency_command() -> str:
    """The ``competency`` entry point of the project's venv (next to this interpreter), else the one on PATH."""
    local = Path(sys.executable).parent / "competency"
    found = str(local) if local.exists() else shutil.which("competency")
    if not found:
        raise SystemExit("the competency command is not installed (pip install -e .)")
    return found


def cli_once(command: str, path: Path, frameworks: tuple[str, ...]) -> tuple[float, float]:
    """(wall, CPU) seconds from starting ``competency score`` to its exit with a JSON result on standard output."""
    args = [command, "score", str(path), "--framework", ",".join(frameworks), "--format", "json"]
    cpu = benchlib.children_cpu()
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    cpu = benchlib.children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"competency score failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    if "competencies" not in json.loads(done.stdout):
        raise SystemExit("competency score printed no result")
    return wall, cpu


def cli_cold_start(lang: str, frameworks: tuple[str, ...], runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of ``runs`` fresh ``competency score`` processes on a ~200-word note of ``lang``."""
    command = competency_command()
    with tempfile.TemporaryDirectory(prefix="bench-score-") as folder:
        path = Path(folder) / f"note-{lang}.txt"
        path.write_text(benchlib.build_note(lang, 200), encoding="utf-8")
        return [cli_once(command, path, frameworks) for _ in range(runs)]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter run: 10 runs per size, CLI on the ru note only")
    parser.add_argument("--frameworks", default="CO,GW", help="frameworks in scope (default: CO,GW)")
    parser.add_argument("--runs", type=int, default=None, help="runs per language and size (default 40)")
    parser.add_argument("--cli-runs", type=int, default=3, help="fresh CLI processes per language (default 3)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    frameworks = tuple(f.strip() for f in args.frameworks.split(",") if f.strip())
    runs = args.runs or (10 if args.quick else 40)
    cli_langs = ("ru",) if args.quick else benchlib.LANGS
    notes = {(lang, words): benchlib.build_notes(lang, words, benchlib.NOTE_COUNT)
             for lang in benchlib.LANGS for words in SIZES}

    with benchlib.one_core() as pinned:
        print(f"bench_score: engine.assess, frameworks {','.join(frameworks)}; {pinned}; {benchlib.machine_load()}")
        print(f"warm-up over {sum(map(len, notes.values()))} notes (builds the Assessor): "
              f"{warm_up(notes, frameworks):.2f} s")
        print(f"\nlatency, warm, one core, {benchlib.NOTE_COUNT} different notes per size rotated, "
              "embedding cache cleared before each run:")
        for (lang, words), texts in notes.items():
            result = Latency(lang, words, [benchlib.size(t, lang) for t in texts], *measure(texts, frameworks, runs))
            print(result.line())
        print(f"peak RSS of this process: {benchlib.peak_rss_mb():.0f} MiB; {benchlib.machine_load()}")

        print(f"\nCLI cold start to first result: competency score NOTE --framework {','.join(frameworks)} --format json"
              " (~200-word note, fresh process each run, same one-core pinning):")
        for lang in cli_langs:
            times = cli_cold_start(lang, frameworks, args.cli_runs)
            wall, cpu = benchlib.median([w for w, _ in times]), benchlib.median([c for _, c in times])
            print(f"  {lang}: wall median {wall:.2f} s over {len(times)} runs "
                  f"({', '.join(f'{w:.2f}' for w, _ in times)} s), CPU median {cpu:.2f} s   "
                  f"target ≤ {CLI_TARGET_S:.0f} s: wall {benchlib.verdict(wall <= CLI_TARGET_S)}, "
                  f"CPU {benchlib.verdict(cpu <= CLI_TARGET_S)}")


if __name__ == "__main__":
    main()
