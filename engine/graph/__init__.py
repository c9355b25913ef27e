"""The knowledge graph for HR: a store of results with the ontology, and questions asked of it.

Python API (plain functions; ``onto`` is ``ontology.load()``):

>>> development_path(onto, "GW.RR", "Sb", "Sa")          # levels, indicators by stage, SKOS-related items
>>> position_gap(onto, result_dict, "GW.POS.05")         # per competency: required, shown, outcome, next steps
>>> rank_positions(onto, result_dict)                    # positions by fit
>>> who(LocalStore(path), onto, "GW.CI", "Si")           # stored results at or above a level
>>> run_query(LocalStore(path), "SELECT …")              # read-only SPARQL
"""
from engine.graph.gaps import paths_to_position, position_gap, rank_positions
from engine.graph.paths import development_path, level_chain, related_items, stage_order
from engine.graph.queries import run_query
from engine.graph.safety import QueryRefused, check_read_only
from engine.graph.show import framework_graph
from engine.graph.store import Endpoint, LocalStore, StoreError, default_store_path
from engine.graph.team import team_view, who

__all__ = ["development_path", "level_chain", "stage_order", "related_items", "position_gap", "rank_positions",
           "paths_to_position", "who", "team_view", "run_query", "check_read_only", "QueryRefused", "framework_graph",
           "LocalStore", "Endpoint", "StoreError", "default_store_path"]
