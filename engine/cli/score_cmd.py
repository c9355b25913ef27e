"""``competency score``, ``competency batch`` (minimal: JSON Lines in, results.jsonl out) and ``competency demo``."""
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
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return path.name, data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UsageError(f"{source}: not UTF-8 or UTF-16 text")


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
    from engine.emit.ttl import result_graph

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


def batch(input_file: Annotated[Path, typer.Argument(help="JSON Lines: {\"id\", \"text\", \"frameworks\"?, \"position\"?}.")],
          out: Annotated[Path, typer.Option("--out", help="Output folder (results.jsonl, errors.jsonl).")],
          framework: FrameworkOption = "CO",
          position: PositionOption = None,
          policy: PolicyOption = None,
          ontology: OntologyOption = None) -> None:
    """Score every line of a JSON Lines file; one result line per input line, in order; bad lines become errors."""
    from engine.assessor import Assessor, UsageError as RequestError

    with friendly_errors():
        assessor = Assessor.create(ontology, policy)
        try:
            lines = input_file.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{input_file}: cannot read as UTF-8 ({exc})") from None
    results, errors = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        note_id = f"line-{number}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise RequestError("a JSON object with a string field 'text' is required")
            note_id = str(record.get("id") or note_id)
            result = assessor.assess(record["text"], record.get("frameworks") or framework,
                                     record.get("position") or position, note_id=note_id)
            results.append(json.dumps(result.to_json(), ensure_ascii=False))
        except (json.JSONDecodeError, RequestError, ValueError) as exc:
            errors.append(json.dumps({"id": note_id, "line": number, "source": str(input_file), "error": str(exc)},
                                     ensure_ascii=False))
            results.append(json.dumps({"id": note_id, "error": str(exc)}, ensure_ascii=False))
    write_atomic(out / "results.jsonl", "".join(r + "\n" for r in results))
    write_atomic(out / "errors.jsonl", "".join(e + "\n" for e in errors))
    console.print(f"{len(results) - len(errors)} scored, {len(errors)} error(s) → {out / 'results.jsonl'}")


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
