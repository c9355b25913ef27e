"""``competency batch``: score an archive of notes (folder or file) with a progress bar, resumably, in parallel."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
from rich.text import Text

from engine.cli.common import OntologyOption, UsageError, console, err_console, friendly_errors
from engine.cli.score_cmd import FrameworkOption, PolicyOption, PositionOption

SIZE_UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}


def parse_size(value: str) -> int:
    """``5MB``, ``500KB`` or a number of bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?B?)\s*", value.upper())
    if not match or match.group(2) not in SIZE_UNITS:
        raise UsageError(f"--max-size {value!r}: give bytes or a size such as 500KB or 5MB")
    return int(float(match.group(1)) * SIZE_UNITS[match.group(2)])


class RateColumn(ProgressColumn):
    """Notes per second, as the bar's task sees it."""

    def render(self, task) -> Text:
        return Text(f"{task.speed:.1f} notes/s" if task.speed else "… notes/s", style="cyan")


class BarReporter:
    """The runner's progress reports on a Rich bar on standard error: count, rate, ETA."""

    def __init__(self) -> None:
        self.progress = Progress(TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                                 TextColumn("ETA"), TimeRemainingColumn(), console=err_console, transient=True)
        self.task = None

    def start(self, total: int | None) -> None:
        self.progress.start()
        self.task = self.progress.add_task("batch", total=total)

    def advance(self, count: int) -> None:
        self.progress.advance(self.task, count)

    def stop(self) -> None:
        self.progress.stop()


InputArgument = Annotated[Path, typer.Argument(
    metavar="INPUT", help="A folder of .txt/.md/.docx/.pdf/.jsonl/.csv notes, or one such file. "
                          "JSON Lines and CSV give id, text, frameworks?, position? per note.")]
OutOption = Annotated[Path, typer.Option(
    "--out", help="Output folder: results.jsonl, summary.csv, summary.parquet, errors.jsonl, run.json "
                  "(and the resume store).")]
SidecarOption = Annotated[Optional[Path], typer.Option(
    help="CSV or JSON Lines with id, frameworks, position per note (ids as in results), for notes that give none.")]
WorkersOption = Annotated[int, typer.Option(help="Worker processes (default: the cores); 1 scores in this process.",
                                          show_default=False)]
DaskOption = Annotated[Optional[str], typer.Option(
    help="Run on a Dask cluster: a scheduler address, or 'local' to start a LocalCluster of --workers processes.")]
ChunkOption = Annotated[int, typer.Option(help="Notes per task sent to a worker.", min=1)]
MaxSizeOption = Annotated[str, typer.Option(help="Notes larger than this become error records.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar (for logs); one summary line.")]


def batch(input_path: InputArgument, out: OutOption, framework: FrameworkOption = "CO",
          position: PositionOption = None, sidecar: SidecarOption = None, workers: WorkersOption = 0,
          dask: DaskOption = None, chunk_size: ChunkOption = 16, max_size: MaxSizeOption = "5MB",
          quiet: QuietOption = False, policy: PolicyOption = None, ontology: OntologyOption = None) -> None:
    """Score every note of an archive; one results line per input, in order; bad inputs become error records.

    Rerunning the same command resumes: notes already scored with the same engine, ontology and policy are skipped.
    """
    from engine.batch.runner import BatchOptions, run_batch

    reporter = None if quiet else BarReporter()
    with friendly_errors():
        options = BatchOptions(input_path, out, tuple(f for f in framework.split(",") if f.strip()), position,
                               ontology, policy, sidecar, workers or os.cpu_count() or 1, chunk_size,
                               parse_size(max_size), dask)
        try:
            info = run_batch(options, reporter)
        except KeyboardInterrupt:
            err_console.print("[yellow]interrupted[/]: rerun the same command to resume")
            raise typer.Exit(130) from None
        finally:
            if reporter:
                reporter.stop()
    counts, timings = info["counts"], info["timings"]
    console.print(f"{counts['inputs']} input(s): {counts['notes_scored']} scored, {counts['notes_resumed']} resumed, "
                  f"{counts['errors']} error(s) in {timings['elapsed_s']:.1f} s → {out}", highlight=False)
