"""The bundled ontology carries every item of FRAMEWORKS.md, exactly once, readable in ru, zh and en."""
from collections import Counter

import pytest
from rdflib.namespace import SKOS

from conftest import framework_codes, gw_matrix

LANGS = ("ru", "zh", "en")


def test_every_framework_code_is_a_notation_exactly_once(onto):
    notations = Counter(str(n) for n in onto.graph.objects(None, SKOS.notation))
    expected = framework_codes()
    assert expected - set(notations) == set()
    assert {code: n for code, n in notations.items() if n > 1} == {}


def test_every_code_has_labels_in_three_languages(onto, model):
    for code in framework_codes():
        item = model.item(code)
        missing = [lang for lang in LANGS if not item.labels.get(lang)]
        assert missing == [], f"{code} lacks labels in {missing}"


def test_labels_are_translated_not_copied(model):
    """A Chinese item's English label is not its Chinese text (a faithful translation exists)."""
    for ind in model.indicators.values():
        assert ind.labels["en"] != ind.labels["zh"], ind.code
        assert ind.labels["en"] != ind.labels["ru"], ind.code


@pytest.mark.parametrize("framework,behavioural,negatives,checklist", [
    ("CO", 25, 6, 0), ("GW", 57, 0, 0), ("CC", 0, 9, 37), ("OA", 0, 0, 17), ("SQ", 0, 0, 12)])
def test_item_counts_per_framework(model, framework, behavioural, negatives, checklist):
    kinds = Counter(model.indicators[c].kind for c in model.frameworks[framework].indicators)
    assert (kinds["behavioural"], kinds["negative"], kinds["checklist"]) == (behavioural, negatives, checklist)


def test_definitions_are_the_seed_text_in_the_seed_language(model):
    assert model.indicators["CO.L1.3"].definition == "Отправляет сложные вопросы на более высокий уровень принятия решений."
    assert model.indicators["GW.CI.Sb.4"].definition == "顾客基本接受沟通后的结果"
    assert model.indicators["CC.DONT.3"].definition == "相互推诿"
    assert model.indicators["OA.2.1"].definition == "NPS"


def test_gw_matrix_reads_back_cell_by_cell(model):
    for position, row in gw_matrix().items():
        requirements = model.positions[position].requirements
        for comp, cell in row.items():
            code = f"GW.{comp}"
            assert requirements[code] == (None if cell == "N/A" else f"{code}.{cell}"), (position, comp)


def test_levels_are_ordered_and_linked(model, onto):
    assert model.competencies["CO"].levels == ("CO.L1", "CO.L2", "CO.L3", "CO.L4", "CO.L5")
    assert [model.level_value(lv) for lv in model.competencies["GW.RR"].levels] == ["Sb", "Si", "Sa"]
    net = onto.network
    assert any(d["type"] == "next_level" for d in net.get_edge_data("GW.RR.Sb", "GW.RR.Si").values())


def test_process_stages_in_seed_order(model):
    assert [model.stages[s].label("zh") for s in model.competencies["GW.RR"].stages] == ["应对", "跟进", "反馈"]
    assert model.indicators["GW.RR.Si.2"].stage == "GW.RR.P2"


def test_outcome_scale_is_ordered(model):
    ranks = {code: o.rank for code, o in model.outcomes.items()}
    assert ranks["GW.R.BELOW"] < ranks["GW.R.MEETS"] < ranks["GW.R.ABOVE"]


def test_alignment_has_thirty_cross_framework_links_with_rationales(model):
    cross = [a for a in model.alignments
             if model.indicators[a.source].framework != model.indicators[a.target].framework]
    assert len(cross) >= 30
    assert all(a.rationale for a in cross)
    assert {a.relation for a in cross} >= {"closeMatch", "relatedMatch", "broadMatch"}
    assert any(a.source == "CO.L1.3" and a.target == "GW.IN.Sb.3" for a in cross)


def test_crosswalk_between_scales_is_in_the_ontology(model):
    assert model.steps["CO.SCALE.3"].crosswalk == ("GW.SCALE.Si",)
    assert model.steps["GW.SCALE.Sa"].crosswalk == ("CO.SCALE.4",)


def test_recognition_data_for_every_leaf_item(model):
    for ind in model.indicators.values():
        for lang in LANGS:
            assert ind.cues.get(lang), f"{ind.code}: no cue phrases in {lang}"
            assert ind.examples.get(lang), f"{ind.code}: no example sentences in {lang}"
