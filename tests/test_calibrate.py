"""bench/calibrate.py's choice of threshold among settings it has scored."""
from __future__ import annotations

import importlib.util
from pathlib import Path

SPEC = importlib.util.spec_from_file_location("calibrate", Path(__file__).parents[1] / "bench" / "calibrate.py")
calibrate = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(calibrate)


def scored(threshold: float, criterion: float, f1: float):
    return (threshold, 2), {"criterion": criterion, "f1": f1}


def test_the_best_criterion_wins_when_it_stands_out():
    results = [scored(0.4, 0.600, 0.70), scored(0.5, 0.630, 0.66), scored(0.6, 0.610, 0.62)]
    assert calibrate.choose(results)[0] == (0.5, 2)


def test_of_settings_the_criterion_cannot_tell_apart_the_one_with_the_highest_f1_wins():
    tie = calibrate.TIE
    results = [scored(0.5, 0.6260, 0.68), scored(0.55, 0.6317 - tie / 2, 0.67), scored(0.65, 0.6317, 0.64)]
    assert calibrate.choose(results)[0] == (0.55, 2)
