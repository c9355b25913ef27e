"""The REST API (``/api/...``); FastAPI writes its OpenAPI document at ``/openapi.json``.

Development path, position gap and read-only SPARQL are the knowledge-graph package's (``engine.graph``) answers,
served as they are: path and gap need only the ontology, SPARQL reads the local store (``competency serve --store``).
"""
from __future__ import annotations

import json
import logging
from importlib import resources
from typing import Annotated, Any, Literal
from urllib.parse import unquote

import jsonschema
from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, field_validator, model_validator

from engine import __version__
from engine.assessor import UsageError
from engine.policy import PolicyError
from engine.web import catalog
from engine.graph.gaps import paths_to_position, position_gap, rank_positions
from engine.graph.paths import development_path
from engine.graph.safety import QueryRefused
from engine.graph.store import StoreError
from engine.web.files import FileError, note_text
from engine.web.knowledge import StoreBusy, StoreReader
from engine.web.overrides import Override, OverrideError
from engine.web.service import ScoreInput, Workbench

log = logging.getLogger("engine.web")
Lang = Literal["en", "ru", "zh"]
RESULT_SCHEMA = json.loads((resources.files("engine") / "schema" / "result.schema.json").read_text(encoding="utf-8"))
RESULT_CHECK = jsonschema.validators.validator_for(RESULT_SCHEMA)(RESULT_SCHEMA)
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


class ResultRequest(BaseModel):
    result: dict[str, Any] = Field(description="A result object of OUTPUT.md, as POST /api/score returns it")
    lang: Lang = "en"

    @field_validator("result")
    @classmethod
    def _contract(cls, result: dict[str, Any]) -> dict[str, Any]:
        error = jsonschema.exceptions.best_match(RESULT_CHECK.iter_errors(result))
        if error is not None:
            where = "/".join(map(str, error.absolute_path)) or "(top level)"
            raise ValueError(f"not a result object of the output contract: {where}: {error.message}")
        return result


class PathRequest(ResultRequest):
    to_position: str = Field(max_length=64, examples=["GW.POS.05"])


class GapRequest(ResultRequest):
    position: str | None = Field(None, max_length=64, examples=["GW.POS.05"])
    all_positions: bool = Field(False, description="Rank every position by fit instead of one position's gap")

    @model_validator(mode="after")
    def _one_target(self) -> "GapRequest":
        if bool(self.position) == self.all_positions:
            raise ValueError("give either position or all_positions: true")
        return self


class QueryRequest(BaseModel):
    query: str = Field(min_length=1, description="A SPARQL 1.1 SELECT, ASK, CONSTRUCT or DESCRIBE query",
                       examples=["SELECT ?level (COUNT(*) AS ?n) WHERE { "
                                 "?l <https://w3id.org/bei-competency/onto#demonstratedLevel> ?level } GROUP BY ?level"])


def _run(job, *args):
    """Known problems with the request become 422 with the message; anything else a 500 that logs no note text."""
    try:
        return job(*args)
    except (UsageError, OverrideError, PolicyError, FileError) as exc:
        raise HTTPException(422, str(exc)) from None
    except Exception as exc:  # noqa: BLE001 — one bad note never takes the service down
        log.error("%s failed: %s (note text not logged)", getattr(job, "__name__", "request"), type(exc).__name__)
        raise HTTPException(500, f"internal error ({type(exc).__name__})") from None


def _query(store: StoreReader, sparql: str) -> dict[str, Any]:
    """Refusals and queries the store cannot run are 400 with the message, a store in use elsewhere 503; the query
    text is never logged (it may quote a note)."""
    try:
        return store.query(sparql)
    except StoreBusy as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": "5"}) from None
    except (QueryRefused, StoreError) as exc:
        raise HTTPException(400, str(exc)) from None


def router(bench: Workbench, max_bytes: int, store: StoreReader) -> APIRouter:
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

    @api.get("/path", summary="Development path of a competency between two levels",
             description="The levels to climb from `from` (default: none held) to `to`, each with its indicators in "
                         "process-stage order and the SKOS-related items of other frameworks (`competency path`).")
    def path(competency: Annotated[str, Query(max_length=64, examples=["GW.RR"])],
             to: Annotated[str, Query(max_length=64, examples=["Sa"])],
             start: Annotated[str | None, Query(alias="from", max_length=64, examples=["Sb"])] = None,
             lang: Lang = "en") -> dict[str, Any]:
        return _run(development_path, bench.onto, competency, start, to, lang).to_json()

    @api.post("/path", summary="Development paths from a result to a position's requirements",
              description="A path for every competency the result shows below the position's required level "
                          "(`competency path --result --to-position`); empty when every requirement is met.")
    def path_to_position(request: PathRequest) -> list[dict[str, Any]]:
        paths = _run(paths_to_position, bench.onto, request.result, request.to_position, request.lang)
        return [p.to_json() for p in paths]

    @api.post("/gap", summary="Position gap of a result, or every position ranked by fit",
              description="With `position`: per competency the required and demonstrated level, the outcome and the "
                          "next indicators to work on. With `all_positions`: a list of those, best fit first.")
    def gap(request: GapRequest) -> dict[str, Any] | list[dict[str, Any]]:
        if request.all_positions:
            return [g.to_json() for g in _run(rank_positions, bench.onto, request.result, request.lang)]
        return _run(position_gap, bench.onto, request.result, request.position, request.lang).to_json()

    @api.post("/query", summary="Read-only SPARQL over the local knowledge-graph store",
              description="UPDATE, LOAD, SERVICE and FROM a graph outside the store are refused (400, with the "
                          "reason) before the store is opened. A store not created yet answers as an empty one, "
                          "with `message` saying so.")
    def query(request: QueryRequest) -> dict[str, Any]:
        return _query(store, request.query)

    return api
