"""A small stratified forward-chaining evaluator and the scoring rules a policy configures.

Why not an existing rules library: owlready2's SWRL and Pellet cannot express "the highest level with evidence"
(it needs aggregation over a closed world), pySHACL-AF rules are slow, and a production-rule library would add a
dependency for a few dozen lines. See DESIGN.md beside this file.
"""
from engine.rules.evaluator import Fact, Rule, WorkingMemory, run
from engine.rules.scoring import build_rules

__all__ = ["Fact", "Rule", "WorkingMemory", "run", "build_rules"]
