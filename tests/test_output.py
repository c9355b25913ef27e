"""Every emitter against the output contract's JSON Schema; RDF (PROV-O) and HTML emitters."""
from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
import rdflib
from rdflib.namespace import PROV, RDF

import engine
from engine.emit.html import render
from engine.emit.rdf import result_graph
from ontology.vocab import CM

SCHEMA = json.loads((resources.files("engine") / "schema" / "result.schema.json").read_text(encoding="utf-8"))
NOTE = ("Q: Tell me about a customer problem.\nA: In May a tenant complained that the heating was off. "
        "I called the customer back two days later to check that the repair worked for her. "
        "My colleague would have escalated it, but I didn't need to. I promised a refund by Friday that I could not deliver.")


@pytest.fixture(scope="module")
def result():
    return engine.assess(NOTE, frameworks=["CO", "GW"], position="GW.POS.05", note_id="n1")


def test_python_api_result_matches_the_schema(result):
    data = result.to_json()
    jsonschema.validate(data, SCHEMA)
    assert {c["code"] for c in data["competencies"]} == {"CO", "GW.IN", "GW.SP", "GW.RR", "GW.SR", "GW.CI", "GW.RM"}
    assert data["position"]["code"] == "GW.POS.05" and set(data["position"]["outcomes"]) == set(
        k for k in ("GW.IN", "GW.SP", "GW.RR", "GW.SR", "GW.CI", "GW.RM"))
    for ind in data["indicators"]:
        for ev in ind["evidence"]:
            assert NOTE[ev["start"]:ev["end"]] == ev["quote"]


def test_schema_rejects_a_broken_result(result):
    broken = result.to_json()
    broken["competencies"][0]["level"] = 9
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_levels_carry_justifications_and_probes(result):
    co = next(c for c in result.to_json()["competencies"] if c["code"] == "CO")
    assert co["level"] is not None and co["justification"]["premises"]
    assert "conflict" in co["flags"]
    assert all(p["question"] for p in co["probes"])


def test_ttl_is_prov_o_and_loads(result, onto):
    graph = rdflib.Graph().parse(data=result_graph(result.to_json(), NOTE, onto.model).serialize(format="turtle"),
                                 format="turtle")
    levels = list(graph.subjects(RDF.type, CM.InferredLevel))
    assert len(levels) == 7
    evidence = list(graph.subjects(RDF.type, CM.Evidence))
    assert evidence and all((e, PROV.wasQuotedFrom, None) in graph for e in evidence)
    assert any((lv, PROV.wasDerivedFrom, None) in graph for lv in levels)
    assert NOTE not in graph.serialize(format="nt")  # the note itself never goes into the graph


def test_html_report_escapes_user_text_and_is_self_contained(onto):
    text = "<script>alert('x')</script> I called the customer back two days later to check the repair worked."
    data = engine.assess(text, frameworks=["CO"], note_id="<b>id</b>").to_json()
    page = render(data, text, onto.model)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;id&lt;/b&gt;" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page
    assert "<mark" in page and "<svg" in page


def test_unknown_framework_and_position_are_usage_errors():
    from engine.assessor import UsageError

    with pytest.raises(UsageError, match="unknown framework"):
        engine.assess("text", frameworks=["XX"])
    with pytest.raises(UsageError, match="unknown position GW.POS.99"):
        engine.assess("text", frameworks=["GW"], position="GW.POS.99")
