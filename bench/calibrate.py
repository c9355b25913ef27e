"""Calibrate how the matchers' signals combine (evidence/data/matching.toml) on the development corpus only.

For every (unit, indicator) that some backend proposed in a clause that can count, the label is whether a gold
quote of that indicator overlaps the unit. A logistic regression over the backends' scores gives the weights; the
decision threshold is the one that maximises indicator micro-F1 of the whole engine on the same notes.

Calibrate on notes whose wording the recognition data has not seen: the `tune-` part of dev.jsonl (the `dev-` part
was read while the cue phrases and example sentences were written, and flatters the cues).

usage: python bench/calibrate.py [corpora/dev.jsonl] [--part tune-] [--write]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from engine.assessor import Assessor
from engine.corpus import read_corpus
from engine.evaluation import metrics
from evidence.combine import Combiner
from evidence.extract import DEFAULT_MATCHERS

BACKENDS = DEFAULT_MATCHERS
MATCHING = Path(__file__).resolve().parents[1] / "evidence" / "data" / "matching.toml"


def candidates(assessor: Assessor, notes):
    rows, labels = [], []
    extractor = assessor.extractor
    for note in notes:
        view, _, _ = extractor.view(note.text)
        gold = {}
        for ev in note.evidence:
            start = note.text.find(ev.quote)
            gold.setdefault(ev.code, []).append((start, start + len(ev.quote)))
        for (unit_index, code), signals in extractor.signals(view, tuple(note.frameworks), gated=False).items():
            unit = view.units[unit_index]
            if not any(view.clause_weight(c) > 0 for c in unit.clauses):
                continue
            rows.append([signals[b].score if b in signals else 0.0 for b in BACKENDS] +
                        [1.0 if b in signals else 0.0 for b in BACKENDS])
            labels.append(any(s < unit.end and unit.start < e for s, e in gold.get(code, [])))
    return np.array(rows), np.array(labels)


def engine_f1(assessor: Assessor, notes) -> dict:
    results = {n.id: assessor.assess(n.text, n.frameworks, note_id=n.id).to_json() for n in notes}
    return metrics.prf(metrics.indicator_sets(n, results[n.id], False) for n in notes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=Path("corpora/dev.jsonl"))
    parser.add_argument("--part", default="tune-", help="calibrate on the notes whose id starts with this")
    parser.add_argument("--write", action="store_true", help="write evidence/data/matching.toml")
    args = parser.parse_args()
    corpus, part = args.corpus, args.part
    assessor = Assessor.create()
    notes = [n for n in read_corpus(corpus, assessor.onto.model) if n.id.startswith(part)]
    print(f"{len(notes)} notes of {corpus} whose id starts with {part!r}")
    X, y = candidates(assessor, notes)
    print(f"{len(y)} candidates, {int(y.sum())} positive")
    model = LogisticRegression(C=1.0, max_iter=1000, class_weight=None).fit(X, y)
    coef = model.coef_[0]
    weights = dict(zip(BACKENDS, coef[:len(BACKENDS)].round(3)))
    present = dict(zip(BACKENDS, coef[len(BACKENDS):].round(3)))
    print("bias", round(float(model.intercept_[0]), 3), "weights", weights, "present", present)
    best = None
    for threshold in (0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3):
        for per_unit in (1, 2, 3):
            assessor.extractor.combiner = Combiner(float(model.intercept_[0]), {k: float(v) for k, v in weights.items()},
                                                   {k: float(v) for k, v in present.items()}, threshold, per_unit)
            scores = engine_f1(assessor, notes)
            print(f"threshold {threshold}, at most {per_unit} per unit: {scores}")
            if best is None or scores["f1"] > best[1]["f1"]:
                best = ((threshold, per_unit), scores)
    print("best", best)
    if args.write:
        text = ["# How the matchers' signals combine into a match (logistic model). Calibrated on the notes of",
                f"# {corpus.name} whose id starts with {part!r}, by bench/calibrate.py --write; edit by hand at your own risk.",
                "",
                "[combine]", f"bias = {float(model.intercept_[0]):.3f}", f"threshold = {best[0][0]}",
                f"max_per_unit = {best[0][1]}", "",
                "[combine.weights]      # weight of each backend's score"]
        text += [f"{k} = {v}" for k, v in weights.items()]
        text += ["", "[combine.present]      # weight of a backend having proposed the indicator at all"]
        text += [f"{k} = {v}" for k, v in present.items()]
        MATCHING.write_text("\n".join(text) + "\n", encoding="utf-8")
        print("wrote", MATCHING)


if __name__ == "__main__":
    main()
