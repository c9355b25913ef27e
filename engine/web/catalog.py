"""What the page offers to pick, labelled in the interface language: frameworks with their competencies and
indicators (for adding evidence), positions with their requirements, bundled policies.
"""
from __future__ import annotations

from typing import Any

from ontology.model import Model

LANGS = ("en", "ru", "zh")


def frameworks(model: Model, lang: str) -> list[dict[str, Any]]:
    out = []
    for fw in model.frameworks.values():
        competencies = [{"code": c, "label": model.competencies[c].label(lang),
                         "levels": [model.level_value(lv) for lv in model.competencies[c].levels]}
                        for c in fw.competencies]
        indicators = []
        for code in fw.indicators:
            ind = model.indicators[code]
            indicators.append({"code": code, "label": ind.label(lang), "negative": ind.negative, "kind": ind.kind,
                               "competency": ind.competency,
                               "level": model.level_value(ind.level) if ind.level else None})
        out.append({"code": fw.code, "label": fw.label(lang), "levelled": fw.levelled,
                    "competencies": competencies, "indicators": indicators})
    return out


def positions(model: Model, lang: str) -> list[dict[str, Any]]:
    return [{"code": pos.code, "label": pos.label(lang), "framework": pos.framework,
             "required": {c: (model.level_value(lv) if lv else "N/A") for c, lv in sorted(pos.requirements.items())}}
            for pos in model.positions.values()]
