"""The knowledge-graph store: the ontology and assessment results together, queried with SPARQL.

Two backends answer the same questions: ``LocalStore`` (embedded pyoxigraph, persistent, at a path of the user's
choice) and ``Endpoint`` (any SPARQL 1.1 endpoint, over HTTP, only when the user gives its URL). Results live in the
default graph, each under its own IRI (``engine.graph.rdf``); the ontology in a named graph, replaced as a whole when
it changes. Queries see the union of both as their default graph (for an Oxigraph server start it with
``--union-default-graph``; for Fuseki set ``unionDefaultGraph``).

By default a result is stored as its assessment summary (``result_statements(..., evidence=False)``: levels, flags,
outcomes, evidenced indicators — about a third of the quads), and with ``evidence=True`` as the full PROV chain with
quotes and offsets: loading speed is bounded by the store's writes per quad, and quotes are personal data.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol

import platformdirs
import pyoxigraph as ox

from engine.emit.rdf import literal, result_iri
from engine.graph.rdf import DCT_IDENTIFIER, ONTOLOGY_GRAPH, digest, digest_triple, forget, note_id, result_ntriples
from ontology.loader import Ontology
from ontology.vocab import CM, ITEM

Row = dict[str, Any]
CHUNK = 4000  # results per bulk load: big enough to amortise a load, small enough for memory (~5 kB a summary)
WRITERS = 2  # bulk loads in flight while the next chunk is prepared
XSD_NUMBERS = {"integer": int, "int": int, "long": int, "decimal": float, "double": float, "float": float}


class StoreError(Exception):
    """The store cannot be opened or reached, or refused a request; the message says which and where."""


def default_store_path() -> Path:
    """Where the store lives unless the user says otherwise: under the user's data directory."""
    return Path(platformdirs.user_data_dir("competency-engine")) / "store"


def short(iri: str) -> str:
    """An item IRI as its code; other IRIs unchanged."""
    return iri[len(str(ITEM)):] if iri.startswith(str(ITEM)) else iri


def _python_value(value: str, datatype: str | None) -> Any:
    if datatype and datatype.startswith("http://www.w3.org/2001/XMLSchema#"):
        convert = XSD_NUMBERS.get(datatype.rsplit("#", 1)[1])
        if convert is not None:
            try:
                return convert(Decimal(value)) if convert is float else int(value)
            except (ArithmeticError, ValueError):
                return value
    return value


def _from_ox(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return _python_value(term.value, term.datatype.value)
    return term.value


@dataclass
class Answer:
    """What a query returned: rows (SELECT), a boolean (ASK) or N-Triples text (CONSTRUCT/DESCRIBE)."""

    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    triples: str | None = None


@dataclass
class LoadReport:
    """What ``load`` did: ``added`` new results, ``replaced`` changed ones, left ``unchanged`` ones as they were."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # "file:line: reason"


@dataclass(frozen=True)
class Record:
    """One result read from an input file, or the reason it could not be read (``result`` None)."""

    where: str
    result: dict[str, Any] | None
    problem: str | None = None


class Backend(Protocol):
    location: str

    def __enter__(self) -> "Backend": ...

    def __exit__(self, *exc: Any) -> None: ...

    def query(self, sparql: str) -> Answer: ...

    def ensure_ontology(self, onto: Ontology) -> bool: ...

    def load(self, records: Iterable[Record], onto: Ontology, evidence: bool = False) -> LoadReport: ...

    def load_turtle(self, source: str, data: bytes, onto: Ontology) -> LoadReport: ...

    def quad_count(self) -> int | None: ...


def _ontology_ntriples(onto: Ontology) -> str:
    """N-Triples of the merged ontology, with the triple that records its version (content hash)."""
    from ontology.export import merged_graph

    triples = merged_graph(onto).serialize(format="nt", encoding="utf-8").decode("utf-8")
    return triples + f"<{ONTOLOGY_GRAPH}> <{DCT_IDENTIFIER}> {literal(onto.content_hash)} .\n"


def _prepare(chunk: list[Record], onto: Ontology, report: LoadReport, evidence: bool) -> dict[str, tuple[str, str]]:
    """id → (N-Triples, version) of the readable records of a chunk; the last record of an id wins."""
    prepared: dict[str, tuple[str, str]] = {}
    for record in chunk:
        if record.result is None:
            report.skipped.append(f"{record.where}: {record.problem}")
            continue
        try:
            body = result_ntriples(record.result, onto.model, evidence)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            report.skipped.append(f"{record.where}: not a result of the output contract ({type(exc).__name__}: {exc})")
            continue
        prepared[record.result["id"]] = (body, digest(body))
    return prepared


def _sort_out(prepared: dict[str, tuple[str, str]], stored: dict[str, str],
              report: LoadReport) -> tuple[list[str], str, str]:
    """Compare prepared results with the versions stored (``""``: statements without a version, a load cut short)
    and count them: (ids whose stored statements must go first, N-Triples to add, their version triples)."""
    stale, bodies, versions = [], [], []
    for result_id, (body, version) in prepared.items():
        if stored.get(result_id) == version:
            report.unchanged += 1
            continue
        if result_id in stored:
            stale.append(result_id)
            report.replaced += 1
        else:
            report.added += 1
        bodies.append(body)
        versions.append(digest_triple(result_id, version))
    return stale, "".join(bodies), "".join(versions)


class _BulkWriter:
    """Bulk loads on worker threads while the caller prepares the next chunk: pyoxigraph releases the GIL while it
    loads, and its own bulk loader runs several loads into one store in parallel the same way.

    A job loads its results first and their versions after: a crash leaves results without a version, which the next
    load replaces instead of skipping.
    """

    def __init__(self, store: ox.Store, workers: int = WRITERS):
        self.store = store
        self.limit = workers
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="store-load")
        self.pending: deque[Future[None]] = deque()

    def _load(self, body: bytes, versions: bytes) -> None:
        for data in (body, versions):
            self.store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES, lenient=True)

    def submit(self, body: str, versions: str) -> None:
        while len(self.pending) >= self.limit:  # at most `limit` chunks in memory
            self.pending.popleft().result()
        self.pending.append(self.pool.submit(self._load, body.encode("utf-8"), versions.encode("utf-8")))

    def drain(self) -> None:
        """Wait until everything submitted is in the store (re-raising a failed load)."""
        while self.pending:
            self.pending.popleft().result()

    def __enter__(self) -> "_BulkWriter":
        return self

    def __exit__(self, kind: type | None, *_: Any) -> None:
        try:
            if kind is None:
                self.drain()
        finally:
            self.pool.shutdown(wait=True)


def chunks(records: Iterable[Record], size: int = CHUNK) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Store:
    """What both backends do alike: loading (results are prepared, compared with the versions stored and written
    batch by batch by the backend's ``_write``), and ``with`` (what a backend holds is released when the block ends).
    """

    chunk = CHUNK

    def ensure_ontology(self, onto: Ontology) -> bool:
        raise NotImplementedError

    def _write(self, batches: Iterable[dict[str, tuple[str, str]]], report: LoadReport) -> LoadReport:
        raise NotImplementedError

    def load(self, records: Iterable[Record], onto: Ontology, evidence: bool = False) -> LoadReport:
        """Add results (summaries, or with ``evidence`` the full PROV chain); a result already stored unchanged is
        left alone, a changed one replaced as a whole."""
        self.ensure_ontology(onto)
        report = LoadReport()
        size = self.chunk // 3 if evidence else self.chunk  # full results: ~3× the statements
        return self._write((_prepare(chunk, onto, report, evidence) for chunk in chunks(records, size)), report)

    def load_turtle(self, source: str, data: bytes, onto: Ontology) -> LoadReport:
        """A result written by ``competency score --format ttl``, stored as a whole like the results of ``load``."""
        self.ensure_ontology(onto)
        report = LoadReport()
        try:
            triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
        except SyntaxError as exc:
            report.skipped.append(f"{source}: not Turtle ({exc})")
            return report
        ids = {t.object.value for t in triples if t.predicate.value == f"{CM}noteId"}
        if len(ids) != 1:
            report.skipped.append(f"{source}: expected one cm:noteId, found {len(ids)}")
            return report
        result_id = ids.pop()
        base = result_iri(result_id) + "/"
        outside = next((t.subject for t in triples
                        if not (isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(base))), None)
        if outside is not None:
            report.skipped.append(f"{source}: {outside} is not a node of the result (<{base}…>): "
                                  "expected the output of `competency score --format ttl`")
            return report
        body = "".join(f"{t} .\n" for t in triples)
        return self._write([{result_id: (body, digest(body))}], report)

    def close(self) -> None:
        """Release what the backend holds (nothing, unless a backend says otherwise)."""

    def __enter__(self) -> "_Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class LocalStore(_Store):
    """The embedded pyoxigraph store at ``path`` (created on first use), open until ``close`` (or the end of a
    ``with`` block): one process may hold it at a time."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else default_store_path()
        self.location = str(self.path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self.store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc}); is another competency command using it?") from None

    def close(self) -> None:
        """Close the store and free its lock now: garbage collection may come much later, as a traceback or a
        parser's reference cycle (rdflib's SPARQL parser leaves one) can keep this object alive."""
        self.__dict__.pop("store", None)

    def query(self, sparql: str) -> Answer:
        try:
            answer = self.store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax: {exc}") from None
        if isinstance(answer, ox.QuerySolutions):
            names = [v.value for v in answer.variables]
            return Answer(variables=names, rows=[{n: _from_ox(s[n]) for n in names} for s in answer])
        if isinstance(answer, ox.QueryBoolean):
            return Answer(boolean=bool(answer))
        return Answer(triples=ox.serialize(answer, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))

    def ensure_ontology(self, onto: Ontology) -> bool:
        """Put the ontology in the store, or replace an older version of it; True when it changed."""
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        stored = next(self.store.quads_for_pattern(graph, ox.NamedNode(DCT_IDENTIFIER), None, graph), None)
        if stored is not None and stored.object.value == onto.content_hash:
            return False
        if self.store.contains_named_graph(graph):
            self.store.remove_graph(graph)
        self.store.load(input=_ontology_ntriples(onto), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        return True

    def _stored_versions(self, result_ids: Iterable[str]) -> dict[str, str]:
        """id → version stored, or ``""`` for a result whose statements are there without a version."""
        stored = {}
        for result_id in result_ids:
            base = result_iri(result_id)
            found = next(self.store.quads_for_pattern(ox.NamedNode(base), ox.NamedNode(DCT_IDENTIFIER), None,
                                                      ox.DefaultGraph()), None)
            if found is not None:
                stored[result_id] = found.object.value
                continue
            # A chunk's statements land as one bulk load before their versions: a load cut short between the two
            # leaves whole results without a version, each with its assessment.
            assessment = ox.NamedNode(f"{base}/assessment")
            if next(self.store.quads_for_pattern(assessment, None, None, ox.DefaultGraph()), None) is not None:
                stored[result_id] = ""
        return stored

    def _write(self, batches: Iterable[dict[str, tuple[str, str]]], report: LoadReport) -> LoadReport:
        """Store prepared results batch by batch: unchanged ones are left alone, changed ones forgotten first, and
        the rest bulk-loaded on worker threads (``_BulkWriter``) while the next batch is prepared."""
        submitted: set[str] = set()
        try:
            with _BulkWriter(self.store) as writer:
                for prepared in batches:
                    if not submitted.isdisjoint(prepared):  # an id again: its earlier version must land to compare
                        writer.drain()
                        submitted.clear()
                    stale, body, versions = _sort_out(prepared, self._stored_versions(prepared), report)
                    if stale:
                        self.store.update(" ;\n".join(map(forget, stale)))
                    if body:
                        writer.submit(body, versions)
                        submitted.update(prepared)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"{self.path}: loading failed ({exc}); loading again repairs what was cut short") from None
        self.store.flush()
        return report

    def quad_count(self) -> int | None:
        return len(self.store)


class Endpoint(_Store):
    """A SPARQL 1.1 endpoint (query and update protocols over HTTP); contacted only when the user names it."""

    chunk = 200  # results per update request

    def __init__(self, url: str, update_url: str | None = None, timeout: float = 60.0):
        for candidate in (url, update_url):
            if candidate and urllib.parse.urlsplit(candidate).scheme not in ("http", "https"):
                raise StoreError(f"{candidate}: an endpoint must be an http:// or https:// URL")
        self.location = url
        self.update_url = update_url or (url[: -len("/query")] + "/update" if url.endswith("/query") else url)
        self.timeout = timeout

    def _post(self, url: str, form: dict[str, str], accept: str) -> bytes:
        request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode("utf-8"), method="POST",
                                         headers={"Accept": accept,
                                                  "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            raise StoreError(f"{url}: HTTP {exc.code} {exc.reason}: {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"{url}: cannot reach the endpoint ({getattr(exc, 'reason', exc)})") from None

    def query(self, sparql: str) -> Answer:
        from engine.graph.safety import check_read_only

        if check_read_only(sparql) in ("CONSTRUCT", "DESCRIBE"):
            return Answer(triples=self._post(self.location, {"query": sparql}, "application/n-triples").decode("utf-8"))
        data = json.loads(self._post(self.location, {"query": sparql}, "application/sparql-results+json"))
        if "boolean" in data:
            return Answer(boolean=bool(data["boolean"]))
        names = data["head"]["vars"]
        rows = [{n: (_python_value(b[n]["value"], b[n].get("datatype")) if n in b else None) for n in names}
                for b in data["results"]["bindings"]]
        return Answer(variables=names, rows=rows)

    def update(self, sparql: str) -> None:
        self._post(self.update_url, {"update": sparql}, "*/*")

    def _stored_versions(self, result_ids: Iterable[str]) -> dict[str, str]:
        """id → version stored (an update is one transaction at the endpoint: no partial results)."""
        values = " ".join(f"<{result_iri(i)}>" for i in result_ids)
        answer = self.query(f"SELECT ?r ?v WHERE {{ VALUES ?r {{ {values} }} ?r <{DCT_IDENTIFIER}> ?v }}")
        return {note_id(row["r"]): row["v"] for row in answer.rows}

    def ensure_ontology(self, onto: Ontology) -> bool:
        graph = f"<{ONTOLOGY_GRAPH}>"
        answer = self.query(f"SELECT ?v WHERE {{ GRAPH {graph} {{ {graph} <{DCT_IDENTIFIER}> ?v }} }}")
        if answer.rows and answer.rows[0]["v"] == onto.content_hash:
            return False
        self.update(f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n{_ontology_ntriples(onto)}}} }}")
        return True

    def _write(self, batches: Iterable[dict[str, tuple[str, str]]], report: LoadReport) -> LoadReport:
        """One update per batch: the stale versions deleted and the new statements inserted in one transaction."""
        for prepared in batches:
            stale, body, versions = _sort_out(prepared, self._stored_versions(prepared) if prepared else {}, report)
            if body:
                self.update(" ;\n".join([*map(forget, stale), f"INSERT DATA {{\n{body}{versions}}}"]))
        return report

    def quad_count(self) -> int | None:
        return None
