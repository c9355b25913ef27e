"""The workbench's exports besides the result JSON: an annotated note in the corpus format of EVALUATION.md, so that
notes an assessor corrected can grow the project's corpora.
"""
from __future__ import annotations

from typing import Any

from engine.corpus import parse_note
from ontology.model import Model

# qualifier of a discounted clause → the corpus phenomenon it shows
PHENOMENA = {"we": "we", "other": "other_actor", "hypothetical": "hypothetical", "generic": "generic",
             "negated": "negation", "reported": "reported_speech", "interviewer": "interviewer_turns"}


def corpus_record(result: dict[str, Any], text: str, model: Model) -> dict[str, Any]:
    """The result as gold labels: evidenced indicators, levels, one quote per indicator, phenomena seen.

    Checked with the corpus reader before it is returned, so a record the page exports always loads.
    """
    indicators = result["indicators"]
    qualifiers = {q for ev in result.get("discounted", []) for q in ev.get("qualifiers", [])}
    phenomena = sorted({PHENOMENA[q] for q in qualifiers if q in PHENOMENA}
                       | ({"mixed_lang"} if result["language"] == "mixed" else set()))
    overrides = result.get("overrides", [])
    record = {"id": result["id"], "lang": result["language"], "frameworks": result["frameworks"],
              "source": "workbench" + (f", {len(overrides)} assessor override(s)" if overrides else ""),
              "text": text,
              "gold": {"indicators": [i["code"] for i in indicators if not i["negative"]],
                       "negatives": [i["code"] for i in indicators if i["negative"]],
                       "levels": {c["code"]: c["level"] for c in result["competencies"]},
                       "evidence": [{"code": i["code"], "quote": ev["quote"]} for i in indicators
                                    for ev in i["evidence"]]},
              "phenomena": phenomena}
    if overrides:
        record["overrides"] = overrides
    parse_note(record, f"export of {result['id']}", model)
    return record
