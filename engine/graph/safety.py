"""Free SPARQL stays read-only and local: UPDATE, LOAD, SERVICE and federated FROM are refused before execution.

Both rdflib and pyoxigraph would run SERVICE and LOAD against the network, so the query is parsed (rdflib's SPARQL
1.1 grammar) and its syntax tree inspected: a keyword inside a string, a comment or an IRI is not a clause and does
not trip the check, and a clause hidden in a sub-query does.
"""
from __future__ import annotations

from typing import Any, Iterator

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef

LOCAL_GRAPHS = "https://w3id.org/bei-competency/"
FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


class QueryRefused(ValueError):
    """The query would write, load from the network or call another endpoint; the message says which clause."""


def _walk(node: Any) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        for value in node:
            yield from _walk(value)


def _prefixes(prologue: Any) -> dict[str, str]:
    return {str(d.get("prefix") or ""): str(d["iri"]) for d in _walk(prologue) if d.name == "PrefixDecl"}


def _iri(term: Any, prefixes: dict[str, str]) -> str:
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, CompValue) and term.name == "pname":
        return prefixes.get(str(term.get("prefix") or ""), "?") + str(term.get("localname") or "")
    return str(term)


def check_read_only(sparql: str) -> str:
    """The query form (SELECT, ASK, CONSTRUCT, DESCRIBE) of a query that may run; QueryRefused otherwise."""
    try:
        prologue, query = parseQuery(sparql)
    except ParseException as query_error:
        try:
            request = parseUpdate(sparql)
        except ParseException:
            raise QueryRefused(f"not a SPARQL 1.1 query: {query_error.msg} (line {query_error.lineno}, "
                               f"column {query_error.col})") from None
        kinds = sorted({op.name for op in request.get("request", []) if isinstance(op, CompValue)})
        raise QueryRefused("updates are refused; queries are read-only (this one is "
                           f"{', '.join(kinds) or 'an update'})") from None
    prefixes = _prefixes(prologue)
    for node in _walk(query):
        if node.name == "ServiceGraphPattern":
            raise QueryRefused(f"SERVICE <{_iri(node['term'], prefixes)}> is refused: queries run on the local "
                               "graph only")
        if node.name == "DatasetClause":
            iri = _iri(node.get("default", node.get("named")), prefixes)
            if not iri.startswith(LOCAL_GRAPHS):
                raise QueryRefused(f"FROM <{iri}> is refused: only the store's own graphs ({LOCAL_GRAPHS}…) "
                                   "may be named")
    return FORMS.get(query.name, query.name)

