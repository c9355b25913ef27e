"""Evaluation measures against hand-computed answers."""
from engine.evaluation.metrics import level_agreement, prf, quadratic_weighted_kappa


def test_prf_micro_and_macro():
    pairs = [({"A", "B"}, {"A", "C"}), ({"A"}, {"A"}), (set(), {"B"})]
    scores = prf(pairs)
    # tp: A, A = 2; fp: C, B = 2; fn: B = 1
    assert (scores["tp"], scores["fp"], scores["fn"]) == (2, 2, 1)
    assert scores["precision"] == 0.5 and scores["recall"] == round(2 / 3, 4)
    # per code F1: A = 1.0, B = 0 (fp 1, fn 1), C = 0 → macro 1/3
    assert scores["macro_f1"] == round(1 / 3, 4)


def test_quadratic_weighted_kappa():
    cats = [1, 2, 3]
    assert quadratic_weighted_kappa([(1, 1), (2, 2), (3, 3)], cats) == 1.0
    # by hand: observed weighted disagreement 0.25; expected (rows 1,1,2 × cols 2,0,2 / 4) 1.75 → 1 - 0.25/1.75
    assert quadratic_weighted_kappa([(1, 1), (2, 1), (3, 3), (3, 3)], cats) == round(1 - 0.25 / 1.75, 4)
    assert quadratic_weighted_kappa([(1, 3), (3, 1)], cats) < 0


def test_level_agreement_excludes_null_pairs_from_the_evidenced_figure():
    pairs = [("CO", "null", "null"), ("CO", 2, 2), ("GW.RR", "Si", "Sb"), ("GW.IN", "null", "Sb")]
    figures = level_agreement(pairs)
    assert figures["all"] == 0.5 and figures["n_all"] == 4
    assert figures["evidenced"] == round(1 / 3, 4) and figures["n_evidenced"] == 3


def test_kappa_all_counts_agreeing_that_nothing_is_evidenced():
    pairs = [("CO", "null", "null"), ("CO", "null", "null"), ("CO", 3, 3), ("CO", 2, "null")]
    figures = level_agreement(pairs)
    co_scale = ["null", 0, 1, 2, 3, 4, 5]
    assert figures["kappa_CO"] == quadratic_weighted_kappa([(3, 3), (2, "null")], co_scale)
    assert figures["kappa_CO_all"] == quadratic_weighted_kappa([(g, e) for _, g, e in pairs], co_scale)
    assert figures["kappa_CO_all"] > figures["kappa_CO"]
    assert figures["kappa_GW_all"] is None  # no GW competency in scope
