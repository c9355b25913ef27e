"""Development paths and position gaps against answers computed by hand from FRAMEWORKS.md (CO and GW)."""
from __future__ import annotations

import pytest

from engine.assessor import UsageError
from engine.graph import (development_path, level_chain, paths_to_position, position_gap, rank_positions,
                          related_items, stage_order)


def codes(path):
    return [[ind.code for ind in step.indicators] for step in path.steps]


def test_gw_path_climbs_level_by_level_in_stage_order(onto):
    path = development_path(onto, "GW.RR", "Sb", "Sa")
    assert [s.level for s in path.steps] == ["GW.RR.Si", "GW.RR.Sa"]
    assert codes(path) == [["GW.RR.Si.1", "GW.RR.Si.2", "GW.RR.Si.3"], ["GW.RR.Sa.1", "GW.RR.Sa.2", "GW.RR.Sa.3"]]
    assert [i.stage for i in path.steps[0].indicators] == ["GW.RR.P1", "GW.RR.P2", "GW.RR.P3"]
    related = {i.code: [(r.code, r.relation) for r in i.related] for i in path.steps[0].indicators}
    assert related == {"GW.RR.Si.1": [], "GW.RR.Si.2": [("CO.L2.4", "relatedMatch")], "GW.RR.Si.3": []}


def test_gw_stage_order_is_the_seed_process(onto):
    stages = stage_order(onto, "GW.RR")
    assert stages == ["GW.RR.P1", "GW.RR.P2", "GW.RR.P3"]
    assert [onto.model.stages[s].label("zh") for s in stages] == ["应对", "跟进", "反馈"]


def test_co_path_with_cross_framework_items(onto):
    path = development_path(onto, "CO", 2, "4")
    assert [s.level for s in path.steps] == ["CO.L3", "CO.L4"]
    assert codes(path) == [[f"CO.L3.{n}" for n in range(1, 7)], [f"CO.L4.{n}" for n in range(1, 5)]]
    by_code = {i.code: [(r.code, r.relation) for r in i.related] for s in path.steps for i in s.indicators}
    assert by_code["CO.L3.1"] == [("GW.RM.Sb.2", "closeMatch")]
    assert by_code["CO.L4.4"] == [("SQ.C.1", "closeMatch"), ("OA.1.1", "relatedMatch"), ("SQ.C.2", "relatedMatch")]
    assert level_chain(onto, "CO") == ["CO.L1", "CO.L2", "CO.L3", "CO.L4", "CO.L5"]


def test_path_from_nothing_starts_at_the_lowest_level_and_levels_accept_codes(onto):
    assert [s.level for s in development_path(onto, "CO", None, "CO.L2").steps] == ["CO.L1", "CO.L2"]
    assert [s.level for s in development_path(onto, "GW.CI", "below-Sb", "GW.CI.Sb").steps] == ["GW.CI.Sb"]
    assert development_path(onto, "GW.RR", "Sa", "Si").steps == ()


def test_related_items_are_read_from_the_items_side(onto):
    assert [(r.code, r.relation) for r in related_items(onto, "GW.RR.Sb.3")] == [
        ("CO.L2.1", "closeMatch"), ("CO.L1.5", "relatedMatch")]
    # CO.L2.1 broadMatch SQ.C.3, so SQ.C.3 is a narrowMatch of CO.L2.1 (and CO.L4.3 relatedMatch SQ.C.3)
    assert [(r.code, r.relation) for r in related_items(onto, "SQ.C.3")] == [
        ("CO.L4.3", "relatedMatch"), ("CO.L2.1", "narrowMatch")]


@pytest.mark.parametrize("args", [("GW.XX", "Sb", "Sa"), ("GW.RR", "Sb", "5"), ("CO", "1", "below-1")])
def test_bad_requests_name_the_problem(onto, args):
    with pytest.raises(UsageError):
        development_path(onto, *args)


def person():
    """A hand-made result: CO 3; GW.RR Si, GW.CI Sb, GW.IN not evidenced, GW.SP Sa, GW.SR Si, GW.RM below Sb."""
    levels = {"CO": 3, "GW.RR": "Si", "GW.CI": "Sb", "GW.IN": None, "GW.SP": "Sa", "GW.SR": "Si", "GW.RM": "below-Sb"}
    return {"id": "anna", "competencies": [{"code": c, "level": v, "flags": []} for c, v in levels.items()],
            "indicators": [{"code": "GW.CI.Si.1", "negative": False}, {"code": "GW.RM.Sb.1", "negative": False}]}


def test_gap_against_position_05(onto):
    gap = position_gap(onto, person(), "GW.POS.05")
    rows = {g.competency: (g.required, g.demonstrated, g.outcome, g.shortfall, [i.code for i in g.next_indicators])
            for g in gap.competencies}
    assert rows == {
        "GW.IN": ("Sa", "not evidenced", "NOT-EVIDENCED", 3, ["GW.IN.Sb.1", "GW.IN.Sb.2", "GW.IN.Sb.3"]),
        "GW.SP": ("Sa", "Sa", "GW.R.MEETS", 0, []),
        "GW.RR": ("Si", "Si", "GW.R.MEETS", 0, []),
        "GW.SR": ("Si", "Si", "GW.R.MEETS", 0, []),
        "GW.CI": ("Sa", "Sb", "GW.R.BELOW", 2, ["GW.CI.Si.2", "GW.CI.Si.3", "GW.CI.Si.4"]),  # Si.1 already shown
        "GW.RM": ("Si", "below-Sb", "GW.R.BELOW", 2, ["GW.RM.Sb.2", "GW.RM.Sb.3"]),  # Sb.1 already shown
    }
    assert (gap.met, gap.shortfall) == (3, 7)


def test_positions_ranked_by_fit(onto):
    ranked = rank_positions(onto, person())
    assert [g.position for g in ranked] == ["GW.POS.11", "GW.POS.07", "GW.POS.09", "GW.POS.10", "GW.POS.06",
                                            "GW.POS.08", "GW.POS.05", "GW.POS.02", "GW.POS.01", "GW.POS.03",
                                            "GW.POS.04"]
    assert [(g.shortfall, g.met) for g in ranked[:2]] == [(2, 4), (5, 3)]
    assert len(ranked[-1].competencies) == 5  # GW.SR is N/A for GW.POS.04


def test_not_scored_competencies_are_told_apart(onto):
    only_co = {"id": "x", "competencies": [{"code": "CO", "level": 2, "flags": []}], "indicators": []}
    gap = position_gap(onto, only_co, "GW.POS.11")
    assert {g.outcome for g in gap.competencies} == {"NOT-SCORED"}
    assert {g.demonstrated for g in gap.competencies} == {"not scored"}


def test_paths_to_position_cover_every_shortfall(onto):
    paths = paths_to_position(onto, person(), "GW.POS.05")
    assert [(p.competency, [s.level for s in p.steps]) for p in paths] == [
        ("GW.CI", ["GW.CI.Si", "GW.CI.Sa"]),
        ("GW.IN", ["GW.IN.Sb", "GW.IN.Si", "GW.IN.Sa"]),
        ("GW.RM", ["GW.RM.Sb", "GW.RM.Si"])]
