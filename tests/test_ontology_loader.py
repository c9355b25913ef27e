"""The loader: formats, imports through the catalog, caching, Protégé round trips and clear errors on bad files."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import owlready2
import pytest

import ontology
from ontology.export import export

CM = "https://w3id.org/bei-competency/onto#"
ITEM = "https://w3id.org/bei-competency/item/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def load_error(path) -> str:
    with pytest.raises(ontology.OntologyError) as info:
        ontology.load(path, use_cache=False)
    return str(info.value)


def test_imports_resolve_offline_through_the_catalog(onto):
    names = sorted(Path(p).name for p, _ in onto.files)
    assert names == sorted(["competency.ttl", "schema.ttl", "co.ttl", "gw.ttl", "cc.ttl", "oa.ttl", "sq.ttl",
                            "alignment.ttl", "recognition.ttl"])


@pytest.mark.parametrize("fmt,suffix", [("xml", "owl"), ("jsonld", "jsonld"), ("ttl", "ttl")])
def test_merged_export_loads_back_to_the_same_model(onto, tmp_path, fmt, suffix):
    path = tmp_path / f"merged.{suffix}"
    path.write_bytes(export(onto, fmt))
    again = ontology.load(path, use_cache=False).model
    assert set(again.indicators) == set(onto.model.indicators)
    assert again.positions["GW.POS.05"].requirements == onto.model.positions["GW.POS.05"].requirements
    assert again.indicators["CO.L2.1"].cues == onto.model.indicators["CO.L2.1"].cues


def test_graphml_export_has_typed_nodes(onto):
    data = export(onto, "graphml").decode()
    assert "<graphml" in data and 'id="GW.RR.Sa.3"' in data


def protege_style_edit(source: Path, target: Path) -> None:
    """What a researcher does in Protégé: open, add a competency with two levels and indicators, save as RDF/XML."""
    world = owlready2.World()
    onto = world.get_ontology(source.as_uri()).load()
    items = onto.get_namespace(ITEM)
    cls = lambda name: world[CM + name]  # noqa: E731
    prop = lambda iri: world[iri]  # noqa: E731
    notation, pref, label = prop(SKOS + "notation"), prop(SKOS + "prefLabel"), prop("http://www.w3.org/2000/01/rdf-schema#label")

    def describe(entity, code, en, ru, zh):
        notation[entity].append(code)
        for text, lang in ((en, "en"), (ru, "ru"), (zh, "zh")):
            pref[entity].append(owlready2.locstr(text, lang))
            label[entity].append(owlready2.locstr(text, lang))
        prop(CM + "inFramework")[entity].append(items["GW"])

    with onto:
        comp = cls("Competency")("GW.TW", namespace=items)
        describe(comp, "GW.TW", "Teamwork", "Командная работа", "团队协作")
        prop(CM + "usesScale")[comp].append(items["GW.SCALE"])
        previous = None
        for step, rank in (("Sb", 1), ("Si", 2)):
            level = cls("ProficiencyLevel")(f"GW.TW.{step}", namespace=items)
            describe(level, f"GW.TW.{step}", f"Teamwork {step}", f"Командная работа {step}", f"团队协作{step}")
            prop(CM + "levelOf")[level].append(comp)
            prop(CM + "atStep")[level].append(items[f"GW.SCALE.{step}"])
            prop(CM + "rank")[level].append(rank)
            if previous is not None:
                prop(CM + "nextLevel")[previous].append(level)
            previous = level
            indicator = cls("BehaviouralIndicator")(f"GW.TW.{step}.1", namespace=items)
            describe(indicator, f"GW.TW.{step}.1", f"Helps a colleague ({step})", f"Помогает коллеге ({step})", f"帮助同事({step})")
            prop(CM + "atLevel")[indicator].append(level)
            prop(CM + "indicatorOf")[indicator].append(comp)
            prop(CM + "cuePhrase")[indicator].append(owlready2.locstr("help colleague", "en"))
    onto.save(file=str(target), format="rdfxml")
    world.close()


def test_protege_style_edit_is_loaded_and_listed_without_code_change(onto, tmp_path):
    merged = tmp_path / "merged.owl"
    merged.write_bytes(export(onto, "xml"))
    edited = tmp_path / "edited.owl"
    protege_style_edit(merged, edited)
    model = ontology.load(edited, use_cache=False).model
    assert model.competencies["GW.TW"].levels == ("GW.TW.Sb", "GW.TW.Si")
    assert model.indicators["GW.TW.Si.1"].level == "GW.TW.Si"
    assert model.indicators["GW.TW.Sb.1"].cues["en"] == ("help colleague",)
    listing = subprocess.run([sys.executable, "-m", "engine.cli", "frameworks", "--ontology", str(edited)],
                             capture_output=True, text=True, timeout=120, env={"COLUMNS": "200", "PATH": ""})
    assert listing.returncode == 0, listing.stderr
    assert "GW.TW" in listing.stdout
    root_option = subprocess.run([sys.executable, "-m", "engine.cli", "--ontology", str(edited), "frameworks"],
                                 capture_output=True, text=True, timeout=120, env={"COLUMNS": "200", "PATH": ""})
    assert root_option.returncode == 0 and "GW.TW" in root_option.stdout


def test_cache_is_invalidated_when_a_file_changes(ontology_copy):
    first = ontology.load(ontology_copy)
    assert "CO.L1.1" in first.model.indicators
    co = ontology_copy.parent / "co.ttl"
    co.write_text(co.read_text(encoding="utf-8").replace('skos:notation "CO.L1.1"', 'skos:notation "CO.L1.1x"'), encoding="utf-8")
    second = ontology.load(ontology_copy)
    assert "CO.L1.1x" in second.model.indicators and "CO.L1.1" not in second.model.indicators
    assert first.content_hash != second.content_hash


# --- bad files: each gives a clear error, fast, and never hangs ------------------------------------------------

def run_guarded(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run a load in a child process so that a hang fails the test instead of blocking the suite."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=timeout)


def test_turtle_syntax_error_names_file_and_line(ontology_copy):
    co = ontology_copy.parent / "co.ttl"
    lines = co.read_text(encoding="utf-8").splitlines()
    lines[40] = lines[40] + " <<<broken"
    co.write_text("\n".join(lines), encoding="utf-8")
    message = load_error(ontology_copy)
    assert "co.ttl:41" in message and "syntax" in message.lower()


def test_duplicate_notation_is_reported_with_both_items(ontology_copy):
    co = ontology_copy.parent / "co.ttl"
    co.write_text(co.read_text(encoding="utf-8").replace('skos:notation "CO.L1.2"', 'skos:notation "CO.L1.1"'), encoding="utf-8")
    message = load_error(ontology_copy)
    assert "duplicate notation CO.L1.1" in message and "co.ttl:" in message


def test_indicator_without_level_is_reported(ontology_copy):
    co = ontology_copy.parent / "co.ttl"
    text = co.read_text(encoding="utf-8")
    block_start = text.index("item:CO.L2.3 a cm:BehaviouralIndicator")
    block_end = text.index(" .\n", block_start)
    block = text[block_start:block_end].replace("    cm:atLevel item:CO.L2 ;\n", "")
    co.write_text(text[:block_start] + block + text[block_end:], encoding="utf-8")
    message = load_error(ontology_copy)
    assert "CO.L2.3: has no level" in message


def test_position_requiring_a_missing_level_is_reported(ontology_copy):
    gw = ontology_copy.parent / "gw.ttl"
    gw.write_text(gw.read_text(encoding="utf-8").replace("cm:requiredLevel item:GW.RR.Si", "cm:requiredLevel item:GW.RR.Sx", 1),
                  encoding="utf-8")
    assert "GW.RR.Sx" in load_error(ontology_copy)


def test_unresolvable_import_is_reported(ontology_copy):
    catalog = ontology_copy.parent / "catalog-v001.xml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace('uri="sq.ttl"', 'uri="missing.ttl"'), encoding="utf-8")
    assert "missing.ttl: file not found" in load_error(ontology_copy)


def test_owl_xml_is_refused_with_the_formats_to_save_as(tmp_path):
    path = tmp_path / "onto.owx"
    path.write_text('<?xml version="1.0"?>\n<Ontology xmlns="http://www.w3.org/2002/07/owl#" '
                    'ontologyIRI="http://example.org/x"><Declaration><Class IRI="#A"/></Declaration></Ontology>\n')
    message = load_error(path)
    assert "OWL/XML is not supported" in message and "Turtle or RDF/XML" in message


def test_billion_laughs_is_refused_fast(tmp_path):
    entities = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{"&lol%s;" % (i - 1 if i > 1 else "") * 10}">' for i in range(1, 10)]
    path = tmp_path / "bomb.owl"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(entities) + "\n]>\n"
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
                    'rdf:about="http://example.org/x"><rdf:value>&lol9;</rdf:value></rdf:Description></rdf:RDF>\n')
    result = run_guarded(f"""
        import ontology
        try:
            ontology.load({str(path)!r}, use_cache=False)
        except ontology.OntologyError as exc:
            print(exc)
        """)
    assert "entity expansion" in result.stdout and "bomb.owl:" in result.stdout


def test_protege_namespace_entities_are_allowed(tmp_path, onto):
    """Protégé writes a DOCTYPE whose entities abbreviate namespaces: such a file still loads."""
    xml = export(onto, "xml").decode()
    head, body = xml.split("\n", 1)
    doctype = ('<!DOCTYPE rdf:RDF [\n  <!ENTITY owl "http://www.w3.org/2002/07/owl#" >\n'
               '  <!ENTITY xsd "http://www.w3.org/2001/XMLSchema#" >\n]>\n')
    path = tmp_path / "protege.owl"
    path.write_text(head + "\n" + doctype + body, encoding="utf-8")
    assert "CO.L5.5" in ontology.load(path, use_cache=False).model.indicators


def test_external_entity_is_refused(tmp_path):
    path = tmp_path / "xxe.owl"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n'
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
    assert "external entity" in load_error(path)


def test_not_an_ontology_at_all(tmp_path):
    path = tmp_path / "notes.ttl"
    path.write_bytes(b"\x00\x01garbage \xff\xfe")
    assert "notes.ttl" in load_error(path)
