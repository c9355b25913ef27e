"""Benchmark of ``competency batch``: throughput (notes/s, words/s), scaling 1 → 2 workers, local pool vs Dask
LocalCluster, peak RSS per process, and where the time goes.

It builds a synthetic archive from the development corpus's sentences (never the test corpus): notes of 300–1,500
words in ru/zh/en, as .txt/.md in UTF-8 (± BOM), UTF-16, cp1251, koi8-r, GB18030, Big5, as .docx, and as lines of
.jsonl and rows of .csv files, with ~1 % corrupt inputs. Words: whitespace tokens (ru, en); Chinese characters / 1.5.

usage: python bench/bench_batch.py [--notes 300] [--configs pool:1,pool:2,dask:2] [--keep DIR] [--verbatim]
The issue's 20,000-note archive is ``--notes 20000`` (hours per configuration on 2 cores at the measured speed).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil

from engine.batch.backends import Pool, make_backend
from engine.batch.runner import BatchOptions, run_batch

ROOT = Path(__file__).resolve().parents[1]
TEXT_ENCODINGS = {"ru": ["utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8_r"],
                  "zh": ["utf-8", "utf-8-sig", "utf-16", "gb18030", "big5"],
                  "en": ["utf-8", "utf-8-sig", "utf-16"]}
SPLIT = {"zh": r"(?<=[。！？；])", "ru": r"(?<=[.!?])\s+", "en": r"(?<=[.!?])\s+"}


def words(text: str, lang: str) -> float:
    """Words of a note, not counting the numbers that make sentences unique."""
    text = re.sub(r"\s?[（(]\d+[）)]", "", text)
    return len(re.findall(r"[\u4e00-\u9fff]", text)) / 1.5 if lang == "zh" else len(text.split())


def sentences() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"ru": [], "zh": [], "en": []}
    for line in (ROOT / "corpora" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        note = json.loads(line)
        out[note["lang"]] += [s.strip() for s in re.split(SPLIT[note["lang"]], note["text"]) if s.strip()]
    return out


def make_note(rng: random.Random, pool: list[str], lang: str, verbatim: bool) -> tuple[str, float]:
    """A note of 300–1,500 words. Unless ``verbatim``, each sentence gets a random number so that no clause repeats:
    the engine caches embeddings of repeated clauses, and real archives repeat far less than a few thousand sentences
    drawn again and again would."""
    target, parts, count = rng.randint(300, 1500), [], 0.0
    while count < target:
        sentence = rng.choice(pool)
        if not verbatim:
            sentence = f"{sentence} ({rng.randint(100, 999_999)})" if lang != "zh" else \
                f"{sentence}（{rng.randint(100, 999_999)}）"
        parts.append(sentence)
        count += words(sentence, lang)
    return ("" if lang == "zh" else " ").join(parts), count


def encode(text: str, encoding: str) -> bytes:
    """The text in ``encoding``, or in its language's Unicode fallback where the encoding cannot hold a character."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("gb18030" if encoding == "big5" else "utf-8")


def build(folder: Path, count: int, verbatim: bool, seed: int = 7) -> float:
    """Write the synthetic archive; returns its word count."""
    import docx

    rng, pool, total = random.Random(seed), sentences(), 0.0
    jsonl, csv_rows = [], []
    for index in range(count):
        lang = ("ru", "zh", "en")[index % 3]
        text, n = make_note(rng, pool[lang], lang, verbatim)
        path = folder / lang / f"{index:06d}"
        path.parent.mkdir(parents=True, exist_ok=True)
        kind = rng.random()
        if rng.random() < 0.01:  # corrupt: a damaged .docx or bytes that are no text
            path.with_suffix(".docx").write_bytes(b"PK\x03\x04" + os.urandom(400))
            continue
        total += n
        if kind < 0.45:
            path.with_suffix(rng.choice([".txt", ".md"])).write_bytes(encode(text, rng.choice(TEXT_ENCODINGS[lang])))
        elif kind < 0.55:
            document = docx.Document()
            for paragraph in text.split("。" if lang == "zh" else ". "):
                document.add_paragraph(paragraph)
            document.save(str(path.with_suffix(".docx")))
        elif kind < 0.8:
            jsonl.append(json.dumps({"id": f"j{index:06d}", "text": text, "frameworks": ["CO", "GW"]},
                                    ensure_ascii=False))
        else:
            csv_rows.append(f'c{index:06d},"{text.replace(chr(34), chr(34) * 2)}",CO')
    (folder / "records.jsonl").write_text("".join(line + "\n" for line in jsonl), encoding="utf-8")
    (folder / "records.csv").write_text("id,text,frameworks\n" + "".join(r + "\n" for r in csv_rows), encoding="utf-8")
    return total


class Watch:
    """Peak resident memory of this process and of each descendant (workers), and the CPU seconds the descendants
    used, sampled every 0.2 s: CPU time does not depend on what else the shared machine runs."""

    def __init__(self) -> None:
        self.me, self.driver, self.worker, self.running = psutil.Process(), 0, 0, True
        self.cpu: dict[int, float] = {}
        self.cpu0 = sum(self.me.cpu_times()[:2])
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        while self.running:
            self.driver = max(self.driver, self.me.memory_info().rss)
            for child in self.me.children(recursive=True):
                try:
                    with child.oneshot():
                        self.worker = max(self.worker, child.memory_info().rss)
                        times = child.cpu_times()
                        self.cpu[child.pid] = times.user + times.system
                except psutil.Error:
                    pass
            time.sleep(0.2)

    def stop(self) -> tuple[int, int, float, float]:
        """Peak RSS of the driver and of the largest worker (MiB), the workers' and the driver's CPU seconds."""
        self.running = False
        self.thread.join()
        times = self.me.cpu_times()
        return self.driver >> 20, self.worker >> 20, sum(self.cpu.values()), times.user + times.system - self.cpu0


def profile_note_stages(archive: Path, sample: int = 20) -> dict[str, float]:
    """Seconds per note in the engine's stages (cProfile, cumulative), in this process, on a sample of notes."""
    import cProfile
    import pstats

    from engine.batch.readers import Archive, Note
    from engine.batch.worker import assessor_for, score_one

    assessor = assessor_for((None, None))
    notes = [item for item in Archive(archive, 5 << 20, {}) if isinstance(item, Note)][:sample]
    assessor.assess(notes[0].text, "CO")  # lazy loading out of the way
    profiler = cProfile.Profile()
    profiler.enable()
    for note in notes:
        score_one(assessor, ("", note.id, note.text, ("CO",), None))
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # (file, line, function) -> (calls, primitive, tottime, cumtime, callers)
    stages = {"whole note (score_one)": ("score_one",), "evidence: Extractor.extract": ("extract",),
              "rules: build_rules + run": ("build_rules", "run"), "probes": ("probe_suggestions",),
              "result entries": ("competency_entries", "indicator_entries", "discounted_entries"),
              "json.dumps": ("dumps",)}
    spent = {stage: sum(v[3] for (file, _, name), v in stats.items() if name in names and
                        ("engine" in file or "evidence" in file or (name == "dumps" and "json" in file)))
             for stage, names in stages.items()}
    return {stage: round(seconds / len(notes), 4) for stage, seconds in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--configs", default="pool:1,pool:2,dask:2", help="backend:workers, comma-separated")
    parser.add_argument("--chunk-size", type=int, default=8)
    parser.add_argument("--keep", type=Path, help="build the archive here and keep it (reused if it exists)")
    parser.add_argument("--verbatim", action="store_true", help="corpus sentences unchanged: many repeat, caches hit")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    archive = work / "archive"
    tick = time.perf_counter()
    if not archive.exists():
        archive.mkdir(parents=True)
        build(archive, args.notes, args.verbatim)
    print(f"archive: {args.notes} notes in {archive} (built in {time.perf_counter() - tick:.1f} s)")
    total_words = scored_words(archive)
    print(f"words in scorable notes: {total_words:.0f}")
    for config in args.configs.split(","):
        backend, workers = config.split(":")
        out = work / f"out-{backend}-{workers}"
        shutil.rmtree(out, ignore_errors=True)
        options = BatchOptions(archive, out, frameworks=("CO",), workers=int(workers), chunk_size=args.chunk_size,
                               dask="local" if backend == "dask" else None)
        watch = Watch()
        # a pool even for 1 worker, so 1 → 2 compares like with like (the command itself scores inline then)
        info = run_batch(options, backend_factory=lambda settings, n, dask: Pool(settings, n)
                         if backend == "pool" else make_backend(settings, n, dask))
        driver_mb, worker_mb, cpu, driver_cpu = watch.stop()
        t, c = info["timings"], info["counts"]
        scoring = t["elapsed_s"] - t["startup_s"]
        print(f"{backend}:{workers}  {c['inputs']} inputs ({c['errors']} errors)  elapsed {t['elapsed_s']:.1f} s "
              f"(start-up {t['startup_s']:.1f} s, driver reading {t['reading_s']:.1f} s, waiting for workers "
              f"{t['waiting_for_workers_s']:.1f} s)\n    {c['inputs'] / t['elapsed_s']:.2f} notes/s, "
              f"{total_words / t['elapsed_s']:.0f} words/s end to end; {total_words / scoring:.0f} words/s after "
              f"start-up; workers' CPU {cpu:.1f} s = {total_words / cpu:.0f} words per CPU-second; driver CPU "
              f"{driver_cpu:.1f} s\n"
              f"    peak RSS: driver {driver_mb} MiB, largest worker {worker_mb} MiB", flush=True)
    print("engine seconds per note (1 process, sample of 20):", profile_note_stages(archive))
    if not args.keep:
        shutil.rmtree(work)


def scored_words(archive: Path) -> float:
    """Words in the notes that can be scored (corrupt inputs excluded)."""
    from engine.batch.readers import Archive, Note

    return sum(words(item.text, lang_of(item.text)) for item in Archive(archive, 5 << 20, {}) if isinstance(item, Note))


def lang_of(text: str) -> str:
    return "zh" if re.search(r"[\u4e00-\u9fff]", text) else "other"


if __name__ == "__main__":
    main()
