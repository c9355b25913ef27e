"""The REST API (``/api/...``); FastAPI writes its OpenAPI document at ``/openapi.json``.

Development path, position gap and SPARQL belong to the knowledge-graph package (``engine.graph``); they are not
served here until that package exists.
"""
from __future__ import annotations

import json
import logging
from importlib import resources
from typing import Annotated, Any, Literal
from urllib.parse import unquote

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from engine import __version__
from engine.assessor import UsageError
from engine.policy import PolicyError
from engine.web import catalog
from engine.web.files import FileError, note_text
from engine.web.overrides import Override, OverrideError
from engine.web.service import ScoreInput, Workbench

log = logging.getLogger("engine.web")
Lang = Literal["en", "ru", "zh"]
RESULT_SCHEMA = json.loads((resources.files("engine") / "schema" / "result.schema.json").read_text(encoding="utf-8"))
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class OverrideIn(BaseModel):
    """An assessor's correction: reject the engine's evidence record at a span, or add one; a reason is required."""

    action: Literal["reject", "add"]
    code: str = Field(max_length=64, description="Indicator code, e.g. CO.L2.1")
    start: int = Field(ge=0, description="Character offset into the note (Python string indices)")
    end: int = Field(gt=0)
    reason: str = Field(min_length=1, max_length=2000)
    at: str = Field("", max_length=64, description="When it was recorded; set by the server when empty")


class ScoreRequest(BaseModel):
    text: str = Field(description="The interview note")
    frameworks: list[str] = Field(min_length=1, max_length=10, examples=[["CO", "GW"]])
    position: str | None = Field(None, examples=["GW.POS.05"])
    policy: str | None = Field(None, description="A bundled policy id (GET /api/info); default policy-v1")
    id: str = Field("note", max_length=200)
    overrides: list[OverrideIn] = Field(default_factory=list, max_length=1000)

    def to_input(self) -> ScoreInput:
        return ScoreInput(self.text, self.frameworks, self.position, self.policy, self.id,
                          [Override(o.action, o.code, o.start, o.end, o.reason.strip(), o.at) for o in self.overrides])


class ExportRequest(ScoreRequest):
    lang: Lang = "en"


def _run(job, *args):
    """Known problems with the request become 422 with the message; anything else a 500 that logs no note text."""
    try:
        return job(*args)
    except (UsageError, OverrideError, PolicyError, FileError) as exc:
        raise HTTPException(422, str(exc)) from None
    except Exception as exc:  # noqa: BLE001 — one bad note never takes the service down
        log.error("scoring failed: %s (note text not logged)", type(exc).__name__)
        raise HTTPException(500, f"internal error while scoring ({type(exc).__name__})") from None


def router(bench: Workbench, max_bytes: int) -> APIRouter:
    api = APIRouter(prefix="/api")
    model = bench.model

    @api.get("/info", summary="Engine, ontology, policies and limits")
    def info() -> dict[str, Any]:
        return {"version": __version__, "ontology": bench.onto.content_hash, "policies": sorted(bench.policies),
                "default_policy": "policy-v1", "languages": list(catalog.LANGS), "max_bytes": max_bytes}

    @api.get("/frameworks", summary="Frameworks with competencies and indicators, labelled in a language")
    def frameworks(lang: Lang = "en") -> list[dict[str, Any]]:
        return catalog.frameworks(model, lang)

    @api.get("/positions", summary="Positions with their required levels, labelled in a language")
    def positions(lang: Lang = "en") -> list[dict[str, Any]]:
        return catalog.positions(model, lang)

    @api.get("/schema/result", summary="JSON Schema of the result object (OUTPUT.md)")
    def schema() -> dict[str, Any]:
        return RESULT_SCHEMA

    @api.post("/score", summary="Score a note (with the assessor's overrides, if any)",
              description="Returns the result object of OUTPUT.md (JSON Schema: GET /api/schema/result), plus "
                          "`overrides` when any were given. A `reject` keeps the record as discounted with the reason.")
    def score(request: ScoreRequest) -> dict[str, Any]:
        return _run(bench.score, request.to_input())

    @api.post("/export/html", response_class=HTMLResponse, summary="The result as the self-contained HTML report")
    def export_html(request: ExportRequest) -> HTMLResponse:
        page = _run(bench.report, request.to_input(), request.lang)
        return HTMLResponse(page, headers={"Content-Security-Policy": REPORT_CSP,
                                           "Content-Disposition": 'attachment; filename="assessment.html"'})

    @api.post("/export/corpus", summary="The result as an annotated note in the corpus format (EVALUATION.md)")
    def export_corpus(request: ScoreRequest) -> dict[str, Any]:
        return _run(bench.corpus_line, request.to_input())

    @api.post("/extract", summary="The text of a dropped file (.txt UTF-8/UTF-16, .docx)",
              description="The file's bytes are the body; its name (URL-encoded) is the X-Filename header, kept out of "
                          "the URL so that access logs never show it.",
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
    async def extract(request: Request,
                      x_filename: Annotated[str, Header(max_length=1024)] = "note.txt") -> dict[str, str]:
        return {"text": _run(note_text, await request.body(), unquote(x_filename))}

    return api
