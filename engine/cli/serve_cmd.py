"""``competency serve``: the assessor's workbench (page and REST API) with uvicorn."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from engine.cli.common import OntologyOption, UsageError, console, friendly_errors
from engine.cli.graph_cmds import StoreOption
from engine.web.settings import MB, TOKEN_ENV, Settings, SettingsError


def serve(host: Annotated[str, typer.Option(help="Address to bind; beyond loopback a token is required.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
          token: Annotated[Optional[str], typer.Option("--token", envvar=TOKEN_ENV, show_default=False,
                                                       help="Token every API call must send (Authorization: Bearer).")] = None,
          max_mb: Annotated[float, typer.Option("--max-mb", help="Request size limit in MB (larger requests get 413).")] = 2.0,
          store: StoreOption = None, ontology: OntologyOption = None) -> None:
    """Start the workbench: paste a note, see the evidence and levels, correct them, export the result; development
    paths, position gaps and read-only SPARQL over the store (opened per query, so `store load` can run alongside)."""
    import uvicorn

    from engine.web.app import create_app

    settings = Settings(host=host, port=port, token=token, max_bytes=int(max_mb * MB), ontology=ontology,
                        store=store)
    with friendly_errors():
        try:
            settings.check()
        except SettingsError as exc:
            raise UsageError(str(exc)) from None
        app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"Workbench: http://{shown}:{port}/" + ("#token=…  (open it with #token=<your token>)" if token else ""),
                  highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
