"""Shared helpers of the performance benchmarks (``bench_evidence.py``, ``bench_score.py``).

Importing this module first pins BLAS/OpenMP to one thread (the variables must be set before numpy is loaded);
``one_core()`` then pins the process to a single CPU and caps any thread pool that is already loaded.

Benchmark inputs are built from the development corpus only (``corpora/dev.jsonl``), never from the test corpus:
dev notes of one language are split into sentences and concatenated, in corpus order, until a note reaches the
wanted size. Sizes are whitespace-separated words for ru and en and non-space characters for zh.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import contextlib  # noqa: E402  (after the thread variables, on purpose)
import itertools  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Iterator  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "corpora" / "dev.jsonl"
LANGS = ("ru", "zh", "en")
ZH_CHARS_PER_WORD = 1.6  # ~1,000 words ≈ ~1,600 Chinese characters
NOTE_COUNT = 6  # different synthetic notes per language and size
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_SENTENCE_END = {"zh": re.compile(r"(?<=[。！？])\s*"), "other": re.compile(r"(?<=[.!?…])\s+")}


@dataclass(frozen=True)
class DevNote:
    """One note of the development corpus."""

    id: str
    lang: str
    text: str


def dev_notes(lang: str) -> list[DevNote]:
    """The notes of ``lang`` in ``corpora/dev.jsonl``, in corpus order."""
    notes = []
    with DEV.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record = json.loads(line)
                if record["lang"] == lang:
                    notes.append(DevNote(record["id"], record["lang"], record["text"]))
    if not notes:
        raise SystemExit(f"no {lang} notes in {DEV}")
    return notes


def size(text: str, lang: str) -> int:
    """Words (ru, en) or non-space characters (zh)."""
    if lang == "zh":
        return sum(not ch.isspace() for ch in text)
    return len(text.split())


def unit(lang: str) -> str:
    return "chars" if lang == "zh" else "words"


def target_size(words: int, lang: str) -> int:
    """A size given in words, in the language's unit (zh: characters)."""
    return round(words * ZH_CHARS_PER_WORD) if lang == "zh" else words


def _paragraphs(notes: list[DevNote]) -> list[list[str]]:
    """Each note as its list of sentences (kept with their punctuation)."""
    pattern = _SENTENCE_END["zh" if notes and notes[0].lang == "zh" else "other"]
    return [[s for s in pattern.split(n.text.strip()) if s] for n in notes]


def build_note(lang: str, words: int, offset: int = 0) -> str:
    """A synthetic note of ~``words`` words (zh: ``words`` × 1.6 characters) from dev notes of ``lang``.

    Sentences are taken in corpus order starting at note ``offset`` (wrapping around), one paragraph per source
    note, until the note reaches the target size; different offsets give notes of different content.
    """
    paragraphs = _paragraphs(dev_notes(lang))
    target = target_size(words, lang)
    joiner = "" if lang == "zh" else " "
    out: list[str] = []
    total = 0
    for i in itertools.count():
        current: list[str] = []
        for sentence in paragraphs[(offset + i) % len(paragraphs)]:
            current.append(sentence)
            total += size(sentence, lang)
            if total >= target:
                break
        out.append(joiner.join(current))
        if total >= target:
            break
    return "\n\n".join(out)


def build_notes(lang: str, words: int, count: int) -> list[str]:
    """``count`` different synthetic notes of ~``words`` words each, starting at spread-out dev notes."""
    step = max(1, len(dev_notes(lang)) // max(count, 1))
    return [build_note(lang, words, i * step) for i in range(count)]


@contextlib.contextmanager
def one_core() -> Iterator[str]:
    """Pin the process (and its children) to one CPU and cap loaded thread pools at one thread.

    Yields a one-line description of what was pinned.
    """
    parts = [" ".join(f"{v}={os.environ.get(v)}" for v in THREAD_VARS)]
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        parts.append(f"pinned to CPU {cpu}")
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        parts.append("threadpoolctl not installed")
        yield "; ".join(parts)
        return
    with threadpool_limits(limits=1):
        parts.append("threadpoolctl limit 1")
        yield "; ".join(parts)


def clear_embedding_caches(backends) -> None:
    """Forget the text → vector caches of the matcher backends that keep one (the semantic matcher).

    Synthetic notes reuse dev sentences, so without this a repeated sentence would be looked up instead of embedded;
    clearing before each measured note makes every note cost what a new, unseen note costs.
    """
    for backend in backends:
        cache = getattr(backend, "cache", None)
        vectors = getattr(cache, "vectors", None)
        if vectors is not None:
            vectors.clear()


def children_cpu() -> float:
    """CPU seconds (user + system) used so far by waited-for child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb(fresh: bool = False) -> float:
    """Peak resident set size of this process in MiB, from ``resource.getrusage`` (Linux: ``ru_maxrss`` in KiB).

    Linux carries ``ru_maxrss`` over fork and exec, so a subprocess of a large benchmark would report its parent's
    peak; with ``fresh`` the kernel's per-address-space high-water mark (``VmHWM``) is read instead where it exists.
    """
    if fresh:
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100), linear interpolation between closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float:
    return statistics.median(values)


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def machine_load() -> str:
    """CPUs and load average: other work on the machine inflates wall times (CPU times are printed beside them)."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return f"{os.cpu_count()} CPUs, load average {load}"


@dataclass
class Clock:
    """Wall and CPU time of one block (``time.perf_counter``, ``time.process_time``)."""

    wall: float = 0.0
    cpu: float = 0.0

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall += time.perf_counter() - wall
            self.cpu += time.process_time() - cpu
