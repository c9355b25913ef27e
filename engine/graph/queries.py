"""Free SPARQL over the store, and the library of documented example queries in ``engine/graph/queries/``."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from engine.graph.safety import check_read_only
from engine.graph.store import Answer, Backend, StoreError


def library() -> dict[str, tuple[str, str]]:
    """name → (first comment line, query text) of the bundled example queries."""
    out = {}
    for entry in sorted(resources.files("engine.graph").joinpath("queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            text = entry.read_text(encoding="utf-8")
            first = next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")), "")
            out[entry.name[:-3]] = (first, text)
    return out


def resolve(query: str) -> str:
    """The query text of a library name, an .rq file, or the text itself."""
    examples = library()
    if query in examples:
        return examples[query][1]
    if query.strip().endswith(".rq") and "\n" not in query:
        try:
            return Path(query).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"{query}: cannot read the query file ({exc})") from None
    return query


def run_query(backend: Backend, query: str) -> Answer:
    """Run a read-only query (refused with QueryRefused before execution if it is not)."""
    text = resolve(query)
    check_read_only(text)
    return backend.query(text)
