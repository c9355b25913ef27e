"""A Rich table of a result: levels, key quotes and flags."""
from __future__ import annotations

from rich.table import Table

from ontology.model import Model


def result_table(result: dict, model: Model, lang: str = "en") -> Table:
    table = Table(title=f"{result['id']} · {result['language']} · {', '.join(result['frameworks'])}", show_lines=True)
    for column in ("competency", "level", "confidence", "flags", "key evidence"):
        table.add_column(column)
    by_comp: dict[str, list[dict]] = {}
    for ind in result["indicators"]:
        by_comp.setdefault(ind.get("competency") or ind["framework"], []).append(ind)
    for comp in result["competencies"]:
        quotes = [f"{i['code']}: “{i['evidence'][0]['quote'][:90]}”" for i in by_comp.get(comp["code"], [])][:3]
        level = "—" if comp["level"] is None else str(comp["level"])
        outcome = (result.get("position") or {}).get("outcomes", {}).get(comp["code"])
        table.add_row(f"{comp['code']} {model.competencies[comp['code']].label(lang)}",
                      level + (f"\n{outcome}" if outcome else ""), comp["confidence"], ", ".join(comp["flags"]),
                      "\n".join(quotes) or "not evidenced")
    for framework in sorted({i["framework"] for i in result["indicators"] if not i.get("competency")}):
        items = [i for i in result["indicators"] if i["framework"] == framework and not i.get("competency")]
        table.add_row(framework, f"{len(items)} item(s)", "", ", ".join(i["code"] for i in items if i["negative"]),
                      "\n".join(f"{i['code']}: “{i['evidence'][0]['quote'][:90]}”" for i in items[:4]))
    return table
