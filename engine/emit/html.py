"""A self-contained HTML report an assessor can hand over: the note with evidence highlighted per competency,
discounted clauses marked, level cards with the justification unfolded, probe questions and a profile chart.
No external resources (fonts, scripts, CDNs); every piece of user text is escaped.
"""
from __future__ import annotations

from html import escape

from ontology.model import Model

PALETTE = ["#f4a261", "#2a9d8f", "#e76f51", "#8ab17d", "#b56576", "#457b9d", "#e9c46a", "#6d597a", "#90be6d"]
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:2rem auto;max-width:1100px;
color:#1d2330;line-height:1.5;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}.meta{color:#5b6474;font-size:.85rem}
.note{white-space:pre-wrap;border:1px solid #d8dde6;border-radius:8px;padding:1rem;background:#fbfcfe}
mark{border-radius:3px;padding:0 1px}mark.discounted{background:none;border-bottom:2px dashed #9aa3b2}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1rem}
.card{border:1px solid #d8dde6;border-radius:8px;padding:.8rem 1rem;border-top:6px solid var(--c)}
.level{font-size:1.6rem;font-weight:700}.flag{background:#fde2e1;color:#9b1c1c;border-radius:4px;padding:0 .4rem;
font-size:.8rem;margin-right:.3rem}.null{color:#8a93a3}details{margin:.4rem 0}summary{cursor:pointer}
ul{padding-left:1.2rem}.q{font-style:italic}.legend span{display:inline-block;margin-right:1rem}
.sw{display:inline-block;width:.9rem;height:.9rem;border-radius:2px;vertical-align:middle;margin-right:.3rem}
table{border-collapse:collapse}td,th{border:1px solid #d8dde6;padding:.2rem .5rem;text-align:left}
"""


def _colours(result: dict) -> dict[str, str]:
    codes = [c["code"] for c in result["competencies"]]
    codes += sorted({i["framework"] for i in result["indicators"] if not i.get("competency")})
    return {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(dict.fromkeys(codes))}


def _group(indicator: dict) -> str:
    return indicator.get("competency") or indicator.get("framework") or indicator["code"].split(".")[0]


def highlighted_note(text: str, result: dict, model: Model, lang: str) -> str:
    """The note with one <mark> per run of characters covered by the same evidence."""
    colours = _colours(result)
    spans = []
    for ind in result["indicators"]:
        for ev in ind["evidence"]:
            spans.append((ev["start"], ev["end"], "counted", ind["code"], _group(ind), ev))
    for ev in result.get("discounted", []):
        spans.append((ev["start"], ev["end"], "discounted", ev["code"], "", ev))
    cuts = sorted({0, len(text), *(s for s, *_ in spans), *(e for _, e, *_ in spans)})
    parts = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [s for s in spans if s[0] <= start and end <= s[1]]
        chunk = escape(text[start:end])
        if not covering:
            parts.append(chunk)
            continue
        counted = [s for s in covering if s[2] == "counted"]
        tips = []
        for _, _, kind, code, _, ev in covering:
            item = model.indicators.get(code)
            name = item.label(lang) if item else code
            level = f" ({item.level})" if item and item.level else ""
            why = "; ".join(ev.get("reasons", [])) or "counts"
            tips.append(f"{code}{level} {name} — weight {ev['weight']:g} [{', '.join(ev['qualifiers'])}] {why}"
                        if kind == "counted" else f"discounted {code}: {why}")
        title = escape("\n".join(tips), quote=True)
        if counted:
            colour = colours.get(counted[0][4], "#e9c46a")
            parts.append(f'<mark style="background:{colour}55" title="{title}">{chunk}</mark>')
        else:
            parts.append(f'<mark class="discounted" title="{title}">{chunk}</mark>')
    return "".join(parts)


def profile_chart(result: dict, model: Model) -> str:
    """An inline SVG bar chart of the levels, each on its own scale."""
    rows = [c for c in result["competencies"]]
    height = 28 * len(rows) + 10
    bars = []
    for i, comp in enumerate(rows):
        levels = model.competencies[comp["code"]].levels
        values = [model.level_value(lv) for lv in levels]
        level = comp["level"]
        rank = 0 if level is None else (values.index(str(level)) + 1 if str(level) in values else 0)
        width = 360 * rank / len(levels)
        y = 8 + 28 * i
        label = "not evidenced" if level is None else str(level)
        bars.append(f'<text x="0" y="{y + 14}" font-size="12">{escape(comp["code"])}</text>'
                    f'<rect x="70" y="{y}" width="360" height="18" fill="#eef1f6"/>'
                    f'<rect x="70" y="{y}" width="{width:.0f}" height="18" fill="#457b9d"/>'
                    f'<text x="440" y="{y + 14}" font-size="12">{escape(label)}</text>')
    return f'<svg role="img" aria-label="competency profile" width="540" height="{height}">{"".join(bars)}</svg>'


def render(result: dict, text: str, model: Model, lang: str = "en") -> str:
    lang = lang if lang in ("en", "ru", "zh") else "en"
    colours = _colours(result)
    cards = []
    for comp in result["competencies"]:
        item = model.competencies[comp["code"]]
        level = comp["level"]
        level_html = f'<span class="level">{escape(str(level))}</span>' if level is not None else \
            '<span class="level null">not evidenced</span>'
        flags = "".join(f'<span class="flag">{escape(f)}</span>' for f in comp["flags"])
        premises = "".join(f"<li>{escape(p)}</li>" for p in comp.get("justification", {}).get("premises", []))
        probes = "".join(f'<li><span class="q">{escape(p["question"])}</span> <small>({escape(p["code"])})</small></li>'
                         for p in comp.get("probes", []))
        cards.append(f'<div class="card" style="--c:{colours[comp["code"]]}"><div><b>{escape(comp["code"])}</b> '
                     f'{escape(item.label(lang))}</div>{level_html} <span class="meta">confidence '
                     f'{escape(comp["confidence"])}</span><div>{flags}</div>'
                     f'<details><summary>Justification: {escape(comp.get("justification", {}).get("rule", ""))}</summary>'
                     f'<ul>{premises or "<li>nothing evidenced</li>"}</ul></details>'
                     f'<details open><summary>Probe questions</summary><ul>{probes or "<li>—</li>"}</ul></details></div>')
    checklist = [i for i in result["indicators"] if not i.get("competency")]
    checklist_html = "".join(f'<tr><td>{escape(i["code"])}</td><td>{escape(model.indicators[i["code"]].label(lang))}</td>'
                             f'<td>{"negative" if i["negative"] else "met"}</td></tr>' for i in checklist
                             if i["code"] in model.indicators)
    position = ""
    if result.get("position"):
        rows = "".join(f"<tr><td>{escape(c)}</td><td>{escape(str(result['position'].get('required', {}).get(c, '')))}</td>"
                       f"<td>{escape(o)}</td></tr>" for c, o in result["position"]["outcomes"].items())
        position = (f"<h2>Position {escape(result['position']['code'])}</h2><table><tr><th>competency</th>"
                    f"<th>required</th><th>outcome</th></tr>{rows}</table>")
    legend = "".join(f'<span><i class="sw" style="background:{c}"></i>{escape(code)}</span>' for code, c in colours.items())
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>Assessment {escape(result["id"])}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head><body>'
            f'<h1>Assessment of note {escape(result["id"])}</h1><p class="meta">frameworks {escape(", ".join(result["frameworks"]))}'
            f' · language {escape(result["language"])} · engine {escape(result["engine"]["version"])} · ontology '
            f'{escape(result["engine"]["ontology"])} · policy {escape(result["engine"]["policy"])}</p>'
            f'<h2>Profile</h2>{profile_chart(result, model)}<h2>Levels</h2><div class="cards">{"".join(cards)}</div>'
            f'{position}'
            + (f'<h2>Checklist items</h2><table><tr><th>code</th><th>item</th><th></th></tr>{checklist_html}</table>' if checklist_html else "")
            + f'<h2>Note</h2><p class="legend">{legend}<span><i class="sw" style="border-bottom:2px dashed #9aa3b2"></i>'
            f'discounted (we / hypothetical / negated / other actor / interviewer)</span></p>'
            f'<div class="note">{highlighted_note(text, result, model, lang)}</div></body></html>')
