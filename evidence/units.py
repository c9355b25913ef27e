"""Matching units: the spans of a note that matchers score.

A unit is a run of consecutive clauses of one sentence that share their BEI qualification (same actor, same
reality): "the manager shouted at her, it was the supervisor who calmed her | I was in a meeting" gives two units, so
a match inside a trap never borrows the weight of a clause that counts. Long runs are cut clause by clause.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Hashable

from evidence.segment import NoteStructure, Sentence

MAX_WORDS = 40


@dataclass(frozen=True, slots=True)
class Unit:
    index: int
    start: int
    end: int
    sentence: int
    clauses: tuple[int, ...]
    lang: str
    words: float = 0.0  # its length (word_count): a longer unit more often tells a whole behaviour


def word_count(text: str, lang: str) -> float:
    return len(text) / 1.6 if lang == "zh" else len(text.split())


def units_of(structure: NoteStructure, sentences: list[Sentence], quality: Callable[[int], Hashable],
             max_words: int = MAX_WORDS) -> list[Unit]:
    units: list[Unit] = []

    def add(clauses: list[int], sentence: Sentence) -> None:
        start, end = structure.clauses[clauses[0]].start, structure.clauses[clauses[-1]].end
        words = word_count(structure.text[start:end], sentence.lang)
        if len(clauses) > 1 and words > max_words:
            for c in clauses:
                add([c], sentence)
            return
        units.append(Unit(len(units), start, end, sentence.index, tuple(clauses), sentence.lang, words))

    for sentence in sentences:
        run: list[int] = []
        for c in sentence.clauses:
            if run and quality(c) != quality(run[-1]):
                add(run, sentence)
                run = []
            run.append(c)
        if run:
            add(run, sentence)
    return units
