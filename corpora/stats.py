"""Statistics of annotated corpora (EVALUATION.md format), printed as Markdown.

For every corpus file given (default: dev.jsonl and test.jsonl next to this script) it prints the number of notes;
notes per language and per framework; word counts (Chinese characters count as 1/1.6 word, as in
shared/tools/validate_corpus.py); gold indicators, negatives and evidence quotes; the gold CO levels among notes
scored against CO; the gold level of each GW competency among notes scored against GW; notes per phenomenon; the
share of notes with at least one trap phenomenon; and mixed-language notes.

With --update-readme the statistics replace the part of README.md (next to this script) between the markers
``<!-- stats:begin -->`` and ``<!-- stats:end -->``, so that the numbers in the README are generated, never typed.
The output is deterministic: running the script twice on the same files gives the same text.

usage: python corpora/stats.py [FILE.jsonl ...] [--update-readme]

Notes are read by the project's own corpus reader (``engine.corpus``), so a malformed line is refused with the same
file, line and field as ``competency eval`` gives.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from engine.corpus import TRAPS as TRAP_SET
from engine.corpus import AnnotatedNote, CorpusError, read_corpus

HERE = Path(__file__).resolve().parent
DEFAULT_FILES = (HERE / "dev.jsonl", HERE / "test.jsonl")
README = HERE / "README.md"
BEGIN, END = "<!-- stats:begin -->", "<!-- stats:end -->"

LANGS = ("ru", "zh", "en", "mixed")  # display orders
FRAMEWORKS = ("CO", "GW", "CC", "OA", "SQ")
CO_LEVELS: tuple[object, ...] = (0, 1, 2, 3, 4, 5, None)
GW_COMPETENCIES = ("GW.IN", "GW.SP", "GW.RR", "GW.SR", "GW.CI", "GW.RM")
GW_LEVELS: tuple[object, ...] = ("below-Sb", "Sb", "Si", "Sa", None)
PHENOMENA = ("we", "other_actor", "hypothetical", "generic", "negation", "reported_speech", "interviewer_turns",
             "mixed_lang", "typos", "long", "irrelevant")
TRAPS = tuple(p for p in PHENOMENA if p in TRAP_SET)  # what would fool a naive matcher into counting a clause


class StatsError(Exception):
    """A corpus or README that cannot be read; the message names the file (and line)."""


def read_notes(path: Path) -> list[AnnotatedNote]:
    try:
        return read_corpus(path)
    except CorpusError as exc:
        raise StatsError(str(exc)) from None


def words(text: str) -> int:
    """Word count as the corpus validator counts it: Latin/Cyrillic words plus CJK characters / 1.6."""
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-zА-Яа-яЁё0-9][\w'’\-]*", text))
    return round(latin + cjk / 1.6)


def share(count: int, total: int) -> str:
    """``count (percent)``; the percent of an empty total is shown as a dash."""
    return f"{count} ({100 * count / total:.0f}%)" if total else f"{count} (—)"


def level_name(level: object) -> str:
    return "null" if level is None else str(level)


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """A Markdown table; the first column is left-aligned, the others right-aligned."""
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join([":---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def word_row(label: str, counts: list[int]) -> list[object]:
    if not counts:
        return [label, 0, "—", "—", "—"]
    return [label, len(counts), min(counts), f"{statistics.median(counts):g}", max(counts)]


def ordered(counter: Counter, known: Sequence[object]) -> list[object]:
    """The known values in their canonical order, then any other values found, sorted by name."""
    return list(known) + sorted((k for k in counter if k not in known), key=level_name)


def file_stats(name: str, notes: list[AnnotatedNote]) -> list[str]:
    """The Markdown statistics of one corpus file."""
    total = len(notes)
    out = [f"### `{name}`", "", f"**{total} notes.**", ""]

    # Languages and word counts.
    by_lang: dict[str, list[int]] = {}
    for note in notes:
        by_lang.setdefault(note.lang, []).append(words(note.text))
    langs = [lang for lang in LANGS if lang in by_lang] + sorted(set(by_lang) - set(LANGS))
    out += ["Notes and words per language (Chinese: characters / 1.6):", ""]
    out += table(["language", "notes", "words min", "median", "max"],
                 [word_row(lang, by_lang[lang]) for lang in langs]
                 + [word_row("**all**", [w for counts in by_lang.values() for w in counts])])
    out.append("")

    # Frameworks.
    per_framework = Counter(fw for note in notes for fw in note.frameworks)
    combos = Counter("+".join(note.frameworks) for note in notes if len(note.frameworks) > 1)
    out += ["Notes per framework (a note scored against two frameworks counts under each):", ""]
    out += table(["framework", "notes"], [[fw, per_framework[fw]] for fw in ordered(per_framework, FRAMEWORKS)])
    if combos:
        out += ["", "Scored against more than one framework: "
                + ", ".join(f"{combo} {n}" for combo, n in sorted(combos.items())) + "."]
    out.append("")

    # Gold labels.
    indicators = sum(len(note.indicators) for note in notes)
    negatives = sum(len(note.negatives) for note in notes)
    quotes = sum(len(note.evidence) for note in notes)
    with_negative = sum(1 for note in notes if note.negatives)
    empty = sum(1 for note in notes if not note.indicators and not note.negatives)
    out += ["Gold labels:", ""]
    out += table(["", "count"], [
        ["positive indicators labelled", indicators],
        ["negative indicators labelled", negatives],
        ["evidence quotes", quotes],
        ["notes with at least one negative", share(with_negative, total)],
        ["notes with nothing evidenced (empty gold)", share(empty, total)],
    ])
    out.append("")

    # CO levels.
    co_notes = [note for note in notes if "CO" in note.frameworks]
    co = Counter(note.levels.get("CO") for note in co_notes)
    out += [f"Gold CO level among the {len(co_notes)} notes scored against CO:", ""]
    levels = ordered(co, CO_LEVELS)
    out += table(["CO"] + [level_name(level) for level in levels], [["notes"] + [co[level] for level in levels]])
    out.append("")

    # GW levels.
    gw_notes = [note for note in notes if "GW" in note.frameworks]
    gw = {comp: Counter(note.levels.get(comp) for note in gw_notes) for comp in GW_COMPETENCIES}
    gw_levels = ordered(sum(gw.values(), Counter()), GW_LEVELS)
    out += [f"Gold GW level per competency among the {len(gw_notes)} notes scored against GW:", ""]
    out += table(["competency"] + [level_name(level) for level in gw_levels],
                 [[comp] + [gw[comp][level] for level in gw_levels] for comp in GW_COMPETENCIES])
    out.append("")

    # Phenomena, traps, mixed language.
    phenomena = Counter(p for note in notes for p in note.phenomena)
    traps = sum(1 for note in notes if note.has_traps)
    out += ["Notes per phenomenon (a note can have several):", ""]
    out += table(["phenomenon", "notes"],
                 [[p + (" (trap)" if p in TRAPS else ""), share(phenomena[p], total)]
                  for p in ordered(phenomena, PHENOMENA)])
    out += ["",
            f"Notes with at least one trap phenomenon ({', '.join(TRAPS)}): **{share(traps, total)}**.",
            "",
            f"Mixed-language notes: {share(phenomena['mixed_lang'], total)} tagged `mixed_lang`; "
            f"{sum(1 for note in notes if note.lang == 'mixed')} with `lang` `mixed`.",
            ""]
    return out


def render(paths: Sequence[Path]) -> str:
    """The statistics of every file, as one Markdown text."""
    out = ["_Generated by `python corpora/stats.py --update-readme`; do not edit by hand._", ""]
    for path in paths:
        out += file_stats(path.name, read_notes(path))
    return "\n".join(out).rstrip("\n") + "\n"


def update_readme(readme: Path, block: str) -> None:
    """Replace the text between the stats markers of ``readme`` with ``block``."""
    try:
        text = readme.read_text(encoding="utf-8")
    except OSError as exc:
        raise StatsError(f"{readme}: {exc.strerror or exc}") from None
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise StatsError(f"{readme}: markers {BEGIN} … {END} not found (in that order)")
    head, tail = text[:start + len(BEGIN)], text[end:]
    readme.write_text(f"{head}\n{block}{tail}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Markdown statistics of annotated corpora (EVALUATION.md format).")
    parser.add_argument("files", nargs="*", type=Path, help="corpus files (default: dev.jsonl and test.jsonl here)")
    parser.add_argument("--update-readme", action="store_true",
                        help=f"also write the statistics into {README.name} between the stats markers")
    args = parser.parse_args(argv)
    try:
        block = render(args.files or DEFAULT_FILES)
        print(block, end="")
        if args.update_readme:
            update_readme(README, block)
            print(f"(written to {README})", file=sys.stderr)
    except StatsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
