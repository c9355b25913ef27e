"""``ontology.load``: parse once, validate, and hand out the typed model, the RDF graph and the networkx graph.

Parsing the bundled ontology with rdflib takes a good part of a second; the typed model is cached on disk, keyed on
the content of every file of the import closure, so a warm load only hashes the files and unpickles the model.
The rdflib graph is parsed again only when someone asks for it.
"""
from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import networkx as nx
import rdflib

from ontology import cache, sources
from ontology.build import build_model, locator
from ontology.errors import OntologyError
from ontology.model import Model
from ontology.network import to_networkx

ENV_VAR = "COMPETENCY_ONTOLOGY"
CACHE_VERSION = "1"


def bundled_entry() -> Path:
    """The entry file of the ontology shipped with the package."""
    return Path(str(resources.files("ontology") / "data" / "competency.ttl"))


@dataclass
class Ontology:
    """A loaded ontology: the typed ``model``; ``graph`` (rdflib) and ``network`` (networkx) on demand."""

    entry: Path
    files: tuple[tuple[str, str], ...]  # (path, sha256) of the import closure
    model: Model
    _graph: rdflib.Graph | None = field(default=None, repr=False)
    _network: nx.MultiDiGraph | None = field(default=None, repr=False)

    @property
    def content_hash(self) -> str:
        """A hash of the ontology's content (not of its location): results name the ontology by it."""
        digest = hashlib.sha256()
        for _, file_hash in sorted(self.files, key=lambda f: f[1]):
            digest.update(file_hash.encode())
        return "sha256:" + digest.hexdigest()[:16]

    @property
    def graph(self) -> rdflib.Graph:
        if self._graph is None:
            self._graph = sources.merge(sources.read_closure(self.entry))
        return self._graph

    @property
    def network(self) -> nx.MultiDiGraph:
        if self._network is None:
            self._network = to_networkx(self.model)
        return self._network

    def __getstate__(self):
        return {"entry": self.entry, "files": self.files, "model": self.model, "_graph": None, "_network": None}


def resolve_path(path: str | os.PathLike | None) -> Path:
    """The entry file to load: the argument, else $COMPETENCY_ONTOLOGY, else the bundled ontology."""
    chosen = path or os.environ.get(ENV_VAR)
    if not chosen:
        return bundled_entry()
    entry = Path(chosen).expanduser()
    if entry.is_dir():
        candidates = [entry / n for n in ("competency.ttl", "competency.owl", "competency.rdf")]
        found = next((c for c in candidates if c.exists()), None)
        if found is None:
            raise OntologyError(f"{entry}: a directory without competency.ttl/.owl/.rdf; give the entry file")
        entry = found
    if not entry.exists():
        raise OntologyError(f"{entry}: file not found")
    return entry.resolve()


def _cache_key(entry: Path) -> str:
    return f"{CACHE_VERSION}:{entry}"


def _read_cache(entry: Path) -> Ontology | None:
    cached = cache.read(cache.entry("ontology", _cache_key(entry)))
    if isinstance(cached, Ontology) and sources.closure_is_unchanged(list(cached.files)):
        return cached
    return None


def _write_cache(entry: Path, onto: Ontology) -> None:
    cache.write(cache.entry("ontology", _cache_key(entry)), onto)


def parse(entry: Path) -> Ontology:
    """Parse and validate without the cache."""
    closure = sources.read_closure(entry)
    graph = sources.merge(closure)
    model = build_model(graph, locator(closure))
    return Ontology(entry=entry, files=tuple((str(s.path), s.sha256) for s in closure), model=model, _graph=graph)


@functools.lru_cache(maxsize=8)
def _load_cached(entry: Path, stamp: tuple) -> Ontology:
    onto = _read_cache(entry)
    if onto is None:
        onto = parse(entry)
        _write_cache(entry, onto)
    return onto


def load(path: str | os.PathLike | None = None, *, use_cache: bool = True) -> Ontology:
    """Load an ontology (the bundled one by default) and return its model and graphs.

    Raises OntologyError naming the file and line of every problem found.
    """
    entry = resolve_path(path)
    if not use_cache:
        return parse(entry)
    stat = entry.stat()
    onto = _load_cached(entry, (stat.st_mtime_ns, stat.st_size))
    if not sources.closure_is_unchanged(list(onto.files)):
        _load_cached.cache_clear()
        onto = _load_cached(entry, (stat.st_mtime_ns, stat.st_size))
    return onto
