"""The knowledge-graph store: the ontology and assessment results together, queried with SPARQL.

Two backends answer the same questions: ``LocalStore`` (embedded pyoxigraph, persistent, at a path of the user's
choice) and ``Endpoint`` (any SPARQL 1.1 endpoint, over HTTP, only when the user gives its URL). Each result lives in
its own named graph, the ontology in another; queries see their union as the default graph (for an Oxigraph server
start it with ``--union-default-graph``; for Fuseki set ``unionDefaultGraph``).

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

from engine.graph.rdf import DCT_IDENTIFIER, ONTOLOGY_GRAPH, digest_quad, graph_iri, result_nquads
from ontology.loader import Ontology
from ontology.vocab import ITEM

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

    def query(self, sparql: str) -> Answer: ...

    def ensure_ontology(self, onto: Ontology) -> bool: ...

    def load(self, records: Iterable[Record], onto: Ontology, evidence: bool = False) -> LoadReport: ...

    def quad_count(self) -> int | None: ...


def _ontology_nquads(onto: Ontology) -> tuple[str, str]:
    """(N-Quads of the merged ontology in its graph, its content hash)."""
    from ontology.export import merged_graph

    triples = merged_graph(onto).serialize(format="nt", encoding="utf-8").decode("utf-8")
    suffix = f" <{ONTOLOGY_GRAPH}> .\n"
    body = "".join(line[:-2].rstrip() + suffix for line in triples.splitlines() if line.strip())
    return body + f'<{ONTOLOGY_GRAPH}> <{DCT_IDENTIFIER}> "{onto.content_hash}" <{ONTOLOGY_GRAPH}> .\n', onto.content_hash


def _prepare(chunk: list[Record], onto: Ontology, report: LoadReport, evidence: bool) -> dict[str, tuple[str, str]]:
    """id → (N-Quads, digest quad) of the readable records of a chunk; the last record of an id wins."""
    prepared: dict[str, tuple[str, str]] = {}
    for record in chunk:
        if record.result is None:
            report.skipped.append(f"{record.where}: {record.problem}")
            continue
        try:
            body = result_nquads(record.result, onto.model, evidence)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            report.skipped.append(f"{record.where}: not a result of the output contract ({type(exc).__name__}: {exc})")
            continue
        prepared[record.result["id"]] = (body, digest_quad(record.result["id"], body))
    return prepared


class _BulkWriter:
    """Bulk loads on worker threads while the caller prepares the next chunk: pyoxigraph releases the GIL while it
    loads, and its own bulk loader runs several loads into one store in parallel the same way.

    A job loads its results first and their digests after: a crash leaves results without a digest, which the next
    load replaces instead of skipping.
    """

    def __init__(self, store: ox.Store, workers: int = WRITERS):
        self.store = store
        self.limit = workers
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="store-load")
        self.pending: deque[Future[None]] = deque()

    def _load(self, body: bytes, digests: bytes) -> None:
        for data in (body, digests):
            self.store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS, lenient=True)

    def submit(self, body: bytes, digests: bytes) -> None:
        while len(self.pending) >= self.limit:  # at most `limit` chunks in memory
            self.pending.popleft().result()
        self.pending.append(self.pool.submit(self._load, body, digests))

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


class LocalStore:
    """The embedded pyoxigraph store at ``path`` (created on first use)."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else default_store_path()
        self.location = str(self.path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self.store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc}); is another competency command using it?") from None

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

    def _digest(self, graph: str) -> str | None:
        node = ox.NamedNode(graph)
        for quad in self.store.quads_for_pattern(node, ox.NamedNode(DCT_IDENTIFIER), None, node):
            return quad.object.value
        return None

    def ensure_ontology(self, onto: Ontology) -> bool:
        """Put the ontology in the store, or replace an older version of it; True when it changed."""
        if self._digest(ONTOLOGY_GRAPH) == onto.content_hash:
            return False
        body, _ = _ontology_nquads(onto)
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        if self.store.contains_named_graph(graph):
            self.store.remove_graph(graph)
        self.store.load(input=body, format=ox.RdfFormat.N_QUADS)
        return True

    def load(self, records: Iterable[Record], onto: Ontology, evidence: bool = False) -> LoadReport:
        """Add results (summaries, or with ``evidence`` the full PROV chain); a result already stored unchanged is
        left alone, a changed one replaced as a whole. Chunks go in by bulk load on worker threads (``_BulkWriter``).
        """
        self.ensure_ontology(onto)
        report = LoadReport()
        submitted: set[str] = set()
        try:
            with _BulkWriter(self.store) as writer:
                for chunk in chunks(records, CHUNK // 3 if evidence else CHUNK):  # full results: ~3× the quads
                    prepared = _prepare(chunk, onto, report, evidence)
                    if not submitted.isdisjoint(prepared):  # an id again: its earlier version must land to compare
                        writer.drain()
                        submitted.clear()
                    bodies, digests = [], []
                    for result_id, (body, digest) in prepared.items():
                        graph = ox.NamedNode(graph_iri(result_id))
                        stored = self._digest(graph.value)
                        if stored is not None and digest.endswith(f'"{stored}" {graph} .\n'):
                            report.unchanged += 1
                            continue
                        if stored is not None or self.store.contains_named_graph(graph):
                            self.store.remove_graph(graph)
                            report.replaced += 1
                        else:
                            report.added += 1
                        bodies.append(body)
                        digests.append(digest)
                    if bodies:
                        writer.submit("".join(bodies).encode("utf-8"), "".join(digests).encode("utf-8"))
                        submitted.update(prepared)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"{self.path}: loading failed ({exc}); loading again repairs what was cut short") from None
        self.store.flush()
        return report

    def load_turtle(self, source: str, data: bytes, onto: Ontology) -> LoadReport:
        """A result written by ``competency score --format ttl``: into the graph of its note id, as a whole."""
        self.ensure_ontology(onto)
        report = LoadReport()
        try:
            triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
        except SyntaxError as exc:
            report.skipped.append(f"{source}: not Turtle ({exc})")
            return report
        ids = {t.object.value for t in triples if t.predicate.value.endswith("#noteId")}
        if len(ids) != 1:
            report.skipped.append(f"{source}: expected one cm:noteId, found {len(ids)}")
            return report
        result_id = ids.pop()
        graph = ox.NamedNode(graph_iri(result_id))
        body = "".join(f"{t} {graph} .\n" for t in triples)
        digest = digest_quad(result_id, body)
        stored = self._digest(graph.value)
        if stored is not None and digest.endswith(f'"{stored}" {graph} .\n'):
            report.unchanged += 1
            return report
        if self.store.contains_named_graph(graph):
            self.store.remove_graph(graph)
            report.replaced += 1
        else:
            report.added += 1
        self.store.load(input=body + digest, format=ox.RdfFormat.N_QUADS)
        return report

    def quad_count(self) -> int | None:
        return len(self.store)


class Endpoint:
    """A SPARQL 1.1 endpoint (query and update protocols over HTTP); contacted only when the user names it."""

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

    def _stored_digests(self, graphs: list[str]) -> dict[str, str]:
        values = " ".join(f"<{g}>" for g in graphs)
        answer = self.query(f"SELECT ?g ?d WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?g <{DCT_IDENTIFIER}> ?d }} }}")
        return {row["g"]: row["d"] for row in answer.rows}

    def ensure_ontology(self, onto: Ontology) -> bool:
        if self._stored_digests([ONTOLOGY_GRAPH]).get(ONTOLOGY_GRAPH) == onto.content_hash:
            return False
        body, _ = _ontology_nquads(onto)
        self._replace_graph(ONTOLOGY_GRAPH, body)
        return True

    def _replace_graph(self, graph: str, nquads: str) -> None:
        triples = nquads.replace(f" <{graph}> .\n", " .\n")
        self.update(f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{triples}}} }}")

    def load(self, records: Iterable[Record], onto: Ontology, evidence: bool = False) -> LoadReport:
        self.ensure_ontology(onto)
        report = LoadReport()
        for chunk in chunks(records, 200):
            prepared = _prepare(chunk, onto, report, evidence)
            stored = self._stored_digests([graph_iri(i) for i in prepared]) if prepared else {}
            for result_id, (body, digest) in prepared.items():
                graph = graph_iri(result_id)
                if graph in stored and digest.endswith(f'"{stored[graph]}" <{graph}> .\n'):
                    report.unchanged += 1
                    continue
                report.replaced += graph in stored
                report.added += graph not in stored
                self._replace_graph(graph, body + digest)
        return report

    def quad_count(self) -> int | None:
        return None
