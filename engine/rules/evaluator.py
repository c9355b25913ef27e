"""Stratified forward chaining with truth-maintenance-style support: every derived fact records the rule that
derived it and the facts it used, so any conclusion unfolds down to the evidence records it rests on.

Rules of a stratum run to a fixpoint before the next stratum starts, which is what makes aggregation rules
("the highest level that has evidence") sound: their inputs are complete when they fire.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, TypeVar


@dataclass(frozen=True)
class Fact:
    """Base of all facts; ``key`` identifies a fact (two facts with one key are the same fact)."""

    @property
    def key(self) -> tuple:
        return (type(self).__name__, *(getattr(self, f) for f in self.__dataclass_fields__))


@dataclass(frozen=True)
class Support:
    rule: str
    premises: tuple[tuple, ...]  # keys of the facts used


Derivation = tuple[Fact, tuple[Fact, ...]]


@dataclass(frozen=True)
class Rule:
    """A named rule: ``fire`` reads working memory and proposes (fact, premises) pairs."""

    id: str
    stratum: int
    description: str
    fire: Callable[["WorkingMemory"], Iterable[Derivation]]


F = TypeVar("F", bound=Fact)


@dataclass
class WorkingMemory:
    facts: dict[tuple, Fact] = field(default_factory=dict)
    support: dict[tuple, Support] = field(default_factory=dict)

    def add(self, fact: Fact, rule: str, premises: tuple[Fact, ...] = ()) -> bool:
        if fact.key in self.facts:
            return False
        self.facts[fact.key] = fact
        self.support[fact.key] = Support(rule, tuple(p.key for p in premises))
        return True

    def of(self, kind: type[F]) -> list[F]:
        return [f for f in self.facts.values() if type(f) is kind]

    def why(self, fact: Fact) -> Support:
        return self.support[fact.key]

    def premises(self, fact: Fact) -> list[Fact]:
        return [self.facts[k] for k in self.support[fact.key].premises]

    def walk(self, fact: Fact) -> Iterator[Fact]:
        """Every fact the given one rests on, depth first, each once."""
        seen: set[tuple] = set()
        stack = [fact]
        while stack:
            current = stack.pop()
            if current.key in seen:
                continue
            seen.add(current.key)
            yield current
            stack.extend(reversed(self.premises(current)))


def run(rules: list[Rule], base: Iterable[Fact], base_rule: str = "given") -> WorkingMemory:
    """Derive everything the rules derive from the base facts."""
    memory = WorkingMemory()
    for fact in base:
        memory.add(fact, base_rule)
    for stratum in sorted({r.stratum for r in rules}):
        layer = [r for r in rules if r.stratum == stratum]
        changed = True
        while changed:
            changed = False
            for rule in layer:
                for fact, premises in list(rule.fire(memory)):
                    changed |= memory.add(fact, rule.id, premises)
    return memory
