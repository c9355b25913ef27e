"""The ``competency`` command: score formats, batch, eval, and clear errors with non-zero exit codes."""
from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from typer.testing import CliRunner

from engine.cli import app

runner = CliRunner()
SCHEMA = json.loads((resources.files("engine") / "schema" / "result.schema.json").read_text(encoding="utf-8"))
NOTE = "Я перезвонила клиентке через два дня и уточнила, устраивает ли её результат ремонта."


@pytest.fixture()
def note_file(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text(NOTE, encoding="utf-8")
    return path


def test_score_json_matches_the_schema(note_file):
    out = runner.invoke(app, ["score", str(note_file), "--framework", "CO,GW", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["language"] == "ru" and data["id"] == "note.txt"


@pytest.mark.parametrize("fmt,marker", [("table", "CO"), ("html", "<!DOCTYPE html>"), ("ttl", "prov:wasQuotedFrom")])
def test_score_formats(note_file, tmp_path, fmt, marker):
    target = tmp_path / f"out.{fmt}"
    args = ["score", str(note_file), "--format", fmt] + (["--output", str(target)] if fmt != "table" else [])
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    assert marker in (target.read_text(encoding="utf-8") if fmt != "table" else out.stdout)


def test_score_reads_standard_input():
    out = runner.invoke(app, ["score", "-", "--format", "json"], input=NOTE)
    assert out.exit_code == 0 and json.loads(out.stdout)["id"] == "stdin"


@pytest.mark.parametrize("args,message", [
    (["--framework", "XX"], "unknown framework"),
    (["--framework", "GW", "--position", "GW.POS.99"], "unknown position"),
    (["--policy", "/nonexistent/policy.toml"], "cannot read"),
])
def test_score_usage_errors(note_file, args, message):
    out = runner.invoke(app, ["score", str(note_file), *args])
    assert out.exit_code == 2 and message in out.output


def test_batch_one_line_per_input_and_error_records(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([
        json.dumps({"id": "a", "text": NOTE}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "c", "text": "I called the customer back to check the repair worked.", "frameworks": ["CO"]}),
        json.dumps({"id": "d", "text": "x", "frameworks": ["NOPE"]}),
        json.dumps({"id": "e", "text": ""}),
    ]) + "\n", encoding="utf-8")
    out = runner.invoke(app, ["batch", str(source), "--out", str(tmp_path / "out")])
    assert out.exit_code == 0, out.output
    lines = [json.loads(x) for x in (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in lines] == ["a", "line-2", "c", "d", "e"]
    for ok in (lines[0], lines[2]):
        jsonschema.validate(ok, SCHEMA)
    errors = [json.loads(x) for x in (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["id"], e["line"]) for e in errors] == [("line-2", 2), ("d", 4), ("e", 5)]  # an empty note is an error
    assert "unknown framework" in errors[1]["error"] and "empty" in errors[2]["error"]
    assert [x["error"] for x in lines if "error" in x] == [e["error"] for e in errors]


def test_eval_json_on_a_small_corpus(tmp_path):
    corpus = tmp_path / "c.jsonl"
    note = {"id": "t1", "lang": "en", "frameworks": ["CO"], "source": "authored",
            "text": "I called the customer back two days later to check that the new tariff worked for her.",
            "gold": {"indicators": ["CO.L2.1"], "negatives": [], "levels": {"CO": 2},
                     "evidence": [{"code": "CO.L2.1", "quote": "I called the customer back two days later"}]},
            "phenomena": []}
    corpus.write_text(json.dumps(note) + "\n", encoding="utf-8")
    out = runner.invoke(app, ["eval", str(corpus), "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    engine_figures = report["systems"]["engine"]["overall"]
    assert engine_figures["indicators"]["tp"] >= 1 and "baseline" in report["systems"]
    assert set(report["systems"]["engine"]["by_language"]) == {"en"}


@pytest.mark.parametrize("line,field", [
    ('{"id": "x", "lang": "fr", "frameworks": ["CO"], "text": "t", "gold": {}}', "lang"),
    ('{"id": "x", "lang": "en", "frameworks": ["CO"], "text": "t", "gold": {"indicators": [], "negatives": [], "levels": {}, "evidence": [{"code": "CO.L1.1", "quote": "absent"}]}}', "gold.evidence[0].quote"),
    ('{"id": "x", "lang": "en", "frameworks": ["CO"], "text": "t", "gold": {"indicators": ["CO.L9.9"], "negatives": [], "levels": {}, "evidence": []}}', "gold.indicators"),
    ("not json at all", "(line)"),
])
def test_eval_refuses_a_malformed_corpus_with_file_line_and_field(tmp_path, line, field):
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"id": "ok", "lang": "en", "frameworks": ["CO"], "text": "t", "gold": {"indicators": [], '
                      '"negatives": [], "levels": {}, "evidence": []}}\n' + line + "\n", encoding="utf-8")
    out = runner.invoke(app, ["eval", str(corpus), "--no-baseline"])
    assert out.exit_code == 2
    assert "bad.jsonl:2" in out.output and field in out.output


def test_frameworks_and_ontology_commands():
    out = runner.invoke(app, ["frameworks"], env={"COLUMNS": "200"})
    assert out.exit_code == 0 and "GW.RR" in out.stdout
    out = runner.invoke(app, ["ontology", "check", "--no-reasoner"])
    assert out.exit_code == 0 and "OK" in out.stdout


def test_ontology_check_reports_an_injected_defect(ontology_copy):
    co = ontology_copy.parent / "co.ttl"
    co.write_text(co.read_text(encoding="utf-8").replace('"Level 1"@en', '"Level 1"@de'), encoding="utf-8")
    sq = ontology_copy.parent / "sq.ttl"
    text = sq.read_text(encoding="utf-8")
    import re
    text = re.sub(r'(item:SQ\.C\.7 a cm:ChecklistItem ;\n    skos:notation "SQ.C.7" ;\n    skos:prefLabel [^;]*?)"[^"]*"@zh', r'\1"x"@de', text)
    sq.write_text(text, encoding="utf-8")
    out = runner.invoke(app, ["ontology", "check", str(ontology_copy), "--no-reasoner"])
    assert out.exit_code == 1
    assert "SQ.C.7" in out.output and "Chinese" in out.output


def test_demo_scores_the_bundled_examples():
    out = runner.invoke(app, ["demo"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "example-ru-1" in out.stdout and "example-zh-1" in out.stdout and "example-en-1" in out.stdout


def test_eval_reads_a_results_file_and_refuses_a_malformed_one(tmp_path):
    note = {"id": "t1", "lang": "en", "frameworks": ["CO"], "source": "authored",
            "text": "I called the customer back two days later to check that the new tariff worked for her.",
            "gold": {"indicators": ["CO.L2.1"], "negatives": [], "levels": {"CO": 2},
                     "evidence": [{"code": "CO.L2.1", "quote": "I called the customer back two days later"}]},
            "phenomena": []}
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps(note) + "\n", encoding="utf-8")
    assert runner.invoke(app, ["batch", str(corpus), "--out", str(tmp_path / "out"), "--quiet"]).exit_code == 0
    out = runner.invoke(app, ["eval", str(corpus), "--results", str(tmp_path / "out" / "results.jsonl"),
                              "--no-baseline", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["systems"]["results"]["overall"]["indicators"]["tp"] == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "t1"}\n', encoding="utf-8")
    out = runner.invoke(app, ["eval", str(corpus), "--results", str(bad), "--no-baseline"])
    assert out.exit_code == 2 and "bad.jsonl:1" in out.output and "competencies" in out.output
