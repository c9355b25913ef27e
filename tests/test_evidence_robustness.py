"""Bad input never crashes the evidence step, and every offset stays valid (property-based on arbitrary Unicode)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def check(extractor, text: str, frameworks=("CO", "GW")):
    note = extractor.extract(text, frameworks)
    for ev in note.evidence:
        assert 0 <= ev.start <= ev.end <= len(text)
        assert text[ev.start:ev.end] == ev.quote
    return note


@pytest.mark.parametrize("text", [
    "", "   \n\t  ", "клиент", "\x00\x01\x02 binary \xff garbage \ufffd", "🙂🙃🔥 I called 🙂 the client back 🔥",
    "«я перезвонил клиенту и уточнил", 'He said "I will call', "\u202eRTL override I called the customer back\u202c",
    "שלום, התקשרתי ללקוח", "Ich habe den Kunden zurückgerufen.", "\r\n\r\n", "a" * 5000, "。。。，，，",
])
def test_bad_input_gives_a_clear_result(extractor, text):
    note = check(extractor, text)
    if not text.strip():
        assert "empty note: no evidence" in note.notices


def test_foreign_language_is_reported_per_sentence(extractor):
    note = check(extractor, "Ich habe den Kunden am nächsten Tag angerufen und nicht vergessen. I called the customer back.")
    assert any("not supported" in n for n in note.notices)


def test_one_megabyte_note(extractor):
    text = ("Я перезвонила клиентке через два дня и уточнила, устраивает ли её результат. " * 12000)[:1_000_000]
    note = check(extractor, text, ("CO",))
    assert note.evidence


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_raises(extractor, text):
    check(extractor, text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["Я позвонил клиенту.", "我给业主回了电话，", "I called the client back.", "\n\n",
                                 "Q: ", "A: ", "不", "not ", "«", "»", "мы с коллегой ", "if I ", "🙂"]), max_size=30))
def test_arbitrary_mixtures_of_note_fragments(extractor, parts):
    check(extractor, "".join(parts))
