"""Probe suggestions: for each competency, the indicators of the next level up that the note does not yet evidence,
as BEI questions in the note's language (from ``cm:probeQuestion``; a template built from the label otherwise).
"""
from __future__ import annotations

from engine.rules.evaluator import WorkingMemory
from engine.rules.scoring import IndicatorEvidenced, LevelConclusion
from ontology.model import Indicator, Model

TEMPLATES = {"en": "Tell me about a specific time when you did this: {label}.",
             "ru": "Расскажите о конкретном случае, когда вы делали следующее: {label}.",
             "zh": "请讲一个您做到以下这一点的具体经历:{label}。"}


def question(indicator: Indicator, lang: str) -> str:
    lang = lang if lang in TEMPLATES else "en"
    asked = indicator.probes.get(lang)
    if asked:
        return asked[0]
    return TEMPLATES[lang].format(label=indicator.label(lang).rstrip("。."))


def probe_suggestions(model: Model, memory: WorkingMemory, competencies: tuple[str, ...], lang: str,
                      limit: int = 4) -> dict[str, list[dict]]:
    evidenced = {f.code for f in memory.of(IndicatorEvidenced)}
    conclusions = {f.competency: f for f in memory.of(LevelConclusion)}
    out: dict[str, list[dict]] = {}
    for comp in competencies:
        levels = model.competencies[comp].levels
        rank = conclusions[comp].rank if comp in conclusions else None
        target = 0 if rank is None else rank  # index of the next level up in ``levels``
        if target >= len(levels):
            out[comp] = []
            continue
        level = model.levels[levels[target]]
        out[comp] = [{"code": code, "level": level.code, "question": question(model.indicators[code], lang)}
                     for code in level.indicators if code not in evidenced][:limit]
    return out
