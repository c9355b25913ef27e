"""The evidence step: note structure, language per sentence, BEI qualification per language, exact offsets."""
from __future__ import annotations

import pytest

from evidence.language import detect
from evidence.segment import segment


def evidence_for(extractor, text: str, frameworks=("CO", "GW", "CC")) -> dict[str, list]:
    out: dict[str, list] = {}
    for ev in extractor.extract(text, frameworks).evidence:
        assert text[ev.start:ev.end] == ev.quote
        out.setdefault(ev.indicator, []).append(ev)
    return out


def best_weight(found: dict[str, list], code: str) -> float | None:
    return max((e.weight for e in found.get(code, [])), default=None)


@pytest.mark.parametrize("sentence,lang", [
    ("Я перезвонил клиентке на следующий день.", "ru"),
    ("我第二天给业主回了电话。", "zh"),
    ("I called the customer back the next day.", "en"),
    ("Ich habe den Kunden am nächsten Tag angerufen und nicht vergessen.", "unsupported"),
    ("اتصلت بالعميل في اليوم التالي", "unsupported"),
    ("12345 !!!", "none"),
    ("Я открыл тикет в Jira и написал в Slack.", "ru"),
])
def test_language_per_sentence(sentence, lang):
    assert detect(sentence) == lang


def test_transcript_turns_events_and_offsets():
    text = ("Q: Tell me about a difficult customer.\nA: In March a client complained. I called her back.\n\n"
            "Q: Anything else?\nA: Yes, I wrote a guide.")
    structure = segment(text)
    assert structure.transcript
    speakers = [(s.speaker, text[s.start:s.end]) for s in structure.sentences]
    assert speakers[0] == ("interviewer", "Tell me about a difficult customer.")
    assert ("candidate", "I called her back.") in speakers
    assert structure.events == 2
    for clause in structure.clauses:
        assert text[clause.start:clause.end].strip() == text[clause.start:clause.end]


@pytest.mark.parametrize("text,quote,speaker", [
    ("Interviewer: A time when a delivery was urgent?\nArtyom: Yes. I drove the parcel to her flat myself.",
     "I drove the parcel to her flat myself.", "candidate"),
    ("Interviewer: What was your part?\nCandidate (Ewa Nowak, relations manager): I wrote the policy myself.",
     "I wrote the policy myself.", "candidate"),
    ("面试官：说一个例子。\n小王：我当天就给业主回了电话。", "我当天就给业主回了电话。", "candidate"),
    ("Interviewer: Did you call her back?\nYes, I called her that evening.", "Yes, I called her that evening.",
     "interviewer"),  # an unlabelled line continues the turn it follows
])
def test_a_named_or_annotated_speaker_after_the_interviewer_is_the_candidate(text, quote, speaker):
    structure = segment(text)
    start = text.index(quote)
    assert [s.speaker for s in structure.sentences if s.start == start] == [speaker]


def test_a_header_naming_assessor_and_candidate_is_no_transcript():
    text = ("Assessor: R. Patel. Candidate: Lewis T., sales advisor.\nAsked about a difficult customer. Lewis told "
            "him billing disputes were not a store thing.")
    structure = segment(text)
    assert not structure.transcript
    assert {s.speaker for s in structure.sentences} == {"narrative"}


def test_star_markers_start_one_event_each():
    text = "Ситуация: клиент жалуется.\nДействия: я позвонила ему.\nРезультат: всё решили.\n\nСитуация: другой случай.\nДействия: я написала письмо."
    structure = segment(text)
    assert structure.events == 2
    assert not structure.transcript


CASES = [
    # (text, code, expected weight or None when the code must not be counted)
    ("I called the customer back two days later to check that the new tariff worked for her.", "CO.L2.1", 1.0),
    ("My manager called the customer back two days later to check that the new tariff worked for her.", "CO.L2.1", 0.0),
    ("Next time I would call the customer back to check that the new tariff worked for her.", "CO.L2.1", 0.0),
    ("I did not call the customer back to check that the tariff worked.", "CO.L2.1", 0.0),
    ("Я перезвонила клиенту через два дня и уточнила, устраивает ли его результат ремонта.", "CO.L2.1", 1.0),
    ("Руководитель перезвонил клиенту через два дня и уточнил, устраивает ли его результат ремонта.", "CO.L2.1", 0.0),
    ("Мы с коллегой перезвонили клиенту через два дня и уточнили, устраивает ли его результат ремонта.", "CO.L2.1", 0.5),
    ("我没有跟他争执，耐心听他说完。", "GW.CI.Sb.1", 1.0),
    ("维修完成后我打电话回访业主，确认他对维修结果满意。", "CO.L2.1", 1.0),
]


def clause_weights(extractor, text: str) -> list[float]:
    """Each clause's weight under the policy, negation included: what any match inside it can count for."""
    view, qualifier, _ = extractor.view(text)
    weights = []
    for clause in view.structure.clauses:
        qualifiers = qualifier.quality(clause).qualifiers()
        negated = qualifier.negated_before(clause, clause.end) is not None
        weights.append(0.0 if negated else extractor.policy.weight(qualifiers))
    return weights


@pytest.mark.parametrize("text,code,weight", CASES)
def test_qualification(extractor, text, code, weight):
    found = evidence_for(extractor, text, (code.split(".")[0],))
    if weight:
        assert code in found, f"{code} not matched in {text!r}: {sorted(found)}"
        assert best_weight(found, code) == weight
    else:  # whether or not a matcher recognised the behaviour, nothing in the note can count for it
        assert best_weight(found, code) in (None, 0.0)
        assert max(clause_weights(extractor, text)) == 0.0


def test_we_clause_is_half_and_reason_travels(extractor):
    found = evidence_for(extractor, "We called the customer back two days later to check that the new tariff worked.")
    ev = found["CO.L2.1"][0]
    assert ev.weight == 0.5 and "we" in ev.qualifiers and any("half" in r for r in ev.reasons)


def test_interviewer_turn_is_never_evidence(extractor):
    text = ("Interviewer: So you called the customer back two days later to check that the new tariff worked for her?\n"
            "Candidate: No, I forgot.")
    found = evidence_for(extractor, text)
    asked = [e for evs in found.values() for e in evs if e.end <= text.index("\n")]
    assert all(e.weight == 0 and "interviewer" in e.qualifiers for e in asked)
    assert "CO.L2.1" not in {code for code, evs in found.items() if any(e.weight > 0 for e in evs)}
    view, qualifier, _ = extractor.view(text)
    turn = [c for c in view.structure.clauses if c.end <= text.index("\n")]
    assert turn and all(qualifier.quality(c).actor == "interviewer" for c in turn)
    assert max(clause_weights(extractor, text)[:len(turn)]) == 0.0


def test_third_person_note_counts_the_candidate(extractor):
    text = "The candidate called the customer back two days later to check that the new tariff worked for her."
    found = evidence_for(extractor, text)
    assert best_weight(found, "CO.L2.1") == 1.0
    assert "candidate" in found["CO.L2.1"][0].qualifiers


def test_negative_indicator_from_own_clause(extractor):
    found = evidence_for(extractor, "I didn't ask what she needed, I just assumed she wanted the cheapest plan.", ("CO",))
    assert best_weight(found, "CO.N2") == 1.0


def test_spacy_component_in_a_users_pipeline():
    import spacy

    import evidence.pipeline  # noqa: F401  (registers the factories)

    nlp = spacy.blank("en")
    nlp.add_pipe("bei_evidence", config={"frameworks": ["CO"]})
    doc = nlp("I called the customer back two days later to check that the new tariff worked for her.")
    assert any(e.indicator == "CO.L2.1" for e in doc._.evidence)
    assert all(span.label_ for span in doc.spans["bei_evidence"])


def test_lemma_component_gives_all_candidate_lemmas():
    from evidence.pipeline import blank

    doc = blank("ru")("Клиентке перезвонили")
    assert "клиентка" in doc[0]._.lemmas and "перезвонить" in doc[1]._.lemmas
    zh = blank("zh")("我给业主回了电话")
    assert [t.text for t in zh][:2] == ["我", "给"]


def quality_at(extractor, text: str, phrase: str):
    """The qualification of the clause that holds ``phrase``, and whether the note reads as a third-person note."""
    view, qualifier, _ = extractor.view(text)
    position = text.index(phrase)
    clause = next(c for c in view.structure.clauses if c.start <= position < c.end)
    return qualifier.quality(clause), qualifier.third_person


def test_a_note_that_names_the_candidate_and_never_says_i_is_a_third_person_note(extractor):
    text = ("Ms Ferreira, regional front-office director. In 2023 she pulled the complaint logs from all eleven hotels. "
            "She then changed the overbooking limit and put a second person on nights.")
    quality, third_person = quality_at(extractor, text, "she pulled")
    assert third_person and quality.actor == "candidate"
    first_person = "The customer was furious. She shouted at the desk. I listened, and I called her back the next day."
    quality, third_person = quality_at(extractor, first_person, "She shouted")
    assert not third_person and quality.actor == "other"


def test_an_opening_phrase_that_names_another_person_leaves_the_narrator_the_subject(extractor):
    quality, _ = quality_at(extractor, "After each resident survey I sat down with each building's team.", "I sat")
    assert quality.actor == "I"
    quality, _ = quality_at(extractor, "业主投诉以后我马上上门查看了漏水的位置。", "我马上")
    assert quality.actor == "I"
    quality, _ = quality_at(extractor, "The manager told everyone I was late.", "manager")
    assert quality.actor == "other"  # someone else speaking about the narrator


def test_a_hypothetical_in_the_candidates_own_quoted_words_counts_zero(extractor):
    text = ('Asked for a real case, she described what she "would do" with a claim: "I\'d ask about the kids first, '
            'then I\'d book the loss adjuster, and I\'d call them back a week later."')
    quality, _ = quality_at(extractor, text, "book the loss adjuster")
    assert quality.reality == "hypothetical"


CLAUSES = [
    # (text, a phrase of the clause, the qualification's attribute, its expected value)
    pytest.param("The candidate is a shift lead. Her colleague was out, and the phone on the next desk rang.",
                 "Her colleague", "actor", "other", id="her-colleague"),
    pytest.param("候选人是客服主管。她的同事先接了电话。", "她的同事", "actor", "other", id="her-colleague-zh"),
    pytest.param("I run the contact centre. Average handling time and first-contact resolution were there before me.",
                 "Average handling", "actor", "other", id="there-before-me"),
    pytest.param("Я руковожу отделом. Опрос клиентов проводили до меня, анкету писал маркетинг.", "Опрос клиентов",
                 "actor", "other", id="before-me-ru"),
    pytest.param("候选人负责前台。会员积分卡是她入职前就有的。", "会员积分卡", "actor", "other", id="before-her-zh"),
    pytest.param("候选人在物业中心工作。月度之星评选是中心经理搞的。", "月度之星", "actor", "other", id="shi-de-other"),
    pytest.param("候选人在物业中心工作。客户满意度调查是外部咨询公司做的。", "客户满意度", "actor", "other",
                 id="shi-de-company"),
    pytest.param("候选人在物业中心工作。这个回访方案是她一手设计的。", "这个回访方案", "actor", "candidate",
                 id="shi-de-candidate"),
    pytest.param("我在物业中心工作。这个回访方案是我自己设计的。", "这个回访方案", "actor", "I", id="shi-de-I"),
    pytest.param("Me and the account assistant kept in touch with him through the year.", "kept in touch", "actor",
                 "we", id="me-and-x"),
    pytest.param("The candidate runs the desk. She and the deputy reviewed the complaint log every week.", "reviewed",
                 "actor", "we", id="she-and-x"),
    pytest.param("我在物业工作。隔了两天约他周六早上在花园边上喝茶。", "约他", "actor", "I", id="zh-object"),
    pytest.param("我在物业工作。然后当着他的面打给开发商客服。", "当着他", "actor", "I", id="zh-possessor"),
    pytest.param("候选人是大客户经理。2023年十几家大客户的高层会面他一次没落下。", "十几家", "actor", "candidate",
                 id="zh-possessor-topic"),
    pytest.param("By the end I'd got him to post an update in the owners' group.", "got him", "reality", "past",
                 id="past-perfect"),
    pytest.param("I'd call her back the same day next time.", "call her", "reality", "hypothetical", id="i-would"),
    pytest.param("I told everyone the lift would be back well before Easter.", "told everyone", "reality", "past",
                 id="told-it-would"),
    pytest.param("I asked her what would help tonight.", "asked her", "reality", "past", id="asked-what-would"),
    pytest.param("I would ask her what she needs.", "ask her", "reality", "hypothetical", id="would-ask"),
    pytest.param("I would've liked to ring him that evening.", "ring him", "reality", "hypothetical",
                 id="would-have-contracted"),
    pytest.param("I run the desk. The follow-up call the next week was made by her branch manager.", "follow-up call",
                 "actor", "other", id="passive-by-other"),
    pytest.param("I run the desk. The follow-up call was made by me on the Monday.", "follow-up call", "actor", "I",
                 id="passive-by-me"),
    pytest.param("The candidate runs the desk. The complaint form was filled in by her on the spot.", "complaint form",
                 "actor", "candidate", id="passive-by-candidate"),
    pytest.param("I run the desk. The refund was processed by nine the next morning.", "refund", "actor", "I",
                 id="by-a-time-is-no-agent"),
    pytest.param("The ceiling repair was arranged by the supervisor, not me.", "ceiling repair", "actor", "other",
                 id="not-me"),
    pytest.param("候选人做客服。这套制度是集团客服中心后来照她的版本做的。", "这套制度", "actor", "other",
                 id="shi-de-first-named"),
    pytest.param("我在营业厅。标准是科长改的。", "标准", "actor", "other", id="shi-de-gai"),
    pytest.param("候选人现任某住宅项目客服主管,下属6名管家。", "客服主管", "reality", "generic", id="current-role-zh"),
    pytest.param("I was responsible for key accounts at the branch.", "key accounts", "reality", "generic",
                 id="role-en"),
    pytest.param("В настоящее время отвечает за работу с VIP-клиентами.", "VIP", "reality", "generic", id="role-ru"),
    pytest.param("Кандидат работает в МФЦ.\n- Общее впечатление: спокойный, выслушивает клиента до конца.",
                 "выслушивает", "actor", "interviewer", id="assessor-comment-ru"),
    pytest.param("候选人在营业厅工作。评估小结：能主动了解客户需求。", "主动了解", "actor", "interviewer",
                 id="assessor-comment-zh"),
    pytest.param("Overall impression: she listens and asks good questions.", "asks good", "actor", "interviewer",
                 id="assessor-comment-en"),
    pytest.param("印象中我当时给他打了两次电话。", "打了两次", "actor", "I", id="as-i-recall-is-no-comment"),
    pytest.param("我在民政窗口。后来民政那边给大爷回访了,这个不是我打的。", "这个不是我打的", "actor", "other",
                 id="not-me-cleft"),
    pytest.param("我是店长。复购率的报表是财务部每月出的。", "复购率", "actor", "other", id="shi-de-chu"),
    pytest.param("She ran six branches. The decision to close them was not hers.", "decision to close", "actor",
                 "other", id="not-hers"),
    pytest.param("我在质检组。明年把质检结果和奖金挂钩。", "质检结果", "reality", "hypothetical", id="next-year-zh"),
    pytest.param("候选人：陈志远，政企事业部副总。他在年会上讲“我们不卖带宽，我们帮你少请一个网管”。"
                 "他说“我只是执行，我没拍板，我也不管”。2023年他把云桌面的上线往前挪了两个月。", "把云桌面", "actor",
                 "candidate",
                 id="quoted-i-keeps-a-third-person-note"),
    pytest.param("候选人是写字楼客服经理。A级租户他每半年亲自约一次午餐。", "每半年", "actor", "candidate",
                 id="topic-then-candidate"),
    pytest.param("候选人是物业客服主管。她没有只给人补卡,而是在业主群里发了个小问卷。", "而是在业主群", "actor",
                 "candidate", id="zh-in-a-group-is-no-subject"),
    pytest.param("我是项目客服。按保安和楼长的意见改了两处。", "改了两处", "actor", "I", id="zh-according-to"),
    pytest.param("The day after the outage I rang the daughter to check whether anything should be different.",
                 "rang the daughter", "reality", "past", id="embedded-should"),
    pytest.param("I pulled the regulator's reports to see what older customers would want.", "pulled", "reality",
                 "past", id="embedded-would"),
    pytest.param('On the call I opened with "would you mind if I took control of the router?"', "opened with",
                 "reality", "past", id="polite-would-you-mind"),
    pytest.param("I went through the guideline - I'd never actually used it before - and followed it.",
                 "never actually", "reality", "past", id="past-perfect-two-adverbs"),
    pytest.param("В первый месяц составил список «кого надо знать» из 11 человек.", "составил", "reality", "past",
                 id="embedded-nado"),
    pytest.param("I run the site. Got the generator contractor on site inside 90 minutes.", "Got the generator",
                 "actor", "I", id="en-object-after-verb"),
    pytest.param("I run the site. Sat down with the owner and rebuilt the cover.", "Sat down", "actor", "I",
                 id="en-object-after-preposition"),
    pytest.param("I run the site. Every time someone complained I put the flat number on the board.", "I put",
                 "actor", "I", id="en-i-is-never-an-object"),
    pytest.param("候选人做热线。听出老人有点喘,就放慢语速。", "听出老人", "actor", "candidate",
                 id="zh-object-after-perception"),
    pytest.param("Front desk, 2 yrs. Cand took her details at the desk and got her in with dr Shah.", "took her",
                 "actor", "candidate", id="cand-abbreviation"),
]


@pytest.mark.parametrize("text,phrase,attribute,expected", CLAUSES)
def test_clause_qualification(extractor, text, phrase, attribute, expected):
    quality, _ = quality_at(extractor, text, phrase)
    assert getattr(quality, attribute) == expected


def test_a_quoted_rule_is_its_words_not_the_candidates(extractor):
    text = "На вопрос о стандартах процитировал внутреннее правило: «администратор закрывает жалобу за 15 минут»."
    quality, _ = quality_at(extractor, text, "администратор закрывает")
    assert quality.reported
    own = "Я сказала ей: «Я сама перезвоню вам завтра утром»."
    quality, _ = quality_at(extractor, own, "Я сама перезвоню")
    assert not quality.reported


def test_a_russian_clause_without_subject_is_whoever_its_verb_agrees_with(extractor):
    text = ("Звонит собственница, кричит, что у неё течёт. Я с ней не спорила, дала выговориться. "
            "Потом я проверила журнал. Через час позвонил сантехник.")
    quality, _ = quality_at(extractor, text, "дала выговориться")
    assert quality.actor == "I"  # a feminine past form, and the narrator's own verbs are feminine
    quality, _ = quality_at(extractor, text, "позвонил сантехник")
    assert quality.actor == "other"
    male = "Я выслушал его до конца. Потом я проверил журнал. Дала ему телефон мастера."
    quality, _ = quality_at(extractor, male, "Дала ему")
    assert quality.actor == "other"


def test_a_subordinate_clause_shares_the_hypothetical_or_negation_of_its_main_clause(extractor):
    text = "Next time I would call the customer back to check that the new tariff worked for her."
    quality, _ = quality_at(extractor, text, "that the new tariff")
    assert quality.reality == "hypothetical"
    assert max(clause_weights(extractor, "I did not call the customer back to check that the tariff worked.")) == 0.0
    quality, _ = quality_at(extractor, "I called her so that she knew the date.", "I called")
    assert quality.reality == "past"


