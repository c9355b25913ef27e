"""The rules engine under policy v1 and the strict alternative: levels, negatives, positions, justifications."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.policy import PolicyError, bundled_policies, load_policy
from engine.result import competency_entries, indicator_entries, level_value
from engine.rules import build_rules, run
from engine.rules.scoring import LevelConclusion, PositionOutcome, base_facts
from evidence.records import Evidence

V1 = load_policy()
STRICT = load_policy(bundled_policies()["policy-strict"])


def ev(code: str, weight: float = 1.0, clause: int = 0, event: int = 0, qualifiers=("I", "past")) -> Evidence:
    return Evidence(indicator=code, iri=f"urn:{code}", quote=f"quote {code} {clause}", start=clause * 10,
                    end=clause * 10 + 5, lang="en", event=event, clause=clause, matchers=("test",), score=1.0,
                    qualifiers=tuple(qualifiers), weight=weight)


def conclude(model, evidence, competencies=("CO",), policy=V1, position=None):
    memory = run(build_rules(model, policy, competencies, position), base_facts(evidence))
    levels = {f.competency: (level_value(model, f.competency, f.rank), f.flags) for f in memory.of(LevelConclusion)}
    return memory, levels


def test_highest_level_with_evidence(model):
    _, levels = conclude(model, [ev("CO.L1.1", clause=0), ev("CO.L3.2", clause=1, event=1)])
    assert levels["CO"] == (3, ())


def test_nothing_evidenced_is_null_never_guessed(model):
    _, levels = conclude(model, [])
    assert levels["CO"] == (None, ())


def test_weights_add_up_to_the_threshold(model):
    _, half = conclude(model, [ev("CO.L2.1", 0.5, clause=0)])
    _, two_halves = conclude(model, [ev("CO.L2.1", 0.5, clause=0), ev("CO.L2.1", 0.5, clause=3, event=1)])
    assert half["CO"] == (None, ())
    assert two_halves["CO"] == (2, ())


def test_negative_steps_down_and_flags(model):
    _, levels = conclude(model, [ev("CO.L3.1", clause=0), ev("CO.N2", clause=1)])
    assert levels["CO"][0] == 2 and "conflict" in levels["CO"][1] and "review" in levels["CO"][1]


def test_only_negatives_is_below_the_lowest_level(model):
    _, co = conclude(model, [ev("CO.N5")])
    assert co["CO"][0] == 0
    _, gw = conclude(model, [], ("GW.RR",))
    assert gw["GW.RR"] == (None, ())


def test_gw_levels_and_clause_highest_level_rule(model):
    memory, levels = conclude(model, [ev("GW.RR.Sb.1", clause=4), ev("GW.RR.Si.1", clause=4)], ("GW.RR",))
    assert levels["GW.RR"] == ("Si", ())
    indicators = {i["code"] for i in indicator_entries(memory, model)}
    assert indicators == {"GW.RR.Si.1"}  # one clause counts for its highest-level indicator only


def test_position_outcomes(model):
    evidence = [ev("GW.RR.Sa.1", clause=0), ev("GW.CI.Sb.1", clause=1), ev("GW.IN.Si.1", clause=2)]
    comps = tuple(model.frameworks["GW"].competencies)
    memory, _ = conclude(model, evidence, comps, position="GW.POS.07")
    outcomes = {f.competency: f.outcome for f in memory.of(PositionOutcome)}
    assert outcomes == {"GW.RR": "GW.R.ABOVE", "GW.IN": "GW.R.MEETS", "GW.CI": "GW.R.BELOW", "GW.SP": "NOT-EVIDENCED",
                        "GW.SR": "NOT-EVIDENCED", "GW.RM": "NOT-EVIDENCED"}
    memory, _ = conclude(model, evidence, comps, position="GW.POS.01")
    assert "GW.SR" not in {f.competency for f in memory.of(PositionOutcome)}  # N/A cells are skipped


def test_justification_leads_down_to_evidence(model):
    memory, _ = conclude(model, [ev("CO.L2.1", clause=2), ev("CO.N1", clause=5)])
    entry = competency_entries(memory, model, ("CO",), {})[0]
    assert entry["justification"]["rule"] == "V1-NEGATIVE-STEP-DOWN"
    tree = entry["justification"]["support"]

    def leaves(node):
        if "evidence" in node:
            yield node["evidence"]
        for child in node.get("premises", []):
            yield from leaves(child)
    quotes = {leaf["quote"] for leaf in leaves(tree)}
    assert quotes == {"quote CO.L2.1 2", "quote CO.N1 5"}
    assert any("CO.L2.1 evidenced" in p for p in entry["justification"]["premises"])


def test_strict_policy_needs_corroboration(model):
    one = [ev("CO.L3.1", clause=0)]
    two_events = [ev("CO.L3.1", clause=0, event=0), ev("CO.L3.1", clause=5, event=1)]
    two_indicators = [ev("CO.L3.1", clause=0), ev("CO.L3.2", clause=1)]
    assert conclude(model, one)[1]["CO"][0] == 3
    assert conclude(model, one, policy=STRICT)[1]["CO"][0] is None
    assert conclude(model, two_events, policy=STRICT)[1]["CO"][0] == 3
    assert conclude(model, two_indicators, policy=STRICT)[1]["CO"][0] == 3


def test_strict_policy_caps_negatives_below_the_lowest_positive(model):
    evidence = [ev("CO.L2.1", clause=0), ev("CO.L2.2", clause=1), ev("CO.L4.1", clause=2), ev("CO.L4.2", clause=3),
                ev("CO.N3", clause=4)]
    assert conclude(model, evidence)[1]["CO"][0] == 3          # v1: one step below P = 4
    assert conclude(model, evidence, policy=STRICT)[1]["CO"][0] == 1  # strict: below the lowest positive, 2


def test_generic_counts_nothing_under_strict(model):
    assert STRICT.weight(("I", "generic")) == 0 and V1.weight(("I", "generic")) == 0.5
    assert V1.weight(("we", "generic")) == 0.25 and V1.weight(("other", "past")) == 0


@pytest.mark.parametrize("change,message", [
    ("threshhold = 1.0", "did you mean 'threshold'"),
    ('rule = "step-up"', "is not a known rule"),
    ("we = -1.0", "must not be negative"),
    ("[levels]", "unknown key 'levels'"),
])
def test_policy_file_errors_name_the_problem(tmp_path, change, message):
    text = (Path(bundled_policies()["policy-v1"])).read_text(encoding="utf-8")
    replacements = {"threshhold = 1.0": ("threshold = 1.0", "threshhold = 1.0"),
                    'rule = "step-up"': ('rule = "step-down"', 'rule = "step-up"'),
                    "we = -1.0": ("we = 0.5", "we = -1.0"),
                    "[levels]": ("[level]", "[levels]")}
    old, new = replacements[change]
    path = tmp_path / "policy.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_policy_identity_changes_with_content(tmp_path):
    text = Path(bundled_policies()["policy-v1"]).read_text(encoding="utf-8")
    path = tmp_path / "p.toml"
    path.write_text(text.replace("threshold = 1.0", "threshold = 2.0"), encoding="utf-8")
    assert load_policy(path).label != V1.label and load_policy(path).threshold == 2.0
