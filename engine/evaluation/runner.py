"""Run the engine (or read its results) and the baseline over a corpus, and compute every figure per slice."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from engine.corpus import AnnotatedNote, CorpusError
from engine.evaluation import metrics

Scorer = Callable[[AnnotatedNote], dict]


def read_results(path: Path) -> dict[str, dict]:
    """A results file in the output contract (JSON Lines), by note id; the first unusable line is refused with its
    file and line (read by the same reader as ``competency store load``)."""
    from engine.graph.inputs import read_lines
    from engine.graph.store import StoreError

    try:
        records = list(read_lines(Path(path)))
    except StoreError as exc:
        raise CorpusError(str(path), "(file)", str(exc)) from None
    out = {}
    for record in records:
        if record.result is None:
            raise CorpusError(record.where, "(line)", record.problem or "unusable result")
        out[record.result["id"]] = record.result
    return out


def figures(notes: list[AnnotatedNote], results: dict[str, dict], traps: dict[str, list],
            framework: str | None = None) -> dict:
    """Every figure for one system over the given notes (optionally restricted to one framework's items)."""
    def keep(code: str) -> bool:
        return framework is None or code.split(".")[0] == framework

    def restricted(note: AnnotatedNote) -> dict:
        result = results[note.id]
        return {**result,
                "indicators": [i for i in result.get("indicators", []) if keep(i["code"])],
                "competencies": [c for c in result.get("competencies", []) if keep(c["code"])],
                "discounted": [d for d in result.get("discounted", []) if keep(d["code"])]}
    scoped = {n.id: restricted(n) for n in notes}
    positives = [metrics.indicator_sets(n, scoped[n.id], False) for n in notes]
    negatives = [metrics.indicator_sets(n, scoped[n.id], True) for n in notes]
    positives = [({c for c in g if keep(c)}, p) for g, p in positives]
    negatives = [({c for c in g if keep(c)}, p) for g, p in negatives]
    note_traps = {n.id: [t for t in traps.get(n.id, []) if keep(t[0])] for n in notes if n.id in traps}
    return {"notes": len(notes), "indicators": metrics.prf(positives), "negatives": metrics.prf(negatives),
            "levels": metrics.level_agreement(metrics.level_pairs(notes, scoped)),
            "trap_resistance": metrics.trap_resistance(note_traps, scoped),
            "localisation": metrics.localisation(notes, scoped)}


def evaluate(notes: list[AnnotatedNote], systems: dict[str, dict[str, dict]]) -> dict:
    """Figures overall, per language and per framework, for each system (engine, baseline…)."""
    for name, results in systems.items():
        missing = [n.id for n in notes if n.id not in results]
        if missing:
            raise CorpusError(name, "id", f"no result for {len(missing)} note(s), e.g. {missing[:3]}")
    traps = metrics.trap_clauses(notes, list(systems.values()))
    report: dict = {"notes": len(notes), "systems": {}}
    languages = sorted({n.lang for n in notes})
    frameworks = sorted({f for n in notes for f in n.frameworks})
    for name, results in systems.items():
        entry = {"overall": figures(notes, results, traps), "by_language": {}, "by_framework": {}}
        for lang in languages:
            entry["by_language"][lang] = figures([n for n in notes if n.lang == lang], results, traps)
        for fw in frameworks:
            entry["by_framework"][fw] = figures([n for n in notes if fw in n.frameworks], results, traps, fw)
        report["systems"][name] = entry
    return report


def score_all(notes: list[AnnotatedNote], scorer: Scorer) -> dict[str, dict]:
    return {note.id: scorer(note) for note in notes}
