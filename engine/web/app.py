"""The FastAPI application: the API router, the page and its assets (served from the package: no CDN, no external
fonts, so it works air-gapped), and the guard (Host/Origin, token, size limit) in front of everything.
"""
from __future__ import annotations

import contextlib
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from engine import __version__
from engine.graph.store import default_store_path
from engine.web.api import router
from engine.web.knowledge import StoreReader
from engine.web.security import Guard
from engine.web.service import Workbench
from engine.web.settings import Settings

STATIC = Path(str(resources.files("engine.web") / "static"))
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def create_app(settings: Settings, bench: Workbench | None = None) -> FastAPI:
    """Check the settings, load the engine (unless a Workbench is given) and assemble the application."""
    settings.check()
    bench = bench or Workbench(settings.ontology)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI):
        if settings.warm_up:
            bench.warm_up()
        yield

    app = FastAPI(title="BEI competency workbench", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,  # their pages load scripts from a CDN
                  description="Score behavioural-event interview notes; correct the evidence; export the result; "
                              "development paths, position gaps and read-only SPARQL over the knowledge graph.")
    app.include_router(router(bench, settings.max_bytes, StoreReader(settings.store or default_store_path())))

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers=PAGE_HEADERS)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(Guard, token=settings.token, max_bytes=settings.max_bytes,
                       allowed_hosts=settings.allowed_hosts())
    app.state.bench = bench
    return app
