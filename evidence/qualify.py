"""BEI qualification of clauses (policy v1), in the manner of ConText/NegEx, per language.

For every clause: who acted (I / we / the candidate / another person / the interviewer), whether it really happened
(a specific past event, a generic habit, or something hypothetical, intended or "should"), and whether it is someone
else's words. Negation depends on where the matched behaviour sits in the clause, so it is asked per match
(``negated_before``). The trigger lists are data (``data/triggers.toml``).
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from evidence.lexicon import Grammar, lemmatizer
from evidence.segment import Clause, NoteStructure
from evidence.triggers import Triggers, triggers

QUOTE_OPEN = "«“„「『\""
QUOTE_CLOSE = "»”“」』\""
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|„[^“”]*[“”]|「[^」]*」|『[^』]*』|\"[^\"\n]*\"")
# "I'd got him to post…": 'd + a past participle is "had", not "would"
_PAST_PERFECT_EN = re.compile(r"(?<![\w'’])(?:i|we|she|he|they)['’]d\s+"
                              r"(?:(?:already|just|never|also|actually|even|only|recently|previously|"
                              r"completely)\s+){0,2}"
                              r"(?:\w+ed|been|got|gotten|done|made|told|sent|gone|had|taken|given|seen|written|spoken|"
                              r"found|left|brought|bought|kept|won|lost|met|paid|heard|thought|felt|held|led|built|"
                              r"caught|taught|sold|spent|understood|become|begun|drawn|driven|known|shown|grown|"
                              r"forgotten|read|put|set|run|broken|chosen|fallen|hidden|ridden|risen|stolen|worn)(?![\w'’])",
                              re.IGNORECASE)
_COPULA_RU = re.compile(r"был[аои]?|стал[аои]?|оказал(?:ся|ась|ось|ись)|получил(?:ся|ась|ось|ись)|выяснил(?:ся|ась|ось|ись)|"
                        r"пришл(?:ось)|случил(?:ся|ась|ось|ись)")
_PAST_RU = re.compile(r"[а-яё]+(?:л|ла|ло|ли|лся|лась|лись)(?![а-яё])", re.IGNORECASE)
_WORD = re.compile(r"[\w'’-]+")
# bullets, numbering and brackets before a sentence's first word
_LEADING_MARKS = re.compile(r"[\s\-–—•*·>#()（）【】\[\]\d.、]*")
HEAD_WORDS = 5     # another person is the subject only if named within the clause's first words…
HEAD_CHARS_ZH = 6  # …or first characters in Chinese
ZH_OBJECT_MARKERS = "跟给和对向让帮替把被问告叫请与同陪带约找劝送接教醒知系慰服拉诉着见在按据到出现"
EN_PREPOSITIONS = frozenset("with to for from at about on of than like after before towards toward into onto via per "
                            "among between behind beside against without".split())
EN_SUBJECT_PRONOUNS = frozenset("i we she he they".split())
EN_IRREGULAR_PAST = frozenset("got told met rang called sent gave took brought put kept let left made found paid sat "
                              "saw heard showed taught caught bought sold led".split())
# constructions that name who did it apart from the clause's subject: the Chinese 是…的 focus construction
# (评选是中心经理搞的 "the contest was the manager's doing") and the English passive with "by" ("the call was made by
# her manager")
_AGENT_CONSTRUCTIONS = {
    "zh": re.compile(r"是([^，。！？；、,.!?;]{1,16}?)(?:亲自|自己|一手|带头)?"
                     r"(?:做|搞|弄|定|改|写|出|打|发|设计|组织|发起|牵头|负责|推动|推行|办|建|建立|提出|制定|引入|拍板)的"),
    "en": re.compile(r"(?<![\w'’])(?:was|were|been|being|is|are|got|gets)\s+(?:\w+ly\s+)?"
                     r"[a-z]+(?:\s+(?:up|out|off|on|in|over))?\s+by\s+"
                     r"((?:the|a|an|my|our|her|his|their|its|one|two|some|me|us|him|myself)\b[^,.;:!?()]{0,36})",
                     re.IGNORECASE),
}
_OBJECT_PRONOUNS_EN = {"me": "I", "myself": "I", "us": "we"}


@dataclass(frozen=True, slots=True)
class ClauseQuality:
    actor: str      # I | candidate | we | other | interviewer
    reality: str    # past | generic | hypothetical
    reported: bool
    reasons: tuple[str, ...]

    def qualifiers(self) -> tuple[str, ...]:
        return (self.actor, self.reality) + (("reported",) if self.reported else ())


def _outside(spans: list[tuple[int, int]], pseudo: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Trigger spans that are not part of a pseudo-trigger ("not only", "不仅")."""
    return [s for s in spans if not any(p[0] <= s[0] and s[1] <= p[1] for p in pseudo)]


class Qualifier:
    """Qualifies the clauses of one note; create one per note (it keeps the narrative state)."""

    def __init__(self, structure: NoteStructure):
        self.structure = structure
        self.text = structure.text
        self._lower = structure.text.lower()
        self.third_person = self._third_person_note()
        self._qualities: list[ClauseQuality] = []

    # -- the note as a whole --------------------------------------------------------------------------------------
    def _third_person_note(self) -> bool:
        """An assessor's third-person note ("the candidate…", "кандидат…", "候选人…") rather than first person. The
        candidate's own words quoted in it ("他说'是我没讲清楚'") say "I" without making it a first-person note."""
        quotes = [m.span() for m in _QUOTED.finditer(self.text)]
        third = first = pronouns = 0
        for clause in self.structure.clauses:
            if clause.speaker == "interviewer" or clause.lang not in ("ru", "en", "zh"):
                continue
            trig = triggers(clause.lang)
            hay = self._haystack(clause.lang)
            third += len(trig.find("third_person_note", hay, clause.start, clause.end))
            first += sum(not any(q[0] <= m.start() < q[1] for q in quotes)
                         for m in trig.find("subject_I", hay, clause.start, clause.end))
            pronouns += len(trig.find("pronoun_3sg", hay, clause.start, clause.end))
        if third:
            return third >= first / 3
        # a note that names the candidate ("Ms Ferreira… she pulled the logs…") and never says "I"
        return pronouns >= 2 and first * 4 <= pronouns

    def _haystack(self, lang: str) -> str:
        """Chinese triggers match the text as is; the others match its lowercase (same offsets)."""
        return self.text if lang == "zh" else self._lower

    # -- per clause -----------------------------------------------------------------------------------------------
    def quality(self, clause: Clause) -> ClauseQuality:
        """The clause's qualification; clauses are qualified in order, since a clause may inherit its actor."""
        while len(self._qualities) <= clause.index:
            self._qualities.append(self._qualify(self.structure.clauses[len(self._qualities)]))
        return self._qualities[clause.index]

    def _qualify(self, clause: Clause) -> ClauseQuality:
        if clause.speaker == "interviewer":
            return ClauseQuality("interviewer", "past", False, ("the interviewer's words are never evidence",))
        if clause.lang not in ("ru", "en", "zh"):
            return ClauseQuality("other", "hypothetical", False, (f"language not supported ({clause.lang})",))
        trig = triggers(clause.lang)
        hay = self._haystack(clause.lang)
        if self._assessor_comment(clause, trig, hay):
            return ClauseQuality("interviewer", "past", False,
                                 ("the assessor's own comment, not the candidate's doing",))
        reasons: list[str] = []
        actor = self._actor(clause, trig, hay)
        reported = self._reported(clause, trig, hay, actor)
        reality = self._reality(clause, trig, hay, reasons)
        if actor == "we":
            reasons.append("'we': a shared action counts half")
        elif actor == "other":
            reasons.append("another person acted, not the candidate")
        if reported:
            reasons.append("someone else's words (reported speech)")
        return ClauseQuality(actor, reality, bool(reported), tuple(reasons))

    def _assessor_comment(self, clause: Clause, trig: Triggers, hay: str) -> bool:
        """A sentence the assessor opens as their own judgement ("Впечатление: спокойный…", "评估小结", "Overall
        impression: …"): what the assessor concludes is not a behaviour the candidate showed."""
        sentence = self.structure.sentences[clause.sentence]
        opening = _LEADING_MARKS.match(self.text, sentence.start, sentence.end).end()
        found = trig.find("assessor_comment", hay, opening, min(sentence.end, opening + 40))
        return bool(found) and found[0].start() == opening

    def _subject(self, clause: Clause, trig: Triggers, hay: str) -> str | None:
        """Who the clause's subject is, from the trigger lists.

        First-person and "the candidate" markers count wherever they stand (their object forms are not in the lists);
        another person counts only near the clause's start, where subjects stand — "gave the customer a refund" has
        no other actor.
        """
        head_end = self._head_end(clause)
        found: list[tuple[int, int, str]] = []
        for category, actor in self._actor_categories():
            for start, end in trig.spans(category, hay, clause.start, clause.end):
                if actor == "other" and (start >= head_end or self._object_position(clause, start, end)):
                    continue
                found.append((start, -(end - start), actor))
        if not found:
            return None
        multiword_we = [f for f in found if f[2] == "we" and -f[1] > 2]
        if multiword_we and any(f[2] == "I" for f in found):
            return "we"  # "я с коллегой", "me and Anna", "我和同事"
        found.sort()
        if found[0][2] == "other" and not trig.find("speech_verbs", hay, clause.start, clause.end):
            # "After the residents' survey… I sat down with each team": an opening phrase names another person,
            # the first person is the subject (unless the other person is saying something about them)
            opening_end = found[0][0] - found[0][1]
            narrator = [actor for start, negative_length, actor in found if actor in ("I", "we", "candidate")
                        and start >= opening_end  # not the "her" of "her colleague"
                        and not self._object_position(clause, start, start - negative_length)]
            if narrator:
                return narrator[0]
        return found[0][2]

    def _actor_categories(self) -> tuple[tuple[str, str], ...]:
        """Which trigger list names which actor, the more specific first."""
        return (("subject_we", "we"), ("subject_I", "I"), ("subject_candidate", "candidate"),
                ("pronoun_3sg", "candidate" if self.third_person else "other"), ("subject_other", "other"))

    def _object_position(self, clause: Clause, start: int, end: int) -> bool:
        """A Chinese person after a preposition or a verb of telling is an object (跟他讲, 给客户打电话, 问业主, 让我),
        and one followed by 的 is a possessor (客户的高层会面, 当着他的面); an English one within three words after a
        preposition or a past verb ("sat down with the team", "got the generator contractor on site") is an object:
        neither is the subject."""
        if clause.lang == "en":
            if self._lower[start:end] in EN_SUBJECT_PRONOUNS:
                return False  # "I", "she": never an object
            before = _WORD.findall(self._lower[clause.start:start])[-3:]  # "got | the generator | contractor"
            return any(w in EN_PREPOSITIONS or w.endswith("ed") or w in EN_IRREGULAR_PAST for w in before)
        if clause.lang != "zh":
            return False
        return (start > clause.start and self.text[start - 1] in ZH_OBJECT_MARKERS) or self.text[end:end + 1] == "的"

    def _head_end(self, clause: Clause) -> int:
        """Where the clause's head ends: its first few words (characters in Chinese), where a subject stands."""
        if clause.lang == "zh":
            return min(clause.end, clause.start + HEAD_CHARS_ZH)
        words = list(_WORD.finditer(self.text, clause.start, clause.end))
        return words[HEAD_WORDS - 1].end() if len(words) >= HEAD_WORDS else clause.end

    def _actor(self, clause: Clause, trig: Triggers, hay: str) -> str:
        if trig.find("someone_elses", hay, clause.start, clause.end):
            return "other"  # "the survey was there before me", "не моя идея"
        subject = self._named_agent(clause, trig, hay) or self._subject(clause, trig, hay)
        if subject is None and clause.lang == "ru":
            subject = self._russian_verb_subject(clause)
        if subject is None:
            subject = self._inherited(clause)
        if subject == "I" and self.third_person:
            return "candidate" if clause.speaker != "candidate" else "I"
        return subject

    def _named_agent(self, clause: Clause, trig: Triggers, hay: str) -> str | None:
        """The agent a construction names apart from the subject: 是…的 names it first ("是集团客服中心照她的版本做的"
        is the service centre's doing), a passive's "by" phrase last, at its head noun ("by her branch manager")."""
        pattern = _AGENT_CONSTRUCTIONS.get(clause.lang)
        match = pattern.search(self.text, clause.start, clause.end) if pattern else None
        if match is None:
            return None
        if self.text[max(clause.start, match.start() - 1):match.start()] in ("不", "非"):
            return "other"  # 不是我打的 "it was not me who rang"
        start, end = match.span(1)
        first_word = _WORD.match(hay, start)
        if first_word and first_word.group() in _OBJECT_PRONOUNS_EN:
            return _OBJECT_PRONOUNS_EN[first_word.group()]
        named = sorted((found_start, actor) for category, actor in self._actor_categories()
                       for found_start, found_end in trig.spans(category, hay, start, end)
                       if clause.lang != "zh" or not self._object_position(clause, found_start, found_end))
        if clause.lang == "zh":
            return named[0][1] if named else "other"  # 是…的 always names someone
        return named[-1][1] if named else None  # "by nine", "by phone": no agent

    def _russian_verb_subject(self, clause: Clause) -> str | None:
        """Russian drops the pronoun: the first finite verb's person and number tell who acted. A singular past form
        tells gender instead: the narrator's gender (as the note's own "я"/candidate clauses show it) is the
        narrator, another gender is someone else ("выслушала…, дала выговориться" of a woman, "позвонил" of a man)."""
        grammar = self._first_finite_verb(clause)
        if grammar is None:
            return None
        if grammar.person == "1per":
            return "I" if grammar.number == "sing" else "we"
        if grammar.person in ("2per", "3per"):
            return "other" if not self.third_person else None
        if grammar.tense == "past" and grammar.number == "sing" and grammar.gender in ("masc", "femn"):
            narrator = self.narrator_gender
            if narrator:
                return "I" if grammar.gender == narrator else "other"
        return None  # a plural past form says neither person nor gender: inherit

    def _first_finite_verb(self, clause: Clause) -> Grammar | None:
        """The grammar of the clause's first finite verb that is not a copula ("был", "оказалось": their subject is
        seldom a person)."""
        morph = lemmatizer("ru")
        for word in _WORD.findall(self.text[clause.start:clause.end]):
            if _COPULA_RU.fullmatch(word.lower()):
                continue
            grammar = morph.verb(word)
            if grammar is not None and grammar.mood != "impr":
                return grammar
        return None

    @functools.cached_property
    def narrator_gender(self) -> str | None:
        """The gender of the singular past verbs in the Russian clauses whose subject is the narrator ("я", or the
        candidate of a third-person note), if four in five of them agree."""
        trig = triggers("ru")
        genders: Counter[str] = Counter()
        for clause in self.structure.clauses:
            if clause.lang != "ru" or clause.speaker == "interviewer":
                continue
            if self._subject(clause, trig, self._lower) not in ("I", "candidate"):
                continue
            grammar = self._first_finite_verb(clause)
            if grammar and grammar.tense == "past" and grammar.number == "sing" and grammar.gender:
                genders[grammar.gender] += 1
        top = genders.most_common(1)
        return top[0][0] if top and top[0][1] * 5 >= sum(genders.values()) * 4 else None

    def _inherited(self, clause: Clause) -> str:
        """No subject: the previous clause's actor in the same sentence; at a sentence's start, the narrator
        (notes drop the subject when it is the candidate: "- called the client back next day")."""
        previous = clause.index - 1
        clauses = self.structure.clauses
        if previous >= 0 and clauses[previous].sentence == clause.sentence:
            return self.quality(clauses[previous]).actor
        return "candidate" if self.third_person else "I"

    def _quoted(self, clause: Clause) -> bool:
        sentence = self.structure.sentences[clause.sentence]
        start = clause.start + (self.text[clause.start:clause.start + 1] in QUOTE_OPEN)  # a clause opening a quote
        before = self.text[sentence.start:start]
        opens = sum(before.count(q) for q in "«“„「『")
        closes = sum(before.count(q) for q in "»”」』")
        straight = before.count('"')
        return opens > closes or straight % 2 == 1

    def _reported(self, clause: Clause, trig: Triggers, hay: str, actor: str) -> bool:
        """Someone else's words: a quote introduced by another person, or 'according to …'."""
        if actor in ("other",) and trig.find("speech_verbs", hay, clause.start, clause.end):
            return True
        if self._quoted(clause):
            sentence = self.structure.sentences[clause.sentence]
            first = self.structure.clauses[sentence.clauses[0]]
            if first.index != clause.index and self.quality(first).actor in ("other",):
                return True
            if trig.find("quote_sources", hay, sentence.start, clause.start):
                return True  # "quoted the rule: «…»": the rule's words
        return False

    def _main_clause(self, clause: Clause, trig: Triggers, hay: str) -> Clause | None:
        """The clause before this one in its sentence, if this one opens with a subordinator ("that", "чтобы")."""
        previous = self.structure.clauses[clause.index - 1] if clause.index else None
        if previous is None or previous.sentence != clause.sentence:
            return None
        opening = trig.find("subordinators", hay, clause.start, clause.end)
        if not opening or self.text[clause.start:opening[0].start()].strip(" \t,，;；:：-—"):
            return None
        return previous

    def _reality(self, clause: Clause, trig: Triggers, hay: str, reasons: list[str]) -> str:
        pseudo = trig.spans("pseudo_hypothetical", hay, clause.start, clause.end)
        if clause.lang == "en":
            pseudo += [m.span() for m in _PAST_PERFECT_EN.finditer(self.text, clause.start, clause.end)]
        complements = trig.spans("complement_verbs", hay, clause.start, clause.end)
        first_word = _WORD.search(self.text, clause.start, clause.end)
        embedders = [e for e in trig.spans("embedders", hay, clause.start, clause.end)
                     if first_word is None or e[0] >= first_word.end()]
        hypo = [h for h in _outside(trig.spans("hypothetical", hay, clause.start, clause.end), pseudo)
                if not any(c[1] <= h[0] for c in complements)  # "told her it would…": the telling happened
                and not any(e[1] <= h[0] for e in embedders)]  # "checked what would help": the checking did
        if hypo:
            word = self.text[hypo[0][0]:hypo[0][1]]
            reasons.append(f"hypothetical, future or intended ('{word}'): counts 0")
            return "hypothetical"
        main = self._main_clause(clause, trig, hay)
        if main is not None and self.quality(main).reality == "hypothetical":
            reasons.append("part of a hypothetical, future or intended sentence: counts 0")
            return "hypothetical"
        sentence = self.structure.sentences[clause.sentence]
        conditional = trig.spans("conditional", hay, sentence.start, clause.end)
        generic = trig.spans("generic", hay, clause.start, clause.end) or (
            conditional and conditional[0][0] < clause.start)
        if not generic and clause.lang == "ru" and self._russian_present_habit(clause):
            generic = True
        if generic:
            if trig.spans("specific_time", hay, sentence.start, sentence.end) or re.search(r"\b(19|20)\d\d\b", self.text[sentence.start:sentence.end]):
                return "past"
            reasons.append("a generic habit, no specific event: counts half")
            return "generic"
        return "past"

    def _russian_present_habit(self, clause: Clause) -> bool:
        """A 1st-person present-tense verb with no past form in the clause: a habit ("звоню клиентам")."""
        words = _WORD.findall(self.text[clause.start:clause.end])
        morph = lemmatizer("ru")
        if any(_PAST_RU.fullmatch(w) and (g := morph.verb(w)) and g.tense == "past" for w in words):
            return False
        return any((g := morph.verb(w)) is not None and g.tense == "pres" and g.person == "1per" for w in words)

    def negated_before(self, clause: Clause, position: int) -> str | None:
        """The negation trigger whose scope covers ``position`` in the clause, if any; a subordinate clause is in the
        scope of a negation that reaches the end of its main clause ("did not check | that the tariff worked")."""
        if clause.lang not in ("ru", "en", "zh"):
            return None
        trig = triggers(clause.lang)
        hay = self._haystack(clause.lang)
        main = self._main_clause(clause, trig, hay)
        if main is not None and not trig.spans("negation", hay, clause.start, position):
            return self.negated_before(main, main.end)
        negations = _outside(trig.spans("negation", hay, clause.start, position),
                             trig.spans("pseudo_negation", hay, clause.start, min(clause.end, position + 12)))
        if not negations:
            return None
        last = negations[-1]
        if any(last[1] <= t[0] < position for t in trig.spans("terminators", hay, clause.start, position)):
            return None
        return self.text[last[0]:last[1]]
