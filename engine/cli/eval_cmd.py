"""``competency eval``: the engine's accuracy on an annotated corpus, beside the baseline's."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from engine.cli.common import OntologyOption, UsageError, console, friendly_errors
from engine.corpus import CorpusError, read_corpus


def _row(name: str, slice_name: str, f: dict) -> list[str]:
    def num(x) -> str:
        return "—" if x is None else f"{x:.2f}"
    ind, neg, lev = f["indicators"], f["negatives"], f["levels"]
    return [name, slice_name, str(f["notes"]), num(ind["precision"]), num(ind["recall"]), num(ind["f1"]),
            num(ind["macro_f1"]), num(neg["f1"]) if neg["tp"] + neg["fp"] + neg["fn"] else "—",
            num(lev["all"]), num(lev["evidenced"]), num(lev["kappa_CO"]), num(lev["kappa_GW"]),
            num(lev["kappa_CO_all"]), num(lev["kappa_GW_all"]),
            num(f["trap_resistance"]["share"]), num(f["localisation"]["share"])]


def print_report(report: dict) -> None:
    table = Table(title=f"Evaluation on {report['file']} ({report['notes']} notes)", show_lines=False)
    for column in ("system", "slice", "notes", "P", "R", "F1", "macroF1", "negF1", "lvl all", "lvl evid",
                   "κ CO", "κ GW", "κ CO all", "κ GW all", "traps", "loc"):
        table.add_column(column, justify="right" if column not in ("system", "slice") else "left")
    for name, entry in report["systems"].items():
        table.add_row(*_row(name, "overall", entry["overall"]))
        for lang, f in entry["by_language"].items():
            table.add_row(*_row("", f"lang {lang}", f))
        for fw, f in entry["by_framework"].items():
            table.add_row(*_row("", f"fw {fw}", f))
        table.add_section()
    console.print(table)
    console.print("P/R/F1: indicator micro precision/recall/F1; negF1: negative indicators; lvl all: exact level "
                  "agreement over all competencies in scope; lvl evid: where gold or system gives a level; κ: quadratic "
                  "weighted kappa where gold or system gives a level (κ all: over all competencies in scope); traps: "
                  "share of trap clauses discounted; loc: share of quotes overlapping gold.",
                  style="dim")


def eval_command(file: Annotated[Path, typer.Argument(help="Annotated corpus (JSON Lines, EVALUATION.md format).")],
                 json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
                 results: Annotated[Optional[Path], typer.Option("--results", help="Score nothing: read these results (output contract, JSON Lines).")] = None,
                 policy: Annotated[Optional[Path], typer.Option("--policy", help="Scoring policy file (default: policy v1).")] = None,
                 baseline: Annotated[bool, typer.Option(help="Also run the TF-IDF baseline.")] = True,
                 ontology: OntologyOption = None) -> None:
    """Indicator P/R/F1, level agreement, kappa, trap resistance and localisation, overall, per language and framework."""
    from engine.assessor import Assessor
    from engine.evaluation.baseline import TfidfBaseline
    from engine.evaluation.runner import evaluate, read_results, score_all

    with friendly_errors():
        try:
            assessor = Assessor.create(ontology, policy)
            notes = read_corpus(file, assessor.onto.model)
            systems: dict[str, dict] = {}
            if results is not None:
                systems["results"] = read_results(results)
            else:
                systems["engine"] = score_all(notes, lambda n: assessor.assess(n.text, n.frameworks, note_id=n.id).to_json())
            if baseline:
                base = TfidfBaseline(assessor)
                systems["baseline"] = score_all(notes, lambda n: base.assess(n.text, n.frameworks, n.id).to_json())
            report = evaluate(notes, systems)
        except CorpusError as exc:
            raise UsageError(str(exc)) from None
    report = {"file": str(file), **report}
    if json_out:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print_report(report)
