"""Calibrate how the matchers' signals combine (evidence/data/matching.toml) on the development corpus only.

For every (unit, indicator) that some backend proposed in a clause that can count, the label is whether a gold
quote of that indicator overlaps the unit. A logistic regression over the backends' scores gives the weights; the
decision threshold (and the cap per unit) is the one that maximises the mean of the whole engine's measures that
the evidence step has targets for: indicator micro-F1, level agreement, weighted kappa and trap resistance (of
settings the corpus cannot tell apart on that mean, the one with the highest F1).

The gold quotes of the development notes are also example sentences of the ontology, so the signals are measured
by cross-fitting: the notes are split into folds, and each fold is scored by backends built from an ontology that
has lost every example sentence found in that fold's notes. The weights thus learn what the signals are worth on
wording the recognition data has not seen, and the F1 printed is an out-of-sample estimate.

usage: python bench/calibrate.py [corpora/dev.jsonl] [--part PREFIX] [--folds 5] [--write]
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import re
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from engine.assessor import Assessor
from engine.corpus import AnnotatedNote, read_corpus
from engine.evaluation import metrics
from engine.evaluation.baseline import TfidfBaseline
from evidence.combine import Combiner, framework_of, unit_features
from evidence.extract import DEFAULT_MATCHERS, ExtractedNote
from evidence.records import Evidence
from ontology import Ontology, load

BACKENDS = DEFAULT_MATCHERS
MATCHING = Path(__file__).resolve().parents[1] / "evidence" / "data" / "matching.toml"
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
PER_UNIT = (1, 2, 3)
TIE = 0.002  # criteria closer than this are not told apart on ~2,000 notes
LANGUAGES = ("ru", "zh")  # offsets from the bias, which is English's
FRAMEWORKS = ("GW", "CC", "OA", "SQ")  # offsets from the bias, which is CO's
UNIT_FEATURES = ("log_words",)  # evidence.combine.unit_features
# the combiner's coefficients, column by column: what each backend's score, presence and first choice are worth,
# then the offsets of the unit's language and of the indicator's framework
COLUMNS = {"weights": BACKENDS, "present": BACKENDS, "top": BACKENDS, "language": LANGUAGES, "framework": FRAMEWORKS,
           "unit": UNIT_FEATURES}
MEANINGS = {"weights": "weight of each backend's score",
            "present": "weight of a backend having proposed the indicator at all",
            "top": "weight of being the backend's first choice for the unit",
            "language": "added to the bias for a unit in this language",
            "framework": "added to the bias for an indicator of this framework",
            "unit": "weight of each feature of the unit"}
_SPACE = re.compile(r"\s+")


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def held_out(onto: Ontology, notes: list[AnnotatedNote]) -> Ontology:
    """The ontology without the example sentences that occur in these notes (whitespace aside)."""
    texts = "\x00".join(_flat(n.text) for n in notes)
    indicators = {}
    for code, ind in onto.model.indicators.items():
        examples = {lang: tuple(s for s in sentences if _flat(s) not in texts) for lang, sentences in ind.examples.items()}
        indicators[code] = dataclasses.replace(ind, examples=examples) if examples != dict(ind.examples) else ind
    model = dataclasses.replace(onto.model, indicators=indicators)
    digest = hashlib.sha256("\x00".join(sorted(n.id for n in notes)).encode()).hexdigest()
    return dataclasses.replace(onto, model=model, files=onto.files + (("held-out", digest),))


def folds(notes: list[AnnotatedNote], k: int) -> list[list[AnnotatedNote]]:
    """k folds of whole notes, each with its share of every language."""
    ordered = sorted(notes, key=lambda n: (n.lang, n.id))
    return [ordered[i::k] for i in range(k)]


def candidates(assessor: Assessor, notes: list[AnnotatedNote]) -> tuple[list[list[float]], list[bool]]:
    rows, labels = [], []
    extractor = assessor.extractor
    for note in notes:
        view, _, _ = extractor.view(note.text)
        gold: dict[str, list[tuple[int, int]]] = {}
        for ev in note.evidence:
            start = note.text.find(ev.quote)
            gold.setdefault(ev.code, []).append((start, start + len(ev.quote)))
        for (unit_index, code), signals in extractor.signals(view, tuple(note.frameworks), gated=False).items():
            unit = view.units[unit_index]
            if not any(view.clause_weight(c) > 0 for c in unit.clauses):
                continue
            rows.append([signals[b].score if b in signals else 0.0 for b in BACKENDS] +
                        [1.0 if b in signals else 0.0 for b in BACKENDS] +
                        [1.0 if b in signals and signals[b].top else 0.0 for b in BACKENDS] +
                        [1.0 if unit.lang == lang else 0.0 for lang in LANGUAGES] +
                        [1.0 if framework_of(code) == fw else 0.0 for fw in FRAMEWORKS] +
                        [unit_features(unit)[name] for name in UNIT_FEATURES])
            labels.append(any(s < unit.end and unit.start < e for s, e in gold.get(code, [])))
    return rows, labels


def engine_scores(splits: list[tuple[Assessor, list[AnnotatedNote]]], combiners: list[Combiner]) -> list[dict]:
    """For each combiner (same weights, its own threshold and cap): indicator P/R/F1, level agreement where gold or
    engine gives a level, weighted kappa (CO's and GW's, averaged), trap resistance, and the mean of the four (what
    the threshold is chosen by: they are the accuracy targets of the evidence step). As in ``competency eval``, the
    trap clauses are the clauses the setting or the TF-IDF baseline matched in trap notes that no gold quote
    supports, and a setting resists those it does not count.

    Evidence is extracted once per note, with the loosest threshold and cap: a stricter threshold keeps the records
    of at least that probability and a smaller cap the most probable ones of each unit, so each setting's records are
    a subset of the loosest one's (up to the rounding of the probability a record carries), and only the rules run
    again."""
    loosest = dataclasses.replace(combiners[0], threshold=min(c.threshold for c in combiners),
                                  max_per_unit=max(c.max_per_unit for c in combiners))
    pairs: list[list] = [[] for _ in combiners]
    results: list[dict] = [{} for _ in combiners]
    baseline: dict[str, dict] = {}
    for assessor, notes in splits:
        assessor.extractor.combiner = loosest
        reference = TfidfBaseline(assessor)
        for note in notes:
            frameworks = tuple(note.frameworks)
            baseline[note.id] = reference.assess(note.text, frameworks, note.id).to_json()
            extracted = assessor.extractor.extract(note.text, frameworks)
            ranked = _ranks_in_unit(extracted)
            for i, combiner in enumerate(combiners):
                kept = [ev for ev, rank in ranked if ev.score >= combiner.threshold and rank < combiner.max_per_unit]
                result = assessor.conclude(extracted, kept, frameworks, None, note.id).to_json()
                results[i][note.id] = result
                pairs[i].append(metrics.indicator_sets(note, result, False))
    notes = [n for _, fold in splits for n in fold]
    scores = []
    for i in range(len(combiners)):
        figures = metrics.prf(pairs[i])
        levels = metrics.level_agreement(metrics.level_pairs(notes, results[i]))
        figures["level_agreement"] = levels["evidenced"]
        figures["kappa"] = round((levels["kappa_CO"] + levels["kappa_GW"]) / 2, 4)
        traps = metrics.trap_clauses(notes, [results[i], baseline])
        figures["trap_resistance"] = metrics.trap_resistance(traps, results[i])["share"]
        figures["criterion"] = round((figures["f1"] + figures["level_agreement"] + figures["kappa"]
                                      + figures["trap_resistance"]) / 4, 4)
        scores.append(figures)
    return scores


def _ranks_in_unit(extracted: ExtractedNote) -> list[tuple[Evidence, int]]:
    """Each record with its rank among the records of its matching unit, the most probable first (as
    ``Combiner.kept`` orders them)."""
    unit_of = {clause: unit.index for unit in extracted.units for clause in unit.clauses}
    by_unit: dict[int, list[Evidence]] = {}
    for ev in extracted.evidence:
        by_unit.setdefault(unit_of[ev.clause], []).append(ev)
    return [(ev, rank) for records in by_unit.values()
            for rank, ev in enumerate(sorted(records, key=lambda e: (-e.score, e.indicator)))]


def choose(results: list[tuple[tuple[float, int], dict]]) -> tuple[tuple[float, int], dict]:
    """The setting with the best criterion; of the settings within TIE of it, which this corpus cannot tell apart
    (the criterion is flat where trap resistance trades against recall), the one with the highest F1."""
    top = max(scores["criterion"] for _, scores in results)
    return max((r for r in results if r[1]["criterion"] >= top - TIE), key=lambda r: (r[1]["f1"], r[1]["criterion"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=Path("corpora/dev.jsonl"))
    parser.add_argument("--part", default="", help="calibrate on the notes whose id starts with this, or with one "
                                                   "of these comma-separated prefixes (default: all)")
    parser.add_argument("--folds", type=int, default=5, help="cross-fitting folds (1: score with the full ontology)")
    parser.add_argument("--write", action="store_true", help="write evidence/data/matching.toml")
    args = parser.parse_args()
    onto = load()
    notes = [n for n in read_corpus(args.corpus, onto.model) if n.id.startswith(tuple(args.part.split(",")))]
    print(f"{len(notes)} notes of {args.corpus} whose id starts with {args.part!r}, {args.folds} fold(s)")
    splits = [(Assessor.create(held_out(onto, fold) if args.folds > 1 else onto), fold)
              for fold in (folds(notes, args.folds) if args.folds > 1 else [notes])]
    X: list[list[float]] = []
    y: list[bool] = []
    for assessor, fold in splits:
        rows, labels = candidates(assessor, fold)
        X += rows
        y += labels
    print(f"{len(y)} candidates, {sum(y)} positive")
    model = LogisticRegression(C=1.0, max_iter=1000).fit(np.array(X), np.array(y))
    bias = round(float(model.intercept_[0]), 3)
    coefficients = iter(model.coef_[0])  # in the order of the columns candidates() writes
    fitted = {group: {key: round(float(next(coefficients)), 3) for key in keys} for group, keys in COLUMNS.items()}
    print("bias", bias, fitted)
    settings = [(threshold, per_unit) for threshold in THRESHOLDS for per_unit in PER_UNIT]
    combiners = [Combiner(bias, fitted["weights"], fitted["present"], threshold, per_unit, fitted["top"],
                          fitted["language"], fitted["framework"], fitted["unit"]) for threshold, per_unit in settings]
    results = list(zip(settings, engine_scores(splits, combiners)))
    for (threshold, per_unit), scores in results:
        print(f"threshold {threshold}, at most {per_unit} per unit: {scores}")
    best = choose(results)
    print("best", best)
    if args.write:
        (threshold, per_unit), _ = best
        scope = f"whose id starts with {args.part!r}" if args.part else "(all of them)"
        text = ["# How the matchers' signals combine into a match (logistic model). Calibrated on the notes of",
                f"# {args.corpus.name} {scope}, cross-fitted in {args.folds} fold(s), by bench/calibrate.py --write;",
                "# edit by hand at your own risk.",
                "",
                "[combine]", f"bias = {bias}", f"threshold = {threshold}", f"max_per_unit = {per_unit}"]
        for group, meaning in MEANINGS.items():
            text += ["", f"{f'[combine.{group}]':<23}# {meaning}"] + [f"{k} = {v}" for k, v in fitted[group].items()]
        MATCHING.write_text("\n".join(text) + "\n", encoding="utf-8")
        print("wrote", MATCHING)


if __name__ == "__main__":
    main()
