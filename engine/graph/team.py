"""Who has what, over stored results; team views of people × competencies against a position.

``who`` asks the store (SPARQL, so it runs on the embedded store or any endpoint); the team view works on a list of
(person, competency → rank) rows, read from result files or from the store, and draws them with matplotlib (Agg).
"""
from __future__ import annotations

import base64
import html
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

from engine.graph.gaps import demonstrated_ranks
from engine.graph.paths import competency_of, level_chain, level_rank, value_of
from engine.graph.rdf import note_id
from engine.graph.store import Backend, short
from ontology.loader import Ontology
from ontology.vocab import CM, ITEM

PROV = "http://www.w3.org/ns/prov#"
NOT_EVIDENCED = "not evidenced"


@dataclass(frozen=True)
class Holder:
    """A stored result whose level of the competency is at least the minimum asked for."""

    result: str
    level: str
    rank: int


def who(backend: Backend, onto: Ontology, competency: str, minimum: Any) -> list[Holder]:
    """``competency who --competency GW.CI --min Si``: stored results at or above a level, highest first."""
    competency = competency_of(onto, competency)
    floor = level_rank(onto, competency, minimum) or 0
    chain = level_chain(onto, competency)
    ranks = {f"{ITEM}{code}": rank for rank, code in enumerate(chain, 1) if rank >= floor}
    # The selective pattern alone: an index lookup per demonstrated level IRI at or above the floor; the note id is
    # read from the IRI of the inferred level, which hangs under its result's, so nothing is joined (a join with
    # cm:noteId costs 3× as much).
    below_lowest = "" if floor else f"""UNION {{
          ?inferred <{CM}demonstratedRank> 0 ; <{CM}aboutCompetency> <{ITEM}{competency}> }}"""
    answer = backend.query(f"""
        SELECT ?inferred ?level WHERE {{
          {{ VALUES ?level {{ {" ".join(f"<{iri}>" for iri in ranks)} }}
            ?inferred <{CM}demonstratedLevel> ?level }} {below_lowest}
        }}""")
    names = {rank: value_of(onto, competency, rank) for rank in range(len(chain) + 1)}
    holders = []
    for row in answer.rows:
        rank = ranks.get(row["level"], 0)
        holders.append(Holder(note_id(row["inferred"]), names[rank], rank))
    return sorted(holders, key=lambda h: (-h.rank, h.result))


@dataclass
class TeamView:
    """People × competencies: ranks (None: not evidenced), and a position's required ranks when one is given."""

    competencies: list[str]
    people: list[str]
    ranks: dict[str, dict[str, int | None]]
    required: dict[str, int]

    def distribution(self, onto: Ontology) -> dict[str, dict[str, int]]:
        """competency → level value → number of people (levels in scale order, then not evidenced)."""
        out = {}
        for comp in self.competencies:
            counts = Counter(value_of(onto, comp, self.ranks[p].get(comp)) for p in self.people)
            order = [value_of(onto, comp, r) for r in range(len(level_chain(onto, comp)) + 1)] + [NOT_EVIDENCED]
            out[comp] = {value: counts[value] for value in order if counts[value]}
        return out

    def to_json(self, onto: Ontology) -> dict[str, Any]:
        return {"competencies": self.competencies,
                "required": {c: value_of(onto, c, r) for c, r in self.required.items()},
                "people": [{"id": p, "levels": {c: value_of(onto, c, self.ranks[p].get(c)) for c in self.competencies}}
                           for p in self.people],
                "distribution": self.distribution(onto)}


def team_view(onto: Ontology, people: Iterable[tuple[str, dict[str, int | None]]], position: str | None = None,
              framework: str | None = None) -> TeamView:
    """Rows of (person, competency → rank) against a position (its required competencies) or a framework."""
    from engine.assessor import UsageError

    required: dict[str, int] = {}
    if position:
        if position not in onto.model.positions:
            raise UsageError(f"unknown position {position}; known: {', '.join(onto.model.positions)}")
        required = {c: onto.model.levels[lv].rank for c, lv in onto.model.positions[position].requirements.items() if lv}
    ranks = dict(people)
    if required:
        competencies = list(required)
    else:
        scored = {c for row in ranks.values() for c in row}
        frameworks = [framework] if framework else list(onto.model.frameworks)
        competencies = [c for fw in frameworks for c in onto.model.levelled_competencies(fw) if c in scored]
    return TeamView(competencies, sorted(ranks), ranks, required)


def people_from_results(onto: Ontology, results: Iterable[dict[str, Any]]) -> list[tuple[str, dict[str, int | None]]]:
    return [(str(r["id"]), demonstrated_ranks(onto, r)) for r in results]


def people_from_store(backend: Backend) -> list[tuple[str, dict[str, int | None]]]:
    answer = backend.query(f"""
        SELECT ?id ?competency ?rank WHERE {{
          ?level a <{CM}InferredLevel> ; <{CM}aboutCompetency> ?competency ; <{PROV}wasGeneratedBy> ?assessment .
          OPTIONAL {{ ?level <{CM}demonstratedRank> ?rank }}
          ?assessment <{CM}assessedNote> ?note . ?note <{CM}noteId> ?id .
        }}""")
    people: dict[str, dict[str, int | None]] = {}
    for row in answer.rows:
        people.setdefault(row["id"], {})[short(row["competency"])] = row["rank"]
    return list(people.items())


def _cell(view: TeamView, person: str, comp: str) -> float:
    """Colour value: rank minus required rank with a position, else the rank; NaN when not evidenced."""
    rank = view.ranks[person].get(comp)
    if rank is None:
        return float("nan")
    return float(rank - view.required[comp]) if view.required else float(rank)


def heatmap_png(view: TeamView, onto: Ontology, title: str) -> bytes:
    """People × competencies as a PNG; with a position, red is below, green at or above its requirement."""
    import matplotlib
    import numpy as np
    from matplotlib.figure import Figure

    data = np.array([[_cell(view, p, c) for c in view.competencies] for p in view.people], dtype=float)
    data = data.reshape(len(view.people), len(view.competencies))
    fig = Figure(figsize=(1.4 + 1.1 * len(view.competencies), 1.6 + 0.32 * len(view.people)), dpi=100)
    ax = fig.add_subplot()
    cmap = matplotlib.colormaps["RdYlGn" if view.required else "Blues"].with_extremes(bad="#d9d9d9")
    span = max(len(level_chain(onto, c)) for c in view.competencies) if view.competencies else 1
    limits = (-span, span) if view.required else (0, span)
    image = ax.imshow(np.ma.masked_invalid(data), cmap=cmap, vmin=limits[0], vmax=limits[1], aspect="auto")
    ax.set_xticks(range(len(view.competencies)), labels=[
        f"{c}\n(req. {value_of(onto, c, view.required[c])})" if view.required else c for c in view.competencies])
    ax.set_yticks(range(len(view.people)), labels=view.people)
    for i, person in enumerate(view.people):
        for j, comp in enumerate(view.competencies):
            ax.text(j, i, value_of(onto, comp, view.ranks[person].get(comp)).replace(NOT_EVIDENCED, "–"),
                    ha="center", va="center", fontsize=8)
    fig.colorbar(image, ax=ax, label="levels above (+) / below (−) requirement" if view.required else "rank")
    ax.set_title(title)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _colour(value: float, required: bool) -> str:
    if value != value:  # NaN
        return "#e0e0e0"
    if not required:
        shade = int(235 - 30 * value)
        return f"rgb({shade},{shade + 10 if shade < 245 else 245},255)"
    return "#f4a6a6" if value < 0 else ("#b7e4b0" if value == 0 else "#6cc070")


def heatmap_html(view: TeamView, onto: Ontology, title: str, png: bytes | None = None) -> str:
    """A self-contained page: the heatmap as a table (and the PNG inline), and the distribution of levels."""
    esc = html.escape
    head = "".join(f"<th>{esc(c)}" + (f"<br><small>required {esc(value_of(onto, c, view.required[c]))}</small>"
                                      if view.required else "") + "</th>" for c in view.competencies)
    body = []
    for person in view.people:
        cells = "".join(
            f'<td style="background:{_colour(_cell(view, person, c), bool(view.required))}">'
            f"{esc(value_of(onto, c, view.ranks[person].get(c)))}</td>" for c in view.competencies)
        body.append(f"<tr><th>{esc(person)}</th>{cells}</tr>")
    dist = view.distribution(onto)
    dist_rows = "".join(f"<tr><th>{esc(c)}</th><td>" + ", ".join(f"{esc(v)}: {n}" for v, n in counts.items())
                        + "</td></tr>" for c, counts in dist.items())
    picture = (f'<h2>Picture</h2><img alt="heatmap" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
               if png else "")
    legend = ("<p>Red: below the requirement; light green: meets it; green: above it; grey: not evidenced.</p>"
              if view.required else "<p>Darker is a higher level; grey: not evidenced.</p>")
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{esc(title)}</title><style>
body{{font-family:system-ui,sans-serif;margin:2em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:center}} th{{background:#f6f6f6}}</style></head><body>
<h1>{esc(title)}</h1>{legend}<table><tr><th>person</th>{head}</tr>{''.join(body)}</table>
<h2>Distribution of levels</h2><table>{dist_rows}</table>{picture}</body></html>
"""
