"""Reading ontology files: format detection, safe XML, and owl:imports resolved offline through catalog-v001.xml.

Protégé saves Turtle, RDF/XML, OWL/XML and a few other syntaxes. rdflib reads Turtle, RDF/XML and JSON-LD; the
others are refused with a message that says which formats to save as, instead of failing somewhere deeper.
"""
from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from xml.sax import SAXParseException

import rdflib
from rdflib.plugins.parsers.notation3 import BadSyntax

from ontology.errors import OntologyError
from ontology.vocab import OWL, RDF

SAVE_AS = "save it from Protégé as Turtle or RDF/XML (File › Save as…)"
MAX_ENTITIES = 200
MAX_ENTITY_LENGTH = 4096

_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(\[(?P<subset>.*?)\])?\s*>", re.S)
_ENTITY = re.compile(rb"<!ENTITY\s+(?P<pe>%\s*)?(?P<name>[^\s]+)\s+(?P<body>.*?)>", re.S)


@dataclass(frozen=True)
class SourceFile:
    """One parsed file of the import closure."""

    path: Path
    format: str
    sha256: str
    graph: rdflib.Graph


def sniff_format(path: Path, head: bytes) -> str:
    """Tell the syntax of an ontology file from its first bytes (extensions lie: Protégé saves .owl in any syntax)."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        root = _xml_root(text)
        if root.endswith("}Ontology") and "http://www.w3.org/2002/07/owl#" in root:
            raise OntologyError(f"{path}: OWL/XML is not supported; {SAVE_AS}")
        if root.endswith("}RDF"):
            return "xml"
        raise OntologyError(f"{path}: XML root element {root or '?'} is neither rdf:RDF nor a known ontology; {SAVE_AS}")
    if text.startswith((b"{", b"[")):
        return "json-ld"
    if text.startswith((b"Prefix(", b"Ontology(")):
        raise OntologyError(f"{path}: OWL functional syntax is not supported; {SAVE_AS}")
    if text.startswith((b"Prefix:", b"Ontology:")):
        raise OntologyError(f"{path}: Manchester syntax is not supported; {SAVE_AS}")
    if text.startswith((b"format-version:",)):
        raise OntologyError(f"{path}: OBO format is not supported; {SAVE_AS}")
    return "turtle"


def _xml_root(text: bytes) -> str:
    """The namespaced tag of the first element, read without expanding any entity."""
    match = re.search(rb"<(?![?!])([\w.:-]+)", text)
    if not match:
        return ""
    prefix, _, local = match.group(1).decode().rpartition(":")
    ns = re.search(rb'xmlns' + (b":" + prefix.encode() if prefix else b"") + rb'\s*=\s*"([^"]*)"', text)
    return "{%s}%s" % (ns.group(1).decode() if ns else "", local)


def check_xml_safety(path: Path, data: bytes) -> None:
    """Refuse entity tricks before any XML parser sees the file.

    Protégé writes a DOCTYPE whose entities abbreviate namespace IRIs; those stay allowed. Entities that refer to
    other entities ("billion laughs"), parameter entities and external (SYSTEM/PUBLIC) entities are refused.
    """
    doctype = _DOCTYPE.search(data)
    if not doctype:
        if b"<!ENTITY" in data:
            raise OntologyError(f"{path}:{_line_of(data, data.index(b'<!ENTITY'))}: malformed DOCTYPE with entity declarations")
        return
    subset = doctype.group("subset") or b""
    entities = list(_ENTITY.finditer(subset))
    if len(entities) > MAX_ENTITIES:
        raise OntologyError(f"{path}: {len(entities)} entity declarations (more than {MAX_ENTITIES}); refused")
    offset = doctype.start("subset") if doctype.group("subset") is not None else doctype.start()
    for entity in entities:
        line = _line_of(data, offset + entity.start())
        name = entity.group("name").decode(errors="replace")
        body = entity.group("body")
        if entity.group("pe"):
            raise OntologyError(f"{path}:{line}: parameter entity %{name} refused")
        if re.match(rb"\s*(SYSTEM|PUBLIC)\b", body):
            raise OntologyError(f"{path}:{line}: external entity {name} refused (the ontology must load offline)")
        if b"&" in body or b"%" in body:
            raise OntologyError(f"{path}:{line}: entity {name} refers to other entities (entity expansion attack); refused")
        if len(body) > MAX_ENTITY_LENGTH:
            raise OntologyError(f"{path}:{line}: entity {name} is {len(body)} bytes long; refused")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_file(path: Path) -> SourceFile:
    """Parse one file, turning every syntax error into an OntologyError that names the file and line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OntologyError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    fmt = sniff_format(path, data[:4096])
    if fmt == "xml":
        check_xml_safety(path, data)
    graph = rdflib.Graph()
    try:
        graph.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        raise OntologyError(f"{path}:{exc.lines + 1}: Turtle syntax error: {exc.message}") from exc
    except SAXParseException as exc:
        raise OntologyError(f"{path}:{exc.getLineNumber()}: XML error: {exc.getMessage()}") from exc
    except Exception as exc:  # rdflib raises many exception types for malformed input
        raise OntologyError(f"{path}: cannot parse as {fmt}: {exc}") from exc
    return SourceFile(path=path, format=fmt, sha256=hashlib.sha256(data).hexdigest(), graph=graph)


def read_catalog(directory: Path) -> dict[str, Path]:
    """IRI → local file from a Protégé catalog-v001.xml in ``directory`` (empty when there is none)."""
    catalog = directory / "catalog-v001.xml"
    if not catalog.exists():
        return {}
    data = catalog.read_bytes()
    check_xml_safety(catalog, data)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise OntologyError(f"{catalog}:{exc.position[0]}: XML error: {exc}") from exc
    mapping = {}
    for element in root.iter():
        if element.tag.endswith("}uri") and element.get("name") and element.get("uri"):
            mapping[element.get("name")] = (directory / element.get("uri")).resolve()
    return mapping


def resolve_import(iri: str, importer: Path) -> Path:
    """Where the file of an imported ontology lies, offline: the importer's catalog, else a file: IRI."""
    catalog = read_catalog(importer.parent)
    if iri in catalog:
        return catalog[iri]
    if iri.startswith("file:"):
        return Path(rdflib.util.url2pathname(iri[5:].removeprefix("//")))
    raise OntologyError(
        f"{importer}: owl:imports <{iri}> cannot be resolved offline; map it to a local file in "
        f"{importer.parent / 'catalog-v001.xml'}")


def read_closure(entry: Path) -> list[SourceFile]:
    """Parse the entry file and everything it imports, transitively, each file once."""
    seen: dict[Path, SourceFile] = {}
    pending = [entry.resolve()]
    while pending:
        path = pending.pop(0)
        if path in seen:
            continue
        if not path.exists():
            raise OntologyError(f"{path}: file not found")
        source = parse_file(path)
        seen[path] = source
        for iri in source.graph.objects(None, OWL.imports):
            pending.append(resolve_import(str(iri), path))
    return list(seen.values())


def closure_is_unchanged(files: list[tuple[str, str]]) -> bool:
    """True when every (path, sha256) still holds: the cache key of a loaded ontology."""
    for name, digest in files:
        try:
            if hashlib.sha256(Path(name).read_bytes()).hexdigest() != digest:
                return False
        except OSError:
            return False
    return True


def merge(sources: list[SourceFile]) -> rdflib.Graph:
    """One graph of the whole closure, with the namespace prefixes the files declared."""
    merged = rdflib.Graph()
    for source in sources:
        for prefix, ns in source.graph.namespaces():
            merged.bind(prefix, ns, override=False)
        merged += source.graph
    return merged


def ontology_iris(graph: rdflib.Graph) -> list[str]:
    return [str(s) for s in graph.subjects(RDF.type, OWL.Ontology)]
