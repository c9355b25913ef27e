"""Agreement measures as plain functions over gold notes and result objects (dicts in the output contract)."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from engine.corpus import AnnotatedNote

GW_SCALE = ["null", "below-Sb", "Sb", "Si", "Sa"]
CO_SCALE = ["null", 0, 1, 2, 3, 4, 5]


def prf(pairs: Iterable[tuple[set[str], set[str]]]) -> dict[str, float]:
    """Micro and macro precision/recall/F1 over per-note (gold, predicted) code sets."""
    tp = fp = fn = 0
    per_code: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for gold, pred in pairs:
        for code in gold | pred:
            counts = per_code[code]
            if code in gold and code in pred:
                counts[0] += 1
                tp += 1
            elif code in pred:
                counts[1] += 1
                fp += 1
            else:
                counts[2] += 1
                fn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def code_f1(c: list[int]) -> float:
        return 2 * c[0] / (2 * c[0] + c[1] + c[2]) if c[0] + c[1] + c[2] else 0.0
    macro = sum(code_f1(c) for c in per_code.values()) / len(per_code) if per_code else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "macro_f1": round(macro, 4), "tp": tp, "fp": fp, "fn": fn}


def quadratic_weighted_kappa(pairs: list[tuple[object, object]], categories: list) -> float | None:
    """Cohen's kappa with quadratic weights over ordinal categories (None when undefined)."""
    if not pairs:
        return None
    index = {c: i for i, c in enumerate(categories)}
    k = len(categories)
    observed = [[0.0] * k for _ in range(k)]
    for gold, pred in pairs:
        observed[index[gold]][index[pred]] += 1
    n = len(pairs)
    rows = [sum(r) for r in observed]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            weight = (i - j) ** 2 / (k - 1) ** 2
            num += weight * observed[i][j]
            den += weight * rows[i] * cols[j] / n
    if den == 0:
        return 1.0 if num == 0 else None
    return round(1 - num / den, 4)


def _value(level) -> object:
    return "null" if level is None else level


def level_pairs(notes: list[AnnotatedNote], results: dict[str, dict]) -> list[tuple[str, object, object]]:
    """(competency, gold level, engine level) for every levelled competency in scope of every note."""
    out = []
    for note in notes:
        engine = {c["code"]: c.get("level") for c in results[note.id].get("competencies", [])}
        for comp in engine:
            out.append((comp, _value(note.levels.get(comp)), _value(engine[comp])))
    return out


def level_agreement(pairs: list[tuple[str, object, object]]) -> dict[str, object]:
    """Exact agreement over all competencies in scope, and over those where gold or engine gives a level."""
    evidenced = [p for p in pairs if p[1] != "null" or p[2] != "null"]
    out: dict[str, object] = {
        "all": round(sum(g == e for _, g, e in pairs) / len(pairs), 4) if pairs else None, "n_all": len(pairs),
        "evidenced": round(sum(g == e for _, g, e in evidenced) / len(evidenced), 4) if evidenced else None,
        "n_evidenced": len(evidenced)}
    # kappa where gold or engine gives a level (as the agreement above), and Cohen's usual one over every
    # competency in scope, where agreeing that nothing is evidenced counts too
    for suffix, subset in (("", evidenced), ("_all", pairs)):
        out["kappa_CO" + suffix] = quadratic_weighted_kappa([(g, e) for c, g, e in subset if c == "CO"], CO_SCALE)
        out["kappa_GW" + suffix] = quadratic_weighted_kappa([(g, e) for c, g, e in subset if c.startswith("GW.")],
                                                            GW_SCALE)
    return out


def _spans(text: str, quote: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(quote)
    while start >= 0 and quote:
        spans.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return spans


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def localisation(notes: list[AnnotatedNote], results: dict[str, dict]) -> dict[str, object]:
    """Share of the engine's evidence quotes that overlap a gold quote of the same code."""
    hit = total = 0
    for note in notes:
        gold: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for ev in note.evidence:
            gold[ev.code] += _spans(note.text, ev.quote)
        for ind in results[note.id].get("indicators", []):
            for ev in ind.get("evidence", []):
                total += 1
                hit += any(_overlaps((ev["start"], ev["end"]), g) for g in gold.get(ind["code"], []))
    return {"share": round(hit / total, 4) if total else None, "n": total}


def trap_clauses(notes: list[AnnotatedNote], systems: list[dict[str, dict]]) -> dict[str, list[tuple[str, tuple[int, int]]]]:
    """Per note, the (code, span) matches some system made in a trap note that no gold quote of the code supports.

    These are the clauses a trap should discount: a matcher recognised the behaviour, but the gold says the clause
    is not evidence (another actor, "we" alone, hypothetical, negated, reported, the interviewer…).
    """
    out: dict[str, list] = {}
    for note in notes:
        if not note.has_traps:
            continue
        gold: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for ev in note.evidence:
            gold[ev.code] += _spans(note.text, ev.quote)
        found = set()
        for results in systems:
            result = results[note.id]
            items = [(i["code"], e) for i in result.get("indicators", []) for e in i.get("evidence", [])]
            items += [(d["code"], d) for d in result.get("discounted", [])]
            for code, ev in items:
                span = (ev["start"], ev["end"])
                if not any(_overlaps(span, g) for g in gold.get(code, [])):
                    found.add((code, span))
        out[note.id] = sorted(found)
    return out


def trap_resistance(traps: dict[str, list], results: dict[str, dict]) -> dict[str, object]:
    """Of the trap clauses, the share the system did not count as evidence for that code."""
    total = resisted = 0
    for note_id, items in traps.items():
        counted = [(i["code"], (e["start"], e["end"])) for i in results[note_id].get("indicators", [])
                   for e in i.get("evidence", []) if e.get("weight", 1) > 0]
        for code, span in items:
            total += 1
            resisted += not any(c == code and _overlaps(span, s) for c, s in counted)
    return {"share": round(resisted / total, 4) if total else None, "n": total}


def indicator_sets(note: AnnotatedNote, result: dict, negative: bool) -> tuple[set[str], set[str]]:
    gold = set(note.negatives if negative else note.indicators)
    pred = {i["code"] for i in result.get("indicators", []) if bool(i.get("negative")) == negative}
    return gold, pred
