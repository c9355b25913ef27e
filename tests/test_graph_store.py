"""The store: results as RDF (the full chain: same triples as ``result_graph``; the default summary: a subset without
evidence that answers the same questions), idempotent loads, who, the read-only guard, the example queries, and the
same commands against a SPARQL endpoint (a loopback server in this process)."""
from __future__ import annotations

import copy
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from engine.assessor import Assessor
from engine.emit.rdf import result_graph
from engine.graph import Endpoint, LocalStore, QueryRefused, check_read_only, run_query, who
from engine.graph.inputs import read_results
from engine.graph.queries import library
from engine.emit.rdf import result_iri
from engine.graph.rdf import digest, digest_triple, note_id, result_ntriples
from engine.graph.stats import store_stats


@pytest.fixture(scope="module")
def results(onto):
    """Real results of eight dev notes (CO and GW against GW.POS.05)."""
    assessor = Assessor.create(onto)
    lines = open("corpora/dev.jsonl", encoding="utf-8").read().splitlines()[:40:5]
    notes = [json.loads(line) for line in lines]
    return [assessor.assess(n["text"], "CO,GW", "GW.POS.05", note_id=n["id"]).to_json() for n in notes]


def as_graph(ntriples: str, result_id: str) -> rdflib.Graph:
    """The result's statements, read back (every subject must be a node under the result's IRI)."""
    graph = rdflib.Graph().parse(data=ntriples, format="nt")
    assert all(str(s).startswith(result_iri(result_id) + "/") for s in graph.subjects())
    return graph


def test_ntriples_hold_exactly_the_triples_of_result_graph(results, model):
    tricky = copy.deepcopy(next(r for r in results if r["indicators"]))
    tricky["id"] = 'Анна "A" 1/2 #x'
    tricky["indicators"][0]["evidence"][0]["quote"] = 'a "quoted"\nline \\ back'
    for result in [*results, tricky]:
        full = as_graph(result_ntriples(result, model, evidence=True), result["id"])
        assert isomorphic(full, result_graph(result, None, model))
        assert note_id(result_iri(result["id"])) == note_id(f"{result_iri(result['id'])}/level/CO") == result["id"]


CM = "https://w3id.org/bei-competency/onto#"


def test_the_summary_is_the_full_graph_without_evidence_and_without_what_was_not_found(results, model):
    for result in results:
        full = as_graph(result_ntriples(result, model, evidence=True), result["id"])
        summary = as_graph(result_ntriples(result, model), result["id"])
        assert set(summary) < set(full)
        kept = {str(p) for _, p, _ in summary}
        assert not kept & {CM + "quote", CM + "startOffset", CM + "endOffset", CM + "qualifier", CM + "weight"}
        assert not list(summary.subjects(rdflib.RDF.type, rdflib.URIRef(CM + "Evidence")))
        levels = {str(c) for c in summary.objects(None, rdflib.URIRef(CM + "aboutCompetency"))}
        shown = {c["code"] for c in result["competencies"] if c["level"] is not None or c["flags"]}
        assert {c.rsplit("/", 1)[1] for c in levels} == shown
        outcomes = {str(o).rsplit("/", 1)[1] for o in summary.objects(None, rdflib.URIRef(CM + "outcome"))}
        assert outcomes == {o for o in result["position"]["outcomes"].values() if o != "NOT-EVIDENCED"}
        indicators = {str(i).rsplit("/", 1)[1] for i in summary.objects(None, rdflib.URIRef(CM + "aboutIndicator"))}
        assert indicators == {i["code"] for i in result["indicators"]}


def test_every_example_query_and_who_answer_the_same_from_summaries_and_full_results(tmp_path, onto, results):
    answers = []
    for evidence in (False, True):
        store = LocalStore(tmp_path / f"store-{evidence}")
        store.load(read_results(write_jsonl(tmp_path / "r.jsonl", results)), onto, evidence=evidence)
        quotes = run_query(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e <{CM}quote> ?q }}").rows[0]["n"]
        assert (quotes > 0) == evidence
        answers.append(({name: run_query(store, name).rows for name in library()},
                        [who(store, onto, c, m) for c, m in [("GW.CI", "Sb"), ("CO", "0"), ("GW.RR", "Si")]]))
    assert answers[0] == answers[1]
    assert any(answers[0][1]) and answers[0][0]["levels-by-competency"]


def test_unknown_codes_are_skipped_not_loaded(tmp_path, onto, results):
    bad = copy.deepcopy(next(r for r in results if r["indicators"]))
    bad["id"], bad["indicators"][0]["code"] = "bad", "GW.XX>1"
    report = LocalStore(tmp_path / "store").load(read_results(write_jsonl(tmp_path / "r.jsonl", [bad, results[1]])),
                                                 onto)
    assert report.added == 1 and report.skipped[0].startswith(f"{tmp_path / 'r.jsonl'}:1: ")
    assert "unknown code 'GW.XX>1'" in report.skipped[0]


def test_an_id_repeated_in_a_later_chunk_replaces_the_earlier_version(tmp_path, onto, monkeypatch):
    monkeypatch.setattr(LocalStore, "chunk", 2)
    rows = [synthetic("p1", "Sb"), synthetic("p2", "Si"), synthetic("p3", "Sa"), synthetic("p1", "Sa")]
    store = LocalStore(tmp_path / "store")
    report = store.load(read_results(write_jsonl(tmp_path / "r.jsonl", rows)), onto)
    assert (report.added, report.replaced) == (3, 1)
    assert [(h.result, h.level) for h in who(store, onto, "GW.CI", "Sb")] == [("p1", "Sa"), ("p3", "Sa"), ("p2", "Si")]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_loading_twice_adds_nothing_and_a_newer_result_replaces_the_older(tmp_path, onto, results):
    store = LocalStore(tmp_path / "store")
    source = write_jsonl(tmp_path / "results.jsonl", results)
    first = store.load(read_results(tmp_path), onto)
    quads = len(store.store)
    assert (first.added, first.unchanged, first.skipped) == (len(results), 0, [])
    second = store.load(read_results(source), onto)
    assert (second.added, second.replaced, second.unchanged) == (0, 0, len(results))
    assert len(store.store) == quads
    changed = copy.deepcopy(results[0])
    changed["competencies"] = [dict(c, level="Sa") if c["code"] == "GW.CI" else c for c in changed["competencies"]]
    third = store.load(read_results(write_jsonl(tmp_path / "new.jsonl", [changed])), onto)
    assert (third.added, third.replaced) == (0, 1)
    levels = run_query(store, f"""SELECT ?rank WHERE {{
        <{result_iri(changed['id'])}/level/GW.CI> <https://w3id.org/bei-competency/onto#demonstratedRank> ?rank }}""").rows
    assert levels == [{"rank": 3}]  # the old level is gone, not kept beside the new one
    assert store_stats(store)["results"] == len(results)


def stored_under(store: ox.Store, result_id: str) -> set[ox.Triple]:
    """Every statement of the store about the result or a node under it."""
    base = result_iri(result_id)
    return {q.triple for q in store if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(base)}


def as_stored(ntriples: str) -> set[ox.Triple]:
    """Statements as a store holds them (literals in canonical form)."""
    store = ox.Store()
    store.load(input=ntriples, format=ox.RdfFormat.N_TRIPLES)
    return {q.triple for q in store}


def test_a_replaced_result_leaves_nothing_of_its_older_version(tmp_path, onto, model, results):
    store = LocalStore(tmp_path / "store")
    old = next(r for r in results if len(r["indicators"]) >= 3 and r["position"]["outcomes"])
    other = next(r for r in results if r["id"] != old["id"])
    store.load(read_results(write_jsonl(tmp_path / "old.jsonl", [old, other])), onto, evidence=True)
    neighbour = stored_under(store.store, other["id"])
    new = copy.deepcopy(old)
    new["indicators"] = new["indicators"][:1]
    new["position"] = None
    new["competencies"] = [dict(c, level=None, flags=[]) for c in new["competencies"]]
    report = store.load(read_results(write_jsonl(tmp_path / "new.jsonl", [new])), onto, evidence=True)
    assert report.replaced == 1
    body = result_ntriples(new, model, evidence=True)
    assert stored_under(store.store, new["id"]) == as_stored(body + digest_triple(new["id"], digest(body)))
    assert stored_under(store.store, other["id"]) == neighbour  # the other result is untouched


def test_a_load_cut_short_is_repaired_by_loading_again(tmp_path, onto, model, results):
    store = LocalStore(tmp_path / "store")
    store.ensure_ontology(onto)
    old = copy.deepcopy(results[0])
    old["competencies"] = [dict(c, level="Sa") if c["code"] == "GW.CI" else c for c in old["competencies"]]
    store.store.load(input=result_ntriples(old, model), format=ox.RdfFormat.N_TRIPLES)  # statements, no version
    report = store.load(read_results(write_jsonl(tmp_path / "r.jsonl", results[:1])), onto)
    assert (report.added, report.replaced) == (0, 1)
    body = result_ntriples(results[0], model)
    assert stored_under(store.store, results[0]["id"]) == as_stored(body + digest_triple(results[0]["id"], digest(body)))


def test_bad_lines_are_skipped_with_file_and_line(tmp_path, onto, results):
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([json.dumps(results[0]), "{not json", json.dumps({"id": "n2", "error": "no text"}),
                               json.dumps({"id": "n3", "competencies": []}), json.dumps(results[1])]) + "\n",
                    encoding="utf-8")
    report = LocalStore(tmp_path / "store").load(read_results(path), onto)
    assert report.added == 2
    assert [s.split(": ")[0] for s in report.skipped] == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert "not JSON" in report.skipped[0] and "could not score" in report.skipped[1]
    assert "missing field 'indicators'" in report.skipped[2]


def synthetic(result_id: str, ci_level):
    return {"id": result_id, "competencies": [{"code": "GW.CI", "level": ci_level, "flags": []}], "indicators": [],
            "engine": {"version": "t", "ontology": "t", "policy": "t"}}


def test_who_lists_results_at_or_above_a_level(tmp_path, onto):
    store = LocalStore(tmp_path / "store")
    people = [synthetic("p-sb", "Sb"), synthetic("p-si", "Si"), synthetic("p-sa", "Sa"), synthetic("p-none", None),
              synthetic("p-below", "below-Sb")]
    store.load((r for r in read_results(write_jsonl(tmp_path / "r.jsonl", people))), onto)
    assert [(h.result, h.level) for h in who(store, onto, "GW.CI", "Si")] == [("p-sa", "Sa"), ("p-si", "Si")]
    assert [h.result for h in who(store, onto, "GW.CI", "below-Sb")] == ["p-sa", "p-si", "p-sb", "p-below"]


def test_a_turtle_result_joins_the_store(tmp_path, onto, results):
    store = LocalStore(tmp_path / "store")
    data = result_graph(results[0], "note text", onto.model).serialize(format="turtle").encode("utf-8")
    assert store.load_turtle("r.ttl", data, onto).added == 1
    assert store.load_turtle("r.ttl", data, onto).unchanged == 1
    hashes = run_query(store, "SELECT ?h WHERE { ?n <https://w3id.org/bei-competency/onto#contentSha256> ?h }").rows
    assert len(hashes) == 1
    foreign = data + b"\n<urn:x:elsewhere> <urn:x:p> 1 .\n"
    refused = store.load_turtle("other.ttl", foreign, onto)
    assert refused.added == refused.replaced == 0 and "urn:x:elsewhere" in refused.skipped[0]


@pytest.mark.parametrize("query,word", [
    ("LOAD <http://example.org/data.ttl>", "Load"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "InsertData"),
    ("DELETE WHERE { ?s ?p ?o }", "DeleteWhere"),
    ("DROP ALL", "Drop"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("PREFIX r: <http://127.0.0.1:9/> SELECT * WHERE { { SELECT * WHERE { SERVICE SILENT r:q { ?s ?p ?o } } } }", "SERVICE"),
    ("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
    ("PREFIX e: <http://127.0.0.1:9/> SELECT * FROM NAMED e:g WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
])
def test_writes_loads_and_remote_calls_are_refused_before_execution(tmp_path, query, word):
    store = LocalStore(tmp_path / "store")
    store.store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c")))
    with pytest.raises(QueryRefused, match=word):
        run_query(store, query)
    assert len(store.store) == 1


@pytest.mark.parametrize("query", [
    'SELECT ?s WHERE { ?s ?p "SERVICE <http://x> LOAD" } # INSERT DATA { }',
    "SELECT * WHERE { <http://example.org/SERVICE> ?p ?o }",
    "SELECT * FROM <https://w3id.org/bei-competency/graph/ontology> WHERE { ?s ?p ?o }",
    "ASK { ?s ?p ?o }",
])
def test_keywords_in_strings_comments_and_iris_are_not_clauses(query):
    check_read_only(query)


def test_example_queries_run_and_answer(tmp_path, onto, results, model):
    store = LocalStore(tmp_path / "store")
    store.load(read_results(write_jsonl(tmp_path / "r.jsonl", results)), onto)
    answers = {name: run_query(store, name).rows for name in library()}
    assert len(answers) >= 5 and answers["levels-by-competency"] and answers["indicators-most-evidenced"]
    matrix = {(r["position"], r["competency"]): r["required"] for r in answers["position-requirements"]}
    expected = {(p, c): lv for p, pos in model.positions.items() for c, lv in pos.requirements.items() if lv}
    assert matrix == expected
    below = {(r["note"], r["competency"]) for r in answers["below-position"]}
    assert below == {(r["id"], c) for r in results for c, o in r["position"]["outcomes"].items() if o == "GW.R.BELOW"}


class SparqlHandler(BaseHTTPRequestHandler):
    """Just enough of the SPARQL 1.1 protocol (POST query / update) over an in-memory pyoxigraph store."""

    store = ox.Store()

    def do_POST(self):  # noqa: N802 (http.server's naming)
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
        if "update" in form:
            self.store.update(form["update"][0])
            body, kind = b"", "text/plain"
        else:
            answer = self.store.query(form["query"][0], use_default_graph_as_union=True)
            body = answer.serialize(format=ox.QueryResultsFormat.JSON)
            kind = "application/sparql-results+json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def endpoint_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SparqlHandler)
    SparqlHandler.store = ox.Store()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/query"
    server.shutdown()
    server.server_close()


def test_the_same_questions_against_a_sparql_endpoint(endpoint_url, onto, tmp_path, results):
    endpoint = Endpoint(endpoint_url)
    assert endpoint.update_url.endswith("/update")
    people = [synthetic("p-si", "Si"), synthetic("p-sa", "Sa"), synthetic("p-sb", "Sb")]
    source = write_jsonl(tmp_path / "r.jsonl", people)
    assert endpoint.load(read_results(source), onto).added == 3
    assert endpoint.load(read_results(source), onto).unchanged == 3
    assert [h.result for h in who(endpoint, onto, "GW.CI", "Si")] == ["p-sa", "p-si"]
    assert store_stats(endpoint)["results"] == 3 and store_stats(endpoint)["ontology"] == onto.content_hash
    newer = write_jsonl(tmp_path / "newer.jsonl", [synthetic("p-sb", "Sa")])
    assert endpoint.load(read_results(newer), onto).replaced == 1
    assert [(h.result, h.level) for h in who(endpoint, onto, "GW.CI", "Sb")] == [("p-sa", "Sa"), ("p-sb", "Sa"),
                                                                                 ("p-si", "Si")]
    data = result_graph(results[0], "note text", onto.model).serialize(format="turtle").encode("utf-8")
    assert endpoint.load_turtle("r.ttl", data, onto).added == 1
    assert store_stats(endpoint)["results"] == 4


def test_a_command_frees_the_store_as_it_ends(tmp_path):
    """In one process (the workbench, a notebook, tests), a command's store must not stay locked until garbage
    collection: the read-only guard's parser leaves reference cycles that keep the caller's frame alive."""
    folder = tmp_path / "store"
    with LocalStore(folder) as store:
        run_query(store, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    LocalStore(folder).close()  # would raise StoreError ("lock hold by current process") if still open


def test_an_endpoint_must_be_http():
    from engine.graph import StoreError

    with pytest.raises(StoreError, match="http"):
        Endpoint("file:///etc/passwd")
