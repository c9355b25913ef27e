"""Annotated notes (EVALUATION.md format): reading a corpus file with errors that name file, line and field."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ontology.model import Model

LANGS = {"ru", "zh", "en", "mixed"}
PHENOMENA = {"hypothetical", "we", "negation", "reported_speech", "generic", "other_actor", "mixed_lang", "typos",
             "long", "irrelevant", "interviewer_turns"}
TRAPS = {"we", "other_actor", "hypothetical", "generic", "negation", "reported_speech", "interviewer_turns"}


class CorpusError(ValueError):
    """A corpus line that does not follow the format: ``where`` is ``file:line`` and ``field`` the key at fault."""

    def __init__(self, where: str, field_name: str, message: str):
        self.where, self.field = where, field_name
        super().__init__(f"{where}: field {field_name}: {message}")


@dataclass(frozen=True)
class GoldEvidence:
    code: str
    quote: str


@dataclass(frozen=True)
class AnnotatedNote:
    id: str
    lang: str
    frameworks: tuple[str, ...]
    text: str
    indicators: frozenset[str]
    negatives: frozenset[str]
    levels: dict[str, object]
    evidence: tuple[GoldEvidence, ...]
    phenomena: frozenset[str] = field(default_factory=frozenset)
    source: str = ""

    @property
    def has_traps(self) -> bool:
        return bool(self.phenomena & TRAPS)


def _require(record: dict, key: str, kind: type | tuple, where: str, prefix: str = ""):
    if key not in record:
        raise CorpusError(where, prefix + key, "missing")
    value = record[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise CorpusError(where, prefix + key, f"expected {names}, got {type(value).__name__}")
    return value


def parse_note(record: object, where: str, model: Model | None = None) -> AnnotatedNote:
    """One annotated note from a decoded JSON line; checks the format, and codes against ``model`` if given."""
    if not isinstance(record, dict):
        raise CorpusError(where, "(line)", f"expected a JSON object, got {type(record).__name__}")
    note_id = _require(record, "id", str, where)
    where = f"{where} ({note_id})"
    lang = _require(record, "lang", str, where)
    if lang not in LANGS:
        raise CorpusError(where, "lang", f"{lang!r} is not one of {sorted(LANGS)}")
    frameworks = _require(record, "frameworks", list, where)
    if not frameworks or not all(isinstance(f, str) for f in frameworks):
        raise CorpusError(where, "frameworks", "expected a non-empty list of framework codes")
    text = _require(record, "text", str, where)
    gold = _require(record, "gold", dict, where)
    indicators = _require(gold, "indicators", list, where, "gold.")
    negatives = _require(gold, "negatives", list, where, "gold.")
    levels = _require(gold, "levels", dict, where, "gold.")
    evidence = _require(gold, "evidence", list, where, "gold.")
    phenomena = record.get("phenomena", [])
    if not isinstance(phenomena, list) or set(phenomena) - PHENOMENA:
        raise CorpusError(where, "phenomena", f"unknown values {sorted(set(phenomena) - PHENOMENA)}")
    items = []
    for k, ev in enumerate(evidence):
        if not isinstance(ev, dict) or not isinstance(ev.get("code"), str) or not isinstance(ev.get("quote"), str):
            raise CorpusError(where, f"gold.evidence[{k}]", "expected {\"code\": str, \"quote\": str}")
        if ev["quote"] not in text:
            raise CorpusError(where, f"gold.evidence[{k}].quote", "not an exact substring of text")
        items.append(GoldEvidence(ev["code"], ev["quote"]))
    if model is not None:
        for key, codes in (("gold.indicators", indicators), ("gold.negatives", negatives)):
            for code in codes:
                if code not in model.indicators:
                    raise CorpusError(where, key, f"unknown code {code}")
                if model.indicators[code].negative != (key == "gold.negatives"):
                    raise CorpusError(where, key, f"{code} is {'a negative' if model.indicators[code].negative else 'a positive'} indicator")
        for fw in frameworks:
            if fw not in model.frameworks:
                raise CorpusError(where, "frameworks", f"unknown framework {fw}")
    return AnnotatedNote(id=note_id, lang=lang, frameworks=tuple(frameworks), text=text,
                         indicators=frozenset(indicators), negatives=frozenset(negatives), levels=dict(levels),
                         evidence=tuple(items), phenomena=frozenset(phenomena), source=str(record.get("source", "")))


def read_corpus(path: Path, model: Model | None = None) -> list[AnnotatedNote]:
    """Every note of a JSONL corpus; the first malformed line raises CorpusError naming file, line and field."""
    return list(iter_corpus(path, model))


def iter_corpus(path: Path, model: Model | None = None) -> Iterator[AnnotatedNote]:
    try:
        handle = Path(path).open(encoding="utf-8")
    except OSError as exc:
        raise CorpusError(str(path), "(file)", exc.strerror or str(exc)) from exc
    seen: set[str] = set()
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(where, "(line)", f"invalid JSON at column {exc.colno}: {exc.msg}") from None
            note = parse_note(record, where, model)
            if note.id in seen:
                raise CorpusError(where, "id", f"duplicate id {note.id}")
            seen.add(note.id)
            yield note
