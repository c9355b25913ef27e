"""The graph commands as a person runs them: readable by default, JSON with --json, clear refusals."""
from __future__ import annotations

import json

import networkx as nx
from typer.testing import CliRunner

from engine.cli import app

runner = CliRunner()


def result_file(tmp_path):
    data = {"id": "anna", "competencies": [{"code": "GW.CI", "level": "Sb", "flags": []},
                                           {"code": "GW.RR", "level": "Sa", "flags": []}],
            "indicators": [], "engine": {"version": "t", "ontology": "t", "policy": "t"}}
    path = tmp_path / "anna.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_path_json_and_table():
    out = runner.invoke(app, ["path", "GW.RR", "--from", "Sb", "--to", "Sa", "--json"])
    assert out.exit_code == 0, out.output
    assert [s["level"] for s in json.loads(out.stdout)[0]["steps"]] == ["GW.RR.Si", "GW.RR.Sa"]
    table = runner.invoke(app, ["path", "GW.RR", "--from", "Sb", "--to", "Sa", "--lang", "zh"])
    assert table.exit_code == 0 and "应对" in table.stdout and "GW.RR.Sa.3" in table.stdout


def test_gap_and_path_from_a_result(tmp_path):
    source = result_file(tmp_path)
    out = runner.invoke(app, ["gap", str(source), "--position", "GW.POS.07", "--json"])
    assert out.exit_code == 0, out.output
    rows = {g["competency"]: g["outcome"] for g in json.loads(out.stdout)["competencies"]}
    assert rows["GW.CI"] == "GW.R.BELOW" and rows["GW.RR"] == "GW.R.ABOVE" and rows["GW.IN"] == "NOT-SCORED"
    ranked = runner.invoke(app, ["gap", str(source), "--all-positions"])
    assert ranked.exit_code == 0 and "GW.POS.11" in ranked.stdout
    path = runner.invoke(app, ["path", "--result", str(source), "--to-position", "GW.POS.07", "--json"])
    assert [p["competency"] for p in json.loads(path.stdout)] == ["GW.CI", "GW.IN", "GW.RM", "GW.SP", "GW.SR"]


def test_store_who_query_and_team(tmp_path):
    source, store = result_file(tmp_path), ["--store", str(tmp_path / "store")]
    loaded = runner.invoke(app, ["store", "load", str(source), *store])
    assert loaded.exit_code == 0 and "1 added" in loaded.stdout, loaded.output
    assert "1 unchanged" in runner.invoke(app, ["store", "load", str(source), *store]).stdout
    who = runner.invoke(app, ["who", "--competency", "GW.RR", "--min", "Si", "--json", *store])
    assert json.loads(who.stdout) == [{"result": "anna", "level": "Sa", "rank": 3}]
    refused = runner.invoke(app, ["query", "DROP ALL", *store])
    assert refused.exit_code == 2 and "refused" in refused.output
    stats = runner.invoke(app, ["store", "stats", "--json", *store])
    assert json.loads(stats.stdout)["results"] == 1
    team = runner.invoke(app, ["team", "--from-store", "--position", "GW.POS.07", "--out", str(tmp_path / "t"),
                               "--json", *store])
    assert team.exit_code == 0, team.output
    assert json.loads(team.stdout)["distribution"]["GW.RR"] == {"Sa": 1}
    assert (tmp_path / "t" / "team.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (tmp_path / "t" / "team.html").read_text(encoding="utf-8")
    assert "anna" in page and "<script src" not in page


def test_store_load_keeps_quotes_only_with_evidence(tmp_path):
    data = {"id": "boris", "competencies": [{"code": "GW.RR", "level": "Sa", "flags": []}],
            "indicators": [{"code": "GW.RR.Sa.3", "competency": "GW.RR", "weight": 1.0,
                            "evidence": [{"quote": "she called back", "start": 0, "end": 15, "weight": 1.0,
                                          "qualifiers": ["past"]}]}],
            "engine": {"version": "t", "ontology": "t", "policy": "t"}}
    source = tmp_path / "boris.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    count = "SELECT (COUNT(?q) AS ?n) WHERE { ?e <https://w3id.org/bei-competency/onto#quote> ?q }"
    for flags, quotes in [([], 0), (["--with-evidence"], 1)]:
        store = ["--store", str(tmp_path / f"store{len(flags)}")]
        assert runner.invoke(app, ["store", "load", str(source), *flags, *store]).exit_code == 0
        who = runner.invoke(app, ["who", "--competency", "GW.RR", "--min", "Sa", "--json", *store])
        assert json.loads(who.stdout) == [{"result": "boris", "level": "Sa", "rank": 3}]
        assert json.loads(runner.invoke(app, ["query", count, "--json", *store]).stdout) == [{"n": quotes}]


def test_graph_show_writes_a_self_contained_page_and_graphml(tmp_path):
    out = runner.invoke(app, ["graph", "show", "GW", "--out", str(tmp_path)])
    assert out.exit_code == 0, out.output
    page = (tmp_path / "GW.html").read_text(encoding="utf-8")
    assert "GW.RR.Sa.3" in page and "<script src" not in page and "http://" not in page.replace(
        "http://www.w3.org/2000/svg", "")
    graph = nx.read_graphml(tmp_path / "GW.graphml")
    assert {"GW.RR.P1", "GW.POS.05", "GW.RR.Sa.3", "CO.L1.1"} <= set(graph.nodes)
    assert graph.nodes["CO.L1.1"]["external"] and not graph.nodes["GW.RR.Sa.3"]["external"]
    assert "CO.L5.1" not in graph  # no mapping to GW: not drawn
