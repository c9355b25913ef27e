"""``competency score`` and ``competency demo``; ``competency batch`` lives in batch_cmd."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Annotated, Optional

import typer

from engine.cli.common import OntologyOption, UsageError, console, err_console, friendly_errors

PolicyOption = Annotated[Optional[Path], typer.Option("--policy", help="Scoring policy file (default: policy v1).")]
FrameworkOption = Annotated[str, typer.Option("--framework", "-f", help="Framework codes, comma-separated (CO,GW,CC,OA,SQ).")]
PositionOption = Annotated[Optional[str], typer.Option("--position", "-p", help="A GW position, e.g. GW.POS.05.")]


class Format(str, Enum):
    table = "table"
    json = "json"
    html = "html"
    ttl = "ttl"


def read_note(source: str) -> tuple[str, str]:
    """(id, text) of a note file, or of standard input for ``-``."""
    if source == "-":
        return "stdin", sys.stdin.read()
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{source}: cannot read ({exc.strerror or exc})") from None
    from engine.batch.encodings import UndecodableError, decode

    try:
        return path.name, decode(data)[0]
    except UndecodableError as exc:
        raise UsageError(f"{source}: {exc}") from None


def write_atomic(path: Path, data: str) -> None:
    """Write through a temporary file and rename: a crash never leaves a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as fh:
        fh.write(data)
    os.replace(tmp, path)


def emit(result, text: str, fmt: Format, assessor, output: Path | None, lang: str) -> None:
    from engine.emit.html import render
    from engine.emit.table import result_table
    from engine.emit.rdf import result_graph

    data = result.to_json()
    if fmt is Format.table:
        console.print(result_table(data, assessor.onto.model, lang))
        for notice in data.get("notices", []):
            console.print(f"[yellow]notice:[/] {notice}")
        return
    if fmt is Format.json:
        out = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif fmt is Format.html:
        out = render(data, text, assessor.onto.model, lang)
    else:
        out = result_graph(data, text, assessor.onto.model).serialize(format="turtle")
    if output is None:
        sys.stdout.write(out)
    else:
        write_atomic(output, out)
        err_console.print(f"wrote {output}")


def score(note: Annotated[str, typer.Argument(help="Note file (UTF-8 text), or - for standard input.")],
          framework: FrameworkOption = "CO",
          position: PositionOption = None,
          policy: PolicyOption = None,
          fmt: Annotated[Format, typer.Option("--format", help="table, json, html (self-contained report) or ttl (PROV-O).")] = Format.table,
          output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of standard output.")] = None,
          lang: Annotated[str, typer.Option(help="Language of labels in table and html: en, ru, zh (default: the note's).")] = "",
          ontology: OntologyOption = None) -> None:
    """Score one note: levels with justifications, evidence, probe questions, and the position outcome."""
    from engine.assessor import Assessor

    with friendly_errors():
        note_id, text = read_note(note)
        assessor = Assessor.create(ontology, policy)
        result = assessor.assess(text, framework, position, note_id=note_id)
        emit(result, text, fmt, assessor, output, lang or result.language)


def demo(lang: Annotated[str, typer.Option(help="Label language: en, ru or zh (default: each note's).")] = "",
         ontology: OntologyOption = None) -> None:
    """Score the bundled example notes (ru, zh, en) and print their tables."""
    from engine.assessor import Assessor

    with friendly_errors():
        assessor = Assessor.create(ontology)
        source = resources.files("engine") / "examples" / "notes.jsonl"
        for line in source.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            result = assessor.assess(record["text"], record["frameworks"], record.get("position"), note_id=record["id"])
            emit(result, record["text"], Format.table, assessor, None, lang or result.language)
