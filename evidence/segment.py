"""The structure of a note: interviewer and candidate turns, behavioural events, sentences and clauses, all as
character offsets into the note exactly as given (so every quote is ``text[start:end]``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from evidence.language import detect

_ASIDE = r"(?:\s*[(（][^)）\n]{0,120}[)）])?"  # "Candidate (Ewa Nowak, relations manager):"
INTERVIEWER = re.compile(
    r"^[ \t>*\-•]*(?:Q|В|Вопрос|Интервьюер|Интервьюерка|Асессор|Interviewer|Int|Assessor|Question|问|面试官|考官|"
    r"访谈人|主持人|提问)\s*\d*" + _ASIDE + r"\s*[:：]", re.IGNORECASE)
CANDIDATE_LABEL = (r"(?:A|О|Ответ|Кандидат|Кандидатка|Респондент|Candidate|Cand|Answer|Respondent|Interviewee|答|"
                   r"候选人|应聘者|受访者|回答)\s*\d*" + _ASIDE + r"\s*[:：]")
CANDIDATE = re.compile(r"^[ \t>*\-•]*" + CANDIDATE_LABEL, re.IGNORECASE)
# a header naming both ("Assessor: R. Patel. Candidate: Lewis T., advisor"): not the interviewer's turn
_HEADER = re.compile(r"[.;,，。]\s*" + CANDIDATE_LABEL, re.IGNORECASE)
# a speaker named in a transcript ("Artyom:", "Ms Ferreira:", "小王："): after the interviewer's turn, the candidate's
NAMED_SPEAKER = re.compile(r"^[ \t>*\-•]*(?:[A-ZА-ЯЁ][\w.'’-]{0,20}(?:\s+[A-ZА-ЯЁ][\w.'’-]{0,20}){0,2}|"
                           r"[\u4e00-\u9fff]{1,4})\s*[:：]")
STAR_START = re.compile(r"^[ \t>*\-•]*(?:S|Situation|Ситуация|情境|情景|背景)\s*[:：.)\-–]", re.IGNORECASE)
STAR_CONTINUE = re.compile(r"^[ \t>*\-•]*(?:T|A|R|Task|Actions?|Results?|Задача|Действи[яе]|Результат|任务|行动|"
                           r"结果)\s*[:：.)\-–]", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'»”)]*\s+|(?<=[。！？!?])[\"'»”」』)）]*|\n")
_ABBREVIATIONS = re.compile(r"(?:\b(?:т\.?е|т\.?к|т\.?д|т\.?п|др|г|гг|ул|д|им|напр|e\.g|i\.e|mr|mrs|ms|dr|vs|etc|"
                            r"approx|no|inc|ltd|st)\.|\b[A-ZА-Я]\.)$", re.IGNORECASE)
CLAUSE_PUNCT = re.compile(r"(?<!\d)[,;:](?!\d)|[，；：、]")


@dataclass(frozen=True, slots=True)
class Clause:
    index: int
    start: int
    end: int
    sentence: int
    event: int
    speaker: str  # "interviewer" | "candidate" (transcripts) | "narrative"
    lang: str


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    event: int
    speaker: str
    lang: str
    clauses: tuple[int, ...]


@dataclass(frozen=True)
class NoteStructure:
    text: str
    sentences: tuple[Sentence, ...]
    clauses: tuple[Clause, ...]
    transcript: bool

    @property
    def events(self) -> int:
        return len({s.event for s in self.sentences})


def _lines(text: str):
    start = 0
    for line in text.splitlines(keepends=True):
        yield start, line.rstrip("\r\n")
        start += len(line)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span to exclude surrounding whitespace and list bullets."""
    while start < end and (text[start].isspace() or text[start] in "-•*>–—·"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for match in SENTENCE_END.finditer(text, start, end):
        if match.start() == cursor:
            continue
        if text[match.start() - 1] == "." and _ABBREVIATIONS.search(text[max(cursor, match.start() - 8):match.start()]):
            continue
        spans.append((cursor, match.end()))
        cursor = match.end()
    spans.append((cursor, end))
    return [s for s in (_trim(text, a, b) for a, b in spans) if s[1] > s[0]]


def split_clauses(text: str, start: int, end: int, joiner: re.Pattern | None) -> list[tuple[int, int]]:
    """Clauses: split at clause punctuation, and at a conjunction that a new subject follows ("… and I …")."""
    cuts = [m.end() for m in CLAUSE_PUNCT.finditer(text, start, end)]
    if joiner is not None:
        cuts += [m.start() for m in joiner.finditer(text, start, end) if m.start() > start]
    spans, cursor = [], start
    for cut in sorted(set(cuts)):
        if cut <= cursor or cut >= end:
            continue
        spans.append((cursor, cut))
        cursor = cut
    spans.append((cursor, end))
    return [s for s in (_trim(text, a, b) for a, b in spans) if s[1] > s[0]]


def segment(text: str, joiners: dict[str, re.Pattern] | None = None) -> NoteStructure:
    """Turns, events, sentences and clauses of a note."""
    joiners = joiners or {}
    transcript = any(INTERVIEWER.match(line) and not _HEADER.search(line) for _, line in _lines(text))
    sentences: list[Sentence] = []
    clauses: list[Clause] = []
    event, speaker = 0, "narrative" if not transcript else "candidate"
    blank_before, started = False, False
    for offset, line in _lines(text):
        if not line.strip():
            blank_before = True
            continue
        body_start = offset
        label = INTERVIEWER.match(line) if transcript and not _HEADER.search(line) else None
        if label:
            speaker = "interviewer"
            body_start = offset + label.end()
            event += started
        elif transcript and CANDIDATE.match(line):
            speaker = "candidate"
            body_start = offset + CANDIDATE.match(line).end()
        elif speaker == "interviewer" and NAMED_SPEAKER.match(line):
            speaker = "candidate"
            body_start = offset + NAMED_SPEAKER.match(line).end()
        elif STAR_START.match(line):
            event += started
            body_start = offset + STAR_START.match(line).end()
        elif STAR_CONTINUE.match(line) and not transcript:
            body_start = offset + STAR_CONTINUE.match(line).end()
        elif blank_before and started and speaker != "interviewer":
            event += 1
        blank_before = False
        for s_start, s_end in split_sentences(text, body_start, offset + len(line)):
            lang = detect(text[s_start:s_end])
            clause_ids = []
            for c_start, c_end in split_clauses(text, s_start, s_end, joiners.get(lang)):
                clause_ids.append(len(clauses))
                clauses.append(Clause(len(clauses), c_start, c_end, len(sentences), event, speaker, lang))
            sentences.append(Sentence(len(sentences), s_start, s_end, event, speaker, lang, tuple(clause_ids)))
            started = True
    return NoteStructure(text=text, sentences=tuple(sentences), clauses=tuple(clauses), transcript=transcript)
