"""``competency frameworks`` and ``competency ontology check|export``."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from engine.cli.common import OntologyOption, console, err_console, friendly_errors, load_ontology
from ontology.export import export

ontology_app = typer.Typer(no_args_is_help=True, help="Check and export the ontology.")


def frameworks(ontology: OntologyOption = None,
               lang: Annotated[str, typer.Option(help="Label language: en, ru or zh.")] = "en") -> None:
    """List frameworks, their competencies, scales and item counts."""
    with friendly_errors():
        model = load_ontology(ontology).model
        table = Table(title="Frameworks", show_lines=False)
        for column in ("code", "name", "competencies", "scale", "levels", "indicators", "negatives", "checklist items"):
            table.add_column(column)
        for fw in model.frameworks.values():
            inds = [model.indicators[c] for c in fw.indicators]
            scales = sorted({model.competencies[c].scale for c in fw.competencies if model.competencies[c].scale})
            table.add_row(fw.code, fw.label(lang), str(len(fw.competencies)),
                          ", ".join(" < ".join(model.steps[s].value for s in model.scales[sc].steps) for sc in scales) or "—",
                          str(sum(len(model.competencies[c].levels) for c in fw.competencies)),
                          str(sum(i.kind == "behavioural" for i in inds)), str(sum(i.negative for i in inds)),
                          str(sum(i.kind == "checklist" and not i.negative for i in inds)))
        console.print(table)
        comps = Table(title="Competencies")
        for column in ("code", "name", "levels", "stages"):
            comps.add_column(column)
        for comp in model.competencies.values():
            comps.add_row(comp.code, comp.label(lang), " < ".join(model.level_value(lv) for lv in comp.levels),
                          " → ".join(model.stages[s].label(lang) for s in comp.stages) or "—")
        console.print(comps)
        console.print(f"{len(model.positions)} positions, {len(model.alignments)} cross-framework links")


@ontology_app.command("check")
def check(path: Annotated[Optional[Path], typer.Argument(help="Entry file (default: --ontology or the bundled one).")] = None,
          ontology: OntologyOption = None,
          reasoner: Annotated[bool, typer.Option(help="Run the HermiT consistency check (needs Java).")] = True) -> None:
    """Parse, validate with SHACL, report labels and definitions, and check OWL consistency."""
    from ontology.checks import check as run_checks

    with friendly_errors():
        onto = load_ontology(path or ontology)
        report = run_checks(onto, reasoner=reasoner)
    for note in report.notes:
        console.print(f"[green]•[/] {note}", highlight=False)
    for warning in report.warnings:
        console.print(f"[yellow]warning[/] {warning}", highlight=False)
    for error in report.errors:
        err_console.print(f"[red]error[/] {error}", highlight=False)
    if not report.ok:
        err_console.print(f"[bold red]{len(report.errors)} error(s)[/]")
        raise typer.Exit(1)
    console.print(f"[bold green]OK[/] ({len(report.warnings)} warning(s))")


class ExportFormat(str, Enum):
    ttl = "ttl"
    xml = "xml"
    jsonld = "jsonld"
    graphml = "graphml"


@ontology_app.command("export")
def export_cmd(fmt: Annotated[ExportFormat, typer.Option("--format", help="Output syntax.")] = ExportFormat.ttl,
               output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
               ontology: OntologyOption = None) -> None:
    """Write the merged graph (all imported files as one) as Turtle, RDF/XML, JSON-LD or GraphML."""
    with friendly_errors():
        data = export(load_ontology(ontology), fmt.value)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        console.print(f"wrote {output} ({len(data):,} bytes)")
