"""What every command shares: the --ontology option, the console, and turning known errors into clear exits."""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from rich.console import Console
from rich.markup import escape

from engine.errors import UsageError
from engine.policy import PolicyError

from ontology import OntologyError, load
from ontology.loader import ENV_VAR

console = Console()
err_console = Console(stderr=True)

OntologyOption = Annotated[
    Optional[Path],
    typer.Option("--ontology", envvar=ENV_VAR, help="Entry file of an edited ontology (default: the bundled one).",
                 show_default=False),
]


@contextlib.contextmanager
def friendly_errors() -> Iterator[None]:
    """Known errors become a red message and a non-zero exit code, never a traceback."""
    try:
        yield
    except OntologyError as exc:
        err_console.print("[bold red]ontology error[/]")
        for problem in exc.problems:
            err_console.print(f"  {problem}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    except (UsageError, PolicyError) as exc:
        err_console.print("[bold red]error:[/] " + escape(str(exc)), highlight=False)
        raise typer.Exit(2) from None


def load_ontology(path: Path | None):
    return load(path)
