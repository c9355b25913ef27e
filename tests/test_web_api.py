"""The workbench's REST API with FastAPI's test client: scoring, overrides, exports, files, and the guard
(token, Host/Origin, size limit), the page's assets (no external resources) and the serve command's refusals.
"""
from __future__ import annotations

import io
import json
import logging
import re
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import engine
from engine.cli.app import app as cli
from engine.corpus import parse_note
from engine.web.app import STATIC, create_app
from engine.web.service import Workbench
from engine.web.settings import Settings, SettingsError

SCHEMA = json.loads((resources.files("engine") / "schema" / "result.schema.json").read_text(encoding="utf-8"))
DEV = Path(__file__).parent.parent / "corpora" / "dev.jsonl"
LOOPBACK = "http://127.0.0.1"
EN_NOTE = ("In May a tenant complained that the heating was off. I called the customer back two days later to check "
           "that the repair worked for her. I promised a refund by Friday that I could not deliver.")


def dev_notes(lang: str) -> list[dict]:
    return [r for r in map(json.loads, DEV.read_text(encoding="utf-8").splitlines())
            if r["lang"] == lang and r["frameworks"] == ["CO"]]


@pytest.fixture(scope="module")
def bench(onto):
    return Workbench(onto)


@pytest.fixture(scope="module")
def client(bench):
    with TestClient(create_app(Settings(warm_up=False), bench), base_url=LOOPBACK) as c:
        yield c


def score(client, text, frameworks=("CO",), **extra):
    response = client.post("/api/score", json={"text": text, "frameworks": list(frameworks), **extra})
    assert response.status_code == 200, response.text
    return response.json()


def level(result, code="CO"):
    return next(c["level"] for c in result["competencies"] if c["code"] == code)


def level_changing_reject(client, lang: str) -> tuple[dict, dict, dict, dict]:
    """A dev note in ``lang`` and an evidence item of it whose rejection changes the CO level: (note, item, before,
    after). Found, not fixed in advance, so that tuning the recognisers does not break these tests: a note whose
    highest level rests on a single evidence record (and is not lowered by negatives) always has one.
    """
    for note in dev_notes(lang):
        before = score(client, note["text"])
        positive = [i for i in before["indicators"] if not i["negative"] and i["level"]]
        highest = max((i["level"] for i in positive), default=None)  # CO.L1 … CO.L5
        top = [(i, ev) for i in positive if i["level"] == highest for ev in i["evidence"]]
        if before["competencies"][0]["flags"] or len(top) != 1:
            continue
        ind, ev = top[0]
        item = {"action": "reject", "code": ind["code"], "start": ev["start"], "end": ev["end"], "reason": "not her action"}
        after = score(client, note["text"], overrides=[item])
        if level(after) != level(before):
            return note, item, before, after
    pytest.fail(f"no {lang} dev note has a single evidence item that decides its CO level")


# --- scoring ---------------------------------------------------------------------------------------------------
def test_score_returns_the_contract_result_of_the_engine(client):
    note = dev_notes("ru")[3]
    result = score(client, note["text"], ["CO", "GW"], position="GW.POS.05", id=note["id"])
    jsonschema.validate(result, SCHEMA)
    expected = engine.assess(note["text"], ["CO", "GW"], position="GW.POS.05", note_id=note["id"]).to_json()
    assert result["competencies"] == expected["competencies"] and result["indicators"] == expected["indicators"]
    assert result["position"]["code"] == "GW.POS.05" and "overrides" not in result
    for ind in result["indicators"]:
        for ev in ind["evidence"]:
            assert note["text"][ev["start"]:ev["end"]] == ev["quote"]


def test_request_errors_are_422_naming_the_problem(client):
    cases = [({"text": "x", "frameworks": ["XX"]}, "unknown framework"),
             ({"text": "x", "frameworks": ["CO"], "position": "GW.POS.99"}, "unknown position"),
             ({"text": "x", "frameworks": ["CO"], "policy": "../../etc/passwd"}, "unknown policy"),
             ({"text": "x", "frameworks": []}, "frameworks")]
    for body, message in cases:
        response = client.post("/api/score", json=body)
        assert response.status_code == 422 and message in json.dumps(response.json()), body


def test_openapi_document_lists_the_api(client):
    doc = client.get("/openapi.json").json()
    assert {"/api/score", "/api/frameworks", "/api/positions", "/api/export/html", "/api/export/corpus",
            "/api/extract", "/api/info"} <= set(doc["paths"])
    assert "ScoreRequest" in doc["components"]["schemas"] and "OverrideIn" in doc["components"]["schemas"]
    assert client.get("/docs").status_code == 404  # Swagger UI would load scripts from a CDN


def test_catalog_is_labelled_in_the_asked_language(client):
    labels = {lang: {fw["code"]: fw for fw in client.get(f"/api/frameworks?lang={lang}").json()} for lang in ("en", "zh")}
    assert labels["en"]["CO"]["label"] != labels["zh"]["CO"]["label"]
    assert re.search(r"[\u4e00-\u9fff]", labels["zh"]["GW"]["competencies"][0]["label"])
    assert any(i["code"] == "CO.L2.1" and i["level"] == "2" for i in labels["en"]["CO"]["indicators"])
    positions = client.get("/api/positions?lang=ru").json()
    assert len(positions) == 11 and positions[0]["required"]
    assert client.get("/api/frameworks?lang=fr").status_code == 422


# --- overrides -------------------------------------------------------------------------------------------------
def test_reject_recomputes_the_level_and_records_the_reason(client):
    note, item, before, after = level_changing_reject(client, "ru")
    jsonschema.validate(after, SCHEMA)
    [recorded] = after["overrides"]
    assert recorded["reason"] == "not her action" and recorded["quote"] == note["text"][item["start"]:item["end"]]
    assert recorded["at"]  # stamped by the server
    rejected = [d for d in after["discounted"] if (d["code"], d["start"]) == (item["code"], item["start"])]
    assert rejected and any("rejected by the assessor: not her action" in r for r in rejected[0]["reasons"])
    # the page sends the stamped override back: the time of the first recording is kept
    again = score(client, note["text"], overrides=after["overrides"])
    assert again["overrides"][0]["at"] == recorded["at"] and level(again) == level(after)


def test_added_evidence_counts_through_the_same_rules(client):
    start = EN_NOTE.index("I called")
    end = EN_NOTE.index(" for her.")
    before = score(client, EN_NOTE)
    add = {"action": "add", "code": "CO.L5.1", "start": start, "end": end, "reason": "long-term view shown"}
    after = score(client, EN_NOTE, overrides=[add])
    assert level(before) != 5
    added = next(i for i in after["indicators"] if i["code"] == "CO.L5.1")
    assert added["evidence"][0]["matchers"] == ["assessor"] and added["evidence"][0]["quote"] == EN_NOTE[start:end]
    co = next(c for c in after["competencies"] if c["code"] == "CO")
    assert any("CO.L5.1" in p for p in co["justification"]["premises"])
    assert level(after) == (4 if "conflict" in co["flags"] else 5)  # the policy's step-down still applies
    # CO indicators are different behaviours (no process stage): the engine's own lower-level record of that clause
    # still counts beside the assessor's
    counted = {i["code"] for i in after["indicators"] if any(e["start"] == start for e in i["evidence"])}
    assert "CO.L5.1" in counted and counted - {"CO.L5.1"} == {i["code"] for i in before["indicators"]
                                                            if any(e["start"] == start for e in i["evidence"])}


def test_bad_overrides_are_refused_with_their_index(client):
    base = {"text": EN_NOTE, "frameworks": ["CO"]}
    cases = [({"action": "reject", "code": "CO.L4.1", "start": 0, "end": 5, "reason": "r"}, "no evidence for CO.L4.1"),
             ({"action": "add", "code": "GW.RR.Sb.1", "start": 0, "end": 5, "reason": "r"}, "not an indicator of the frameworks"),
             ({"action": "add", "code": "CO.L1.1", "start": 5, "end": 5000, "reason": "r"}, "not inside the note"),
             ({"action": "add", "code": "CO.L1.1", "start": 0, "end": 5, "reason": "   "}, "a reason is required"),
             ({"action": "add", "code": "CO.L1.1", "start": 0, "end": 5, "reason": ""}, "reason"),
             ({"action": "delete", "code": "CO.L1.1", "start": 0, "end": 5, "reason": "r"}, "action")]
    for override, message in cases:
        response = client.post("/api/score", json={**base, "overrides": [override]})
        assert response.status_code == 422, override
        assert message in json.dumps(response.json()), (override, response.json())
    response = client.post("/api/score", json={**base, "overrides": [
        {"action": "add", "code": "CO.L1.1", "start": 0, "end": 5, "reason": "r"},
        {"action": "reject", "code": "CO.L4.1", "start": 0, "end": 5, "reason": "r"}]})
    assert "overrides[1]" in response.json()["detail"]


# --- exports ---------------------------------------------------------------------------------------------------
def test_html_export_escapes_the_note_and_forbids_scripts(client):
    text = "<script>alert(1)</script> I called the customer back <b>two days</b> later to check on her."
    response = client.post("/api/export/html", json={"text": text, "frameworks": ["CO"], "lang": "ru"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "<script>" not in response.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<b>two" not in response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_corpus_export_is_a_valid_annotated_note_with_the_correction(client, model):
    note, item, _, after = level_changing_reject(client, "zh")
    body = {"text": note["text"], "frameworks": ["CO"], "id": "corrected-ru-004", "overrides": [item]}
    record = client.post("/api/export/corpus", json=body).json()
    parsed = parse_note(record, "export", model)  # loads with the project's corpus reader
    assert parsed.id == "corrected-ru-004" and parsed.text == note["text"]
    assert record["gold"]["levels"] == {"CO": level(after)}
    assert set(record["gold"]["indicators"]) | set(record["gold"]["negatives"]) == {i["code"] for i in after["indicators"]}
    assert record["overrides"][0]["reason"] == "not her action" and "override" in record["source"]


# --- files -----------------------------------------------------------------------------------------------------
def test_dropped_files_become_text(client):
    from docx import Document

    document = Document()
    document.add_paragraph("Я перезвонил клиенту через два дня.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "我", "给客户回了电话"
    buffer = io.BytesIO()
    document.save(buffer)
    docx = client.post("/api/extract", headers={"X-Filename": "note.docx"}, content=buffer.getvalue())
    assert docx.status_code == 200 and "Я перезвонил клиенту" in docx.json()["text"] and "给客户回了电话" in docx.json()["text"]
    utf16 = client.post("/api/extract", headers={"X-Filename": "n.txt"}, content="Я перезвонил".encode("utf-16"))
    assert utf16.json()["text"] == "Я перезвонил"
    broken = client.post("/api/extract", headers={"X-Filename": quote("Иванов.docx")}, content=b"PK\x03\x04 not a zip")
    assert broken.status_code == 422 and "Иванов.docx" in broken.json()["detail"]
    assert client.post("/api/extract", headers={"X-Filename": "x.pdf"}, content=b"%PDF").status_code == 422


# --- security and robustness -----------------------------------------------------------------------------------
def test_token_is_checked_on_every_api_call(bench):
    app = create_app(Settings(host="0.0.0.0", token="s3cret-token", warm_up=False), bench)
    with TestClient(app, base_url="http://workbench.example:8000") as c:
        for method, path in (("get", "/api/info"), ("get", "/api/frameworks"), ("post", "/api/score")):
            response = getattr(c, method)(path, **({"json": {"text": "x", "frameworks": ["CO"]}} if method == "post" else {}))
            assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer", path
        assert c.get("/api/info", headers={"Authorization": "Bearer wrong-token!"}).status_code == 401
        ok = c.post("/api/score", json={"text": "I called her back.", "frameworks": ["CO"]},
                    headers={"Authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200 and ok.json()["competencies"]
        assert c.get("/").status_code == 200  # the page itself holds no data; it reads the token from #token=


def test_binding_beyond_loopback_needs_a_token(monkeypatch):
    with pytest.raises(SettingsError, match="--token"):
        Settings(host="0.0.0.0").check()
    Settings(host="::1").check()
    monkeypatch.delenv("COMPETENCY_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--host", "192.168.1.5"])
    assert result.exit_code == 2 and "COMPETENCY_TOKEN" in result.output


def test_loopback_service_refuses_foreign_hosts_and_origins(bench):
    with TestClient(create_app(Settings(warm_up=False), bench), base_url="http://evil.example") as c:
        assert c.get("/api/info").status_code == 400  # DNS rebinding: a foreign name resolving to 127.0.0.1
    with TestClient(create_app(Settings(warm_up=False), bench), base_url=LOOPBACK) as c:
        refused = c.post("/api/score", json={"text": "x", "frameworks": ["CO"]}, headers={"Origin": "http://evil.example"})
        assert refused.status_code == 403
        assert c.get("/api/info", headers={"Origin": LOOPBACK}).status_code == 200


def test_request_size_limit_is_a_clear_413(client):
    big = "Я перезвонил клиенту. " * 100_000  # ~4 MB of UTF-8
    response = client.post("/api/score", json={"text": big, "frameworks": ["CO"]})
    assert response.status_code == 413 and "2 MB" in response.json()["detail"]

    def chunks():  # no Content-Length: counted as it streams
        for _ in range(30):
            yield b"x" * 100_000

    streamed = client.post("/api/extract", content=chunks())
    assert streamed.status_code == 413
    assert client.post("/api/score", json={"text": "I called her back.", "frameworks": ["CO"]}).status_code == 200


def test_a_failing_note_is_a_500_that_logs_no_note_text(client, bench, monkeypatch, caplog):
    secret = "Секретная фамилия Иванова-Петрова"

    def broken(text, frameworks):
        raise RuntimeError(f"crashed on {text}")

    monkeypatch.setattr(bench.assessor(None).extractor, "extract", broken)
    with caplog.at_level(logging.DEBUG):
        response = client.post("/api/score", json={"text": secret, "frameworks": ["CO"]})
    assert response.status_code == 500 and secret not in response.text
    assert "RuntimeError" in caplog.text and secret not in caplog.text
    monkeypatch.undo()
    assert client.post("/api/score", json={"text": "I called her back.", "frameworks": ["CO"]}).status_code == 200


# --- the page --------------------------------------------------------------------------------------------------
def test_page_and_assets_use_no_external_resources(client):
    page = client.get("/")
    assert page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    for asset in STATIC.iterdir():
        text = asset.read_text(encoding="utf-8")
        urls = set(re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"')]*", text)) - {"http://www.w3.org/2000/svg"}
        assert not urls, (asset.name, urls)
        assert "@import" not in text and "innerHTML" not in text, asset.name
        assert client.get(f"/static/{asset.name}").status_code == 200
    assert re.findall(r'(?:src|href)="([^"]+)"', page.text) == ["data:,", "/static/app.css", "/static/app.js"]


def test_every_interface_string_exists_in_every_language():
    strings = json.loads((STATIC / "i18n.json").read_text(encoding="utf-8"))
    assert set(strings) == {"en", "ru", "zh"}
    keys = set(strings["en"])
    assert all(set(strings[lang]) == keys for lang in strings)
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    used = set(re.findall(r'data-i18n(?:-placeholder|-title)?="([^"]+)"', page)) | set(re.findall(r'\bt\("([\w-]+)"', script))
    assert used and used <= keys, used - keys
    assert all(strings["zh"][k] != strings["en"][k] for k in ("score", "reject", "not_evidenced"))


# --- knowledge graph: development path, position gap, read-only SPARQL -----------------------------------------
def as_json(data):
    """What a JSON answer holds (tuples become lists)."""
    return json.loads(json.dumps(data, ensure_ascii=False))


@pytest.fixture(scope="module")
def gw_result(client):
    """A scored dev note with a GW competency below what GW.POS.05 requires (found, not fixed in advance)."""
    for note in map(json.loads, DEV.read_text(encoding="utf-8").splitlines()):
        if "GW" in note["frameworks"]:
            result = score(client, note["text"], ["CO", "GW"], position="GW.POS.05", id=note["id"])
            if "GW.R.BELOW" in result["position"]["outcomes"].values():
                return result
    pytest.fail("no dev note is below a GW.POS.05 requirement")


@pytest.fixture()
def store_client(bench, tmp_path):
    with TestClient(create_app(Settings(warm_up=False, store=tmp_path / "store"), bench), base_url=LOOPBACK) as c:
        yield c


def test_development_path_is_the_graph_packages_answer(client, onto):
    from engine.graph import development_path

    answer = client.get("/api/path", params={"competency": "GW.RR", "from": "Sb", "to": "Sa"})
    assert answer.status_code == 200
    assert answer.json() == as_json(development_path(onto, "GW.RR", "Sb", "Sa").to_json())
    assert [s["level"] for s in answer.json()["steps"]] == ["GW.RR.Si", "GW.RR.Sa"]
    zh = client.get("/api/path", params={"competency": "GW.RR", "from": "Sb", "to": "Sa", "lang": "zh"}).json()
    assert zh == as_json(development_path(onto, "GW.RR", "Sb", "Sa", "zh").to_json()) and zh != answer.json()
    for params, message in (({"competency": "GW.XX", "to": "Sa"}, "unknown competency GW.XX"),
                            ({"competency": "GW.RR", "to": "L9"}, "GW.RR has no level 'L9'")):
        refused = client.get("/api/path", params=params)
        assert refused.status_code == 422 and message in refused.json()["detail"]


def test_position_gap_of_a_scored_note(client, onto, gw_result):
    from engine.graph import paths_to_position, position_gap, rank_positions

    gap = client.post("/api/gap", json={"result": gw_result, "position": "GW.POS.05"})
    assert gap.status_code == 200, gap.text
    assert gap.json() == as_json(position_gap(onto, gw_result, "GW.POS.05").to_json())
    outcomes = {c["competency"]: c["outcome"] for c in gap.json()["competencies"]}
    assert outcomes == gw_result["position"]["outcomes"]  # the same verdicts as the rules engine's
    shown = {i["code"] for i in gw_result["indicators"] if not i["negative"]}
    below = [c for c in gap.json()["competencies"] if c["outcome"] == "GW.R.BELOW"]
    assert below and all(c["next_indicators"] and not {i["code"] for i in c["next_indicators"]} & shown for c in below)
    ranked = client.post("/api/gap", json={"result": gw_result, "all_positions": True}).json()
    assert ranked == as_json([g.to_json() for g in rank_positions(onto, gw_result)]) and len(ranked) == 11
    paths = client.post("/api/path", json={"result": gw_result, "to_position": "GW.POS.05"}).json()
    assert paths == as_json([p.to_json() for p in paths_to_position(onto, gw_result, "GW.POS.05")])
    assert {p["competency"] for p in paths} == {c["competency"] for c in gap.json()["competencies"] if c["shortfall"]}


def test_gap_requests_are_checked(client, gw_result):
    cases = [({"result": gw_result}, "either position or all_positions"),
             ({"result": gw_result, "position": "GW.POS.05", "all_positions": True}, "either position or all_positions"),
             ({"result": gw_result, "position": "GW.POS.99"}, "unknown position GW.POS.99"),
             ({"result": {**gw_result, "competencies": "none"}, "position": "GW.POS.05"}, "competencies")]
    for body, message in cases:
        response = client.post("/api/gap", json=body)
        assert response.status_code == 422 and message in json.dumps(response.json()), message


def test_query_refusals_are_400_with_the_guards_message_and_never_run(store_client, tmp_path):
    from engine.graph import QueryRefused, check_read_only

    for sparql in ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "LOAD <http://example.org/data.ttl>",
                   "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
                   "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }"):
        with pytest.raises(QueryRefused) as refusal:
            check_read_only(sparql)
        response = store_client.post("/api/query", json={"query": sparql})
        assert response.status_code == 400 and response.json()["detail"] == str(refusal.value), sparql
    assert not (tmp_path / "store").exists()  # refused before the store is even opened


def test_query_without_a_store_answers_empty_and_creates_none(store_client, tmp_path):
    answer = store_client.post("/api/query", json={"query": "SELECT ?s WHERE { ?s ?p ?o }"}).json()
    assert (answer["variables"], answer["rows"]) == (["s"], []) and "no store" in answer["message"]
    assert store_client.post("/api/query", json={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is False
    assert not (tmp_path / "store").exists()


def test_query_reads_a_loaded_result_from_the_store(store_client, tmp_path, onto, gw_result):
    from engine.graph import LocalStore
    from engine.graph.store import Record

    store = LocalStore(tmp_path / "store")
    assert store.load([Record("test", gw_result)], onto).added == 1
    quads = len(store.store)
    del store  # the workbench opens the store for each query
    sparql = """PREFIX cm: <https://w3id.org/bei-competency/onto#>
                SELECT ?id WHERE { ?note cm:noteId ?id }"""
    answer = store_client.post("/api/query", json={"query": sparql})
    assert answer.status_code == 200 and answer.json()["rows"] == [{"id": gw_result["id"]}]
    assert answer.json()["message"] == ""
    bad = store_client.post("/api/query", json={"query": "SELECT * WHERE { ?s undeclared:p ?o }"})
    assert bad.status_code == 400  # the store's own syntax check; it is closed again afterwards
    assert store_client.post("/api/query", json={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).status_code == 400
    assert len(LocalStore(tmp_path / "store").store) == quads  # nothing written, and not left locked


def test_graph_routes_are_documented_and_guarded(client, bench):
    doc = client.get("/openapi.json").json()
    assert {"/api/path", "/api/gap", "/api/query"} <= set(doc["paths"])
    assert {"get", "post"} <= set(doc["paths"]["/api/path"])
    app = create_app(Settings(host="0.0.0.0", token="s3cret-token", warm_up=False), bench)
    with TestClient(app, base_url="http://workbench.example:8000") as c:
        assert c.get("/api/path", params={"competency": "GW.RR", "to": "Sa"}).status_code == 401
        assert c.post("/api/gap", json={}).status_code == 401 and c.post("/api/query", json={}).status_code == 401
        big = c.post("/api/query", json={"query": "SELECT * WHERE { ?s ?p ?o } # " + "x" * 3_000_000},
                     headers={"Authorization": "Bearer s3cret-token"})
        assert big.status_code == 413


def test_serve_passes_the_store_option(monkeypatch, tmp_path):
    import uvicorn

    import engine.web.app

    seen = []
    monkeypatch.setattr(engine.web.app, "create_app", lambda settings: seen.append(settings) or "app")
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: None)
    assert CliRunner().invoke(cli, ["serve", "--store", str(tmp_path / "s1")]).exit_code == 0
    monkeypatch.setenv("COMPETENCY_STORE", str(tmp_path / "s2"))
    assert CliRunner().invoke(cli, ["serve"]).exit_code == 0
    assert [s.store for s in seen] == [tmp_path / "s1", tmp_path / "s2"]
