"""Errors of the ontology layer: every message names the file (and line, where one is known)."""
from __future__ import annotations


class OntologyError(Exception):
    """The ontology cannot be used: a file does not parse, an import cannot be resolved, or the content is invalid.

    ``problems`` lists every defect found (so a researcher fixes them in one pass, not one per run).
    """

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))
