"""``competency store load|stats``, ``path``, ``gap``, ``who``, ``team``, ``query`` and ``graph show``: questions HR
asks of the knowledge graph, answered readably (codes and labels) or as JSON with ``--json``."""
from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import typer
from rich.markup import escape
from rich.table import Table

from engine.cli.common import OntologyOption, UsageError, console, err_console, friendly_errors, load_ontology

store_app = typer.Typer(no_args_is_help=True, help="The knowledge-graph store: assessment results with the ontology.")
graph_app = typer.Typer(no_args_is_help=True, help="Pictures of the knowledge graph.")

StoreOption = Annotated[Optional[Path], typer.Option(
    "--store", envvar="COMPETENCY_STORE", show_default=False,
    help="Folder of the embedded store (default: under the user's data directory).")]
EndpointOption = Annotated[Optional[str], typer.Option(
    "--endpoint", help="A SPARQL 1.1 endpoint URL to use instead of the embedded store (e.g. http://host:7878/query).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a readable answer.")]
LangOption = Annotated[str, typer.Option("--lang", help="Language of labels: en, ru or zh.")]


@contextlib.contextmanager
def graph_errors() -> Iterator[None]:
    """The graph package's known errors join the CLI's friendly ones: a red message, exit code 2."""
    from engine.graph.safety import QueryRefused
    from engine.graph.store import StoreError

    with friendly_errors():
        try:
            yield
        except (StoreError, QueryRefused) as exc:
            raise UsageError(str(exc)) from None


def backend(store: Path | None, endpoint: str | None):
    from engine.graph.store import Endpoint, LocalStore

    return Endpoint(endpoint) if endpoint else LocalStore(store)


def print_json(data: Any) -> None:
    console.out(json.dumps(data, ensure_ascii=False, indent=2), highlight=False)


def one_result(path: Path) -> dict:
    from engine.graph.inputs import read_results

    records = list(read_results(path))
    good = [r for r in records if r.result is not None]
    if len(records) != 1 or not good:
        problem = records[0].problem if len(records) == 1 else f"{len(records)} results"
        raise UsageError(f"{path}: expected one result (the JSON of `competency score --format json`), found {problem}")
    return good[0].result


# --- store -------------------------------------------------------------------------------------------------------

@store_app.command("load")
def store_load(sources: Annotated[list[Path], typer.Argument(help="Batch output folders (results.jsonl), .jsonl, "
                                                                  ".json or .ttl result files.")],
               with_evidence: Annotated[bool, typer.Option(
                   "--with-evidence", help="Store the full PROV evidence chain (quotes, offsets, qualifiers, weights, "
                                           "rules: personal data, ~3× the size) instead of the assessment summary. "
                                           ".ttl files are stored as they are.")] = False,
               store: StoreOption = None, endpoint: EndpointOption = None, ontology: OntologyOption = None) -> None:
    """Add results to the store; loading the same results again adds nothing, a newer result replaces the older.

    Each result is stored as its assessment summary (levels, flags, position outcomes, evidenced indicators), which
    every command and example query needs, unless --with-evidence is given."""
    from engine.graph.inputs import read_results
    from engine.graph.store import LoadReport

    with graph_errors(), backend(store, endpoint) as target:
        onto = load_ontology(ontology)
        total = LoadReport()
        for source in sources:
            if source.suffix == ".ttl":
                report = target.load_turtle(str(source), source.read_bytes(), onto)
            else:
                report = target.load(read_results(source), onto, evidence=with_evidence)
            total.added += report.added
            total.replaced += report.replaced
            total.unchanged += report.unchanged
            total.skipped += report.skipped
    for problem in total.skipped[:20]:
        err_console.print(f"[yellow]skipped[/] {escape(problem)}", highlight=False)
    if len(total.skipped) > 20:
        err_console.print(f"[yellow]… and {len(total.skipped) - 20} more skipped[/]")
    console.print(f"{total.added} added, {total.replaced} replaced, {total.unchanged} unchanged, "
                  f"{len(total.skipped)} skipped → {target.location}")


@store_app.command("stats")
def store_stats(store: StoreOption = None, endpoint: EndpointOption = None, as_json: JsonOption = False,
                ontology: OntologyOption = None) -> None:
    """What the store holds: results, quads, the ontology version (and whether it is the one in use), results per
    engine version and policy."""
    from engine.graph.stats import store_stats as collect

    with graph_errors(), backend(store, endpoint) as target:
        stats = collect(target)
        stats["ontology_in_use"] = load_ontology(ontology).content_hash
    if as_json:
        return print_json(stats)
    console.print(f"store: {escape(stats['location'])}")
    current = "the one in use" if stats["ontology"] == stats["ontology_in_use"] else f"in use: {stats['ontology_in_use']}"
    console.print(f"results: {stats['results']}   quads: {stats['quads'] if stats['quads'] is not None else 'n/a'}   "
                  f"ontology: {stats['ontology'] or 'not loaded'} ({current})")
    for run in stats["runs"]:
        console.print(f"  {run['results']} result(s) by engine {escape(run['engine'])}, policy {escape(run['policy'])}")


# --- path and gap --------------------------------------------------------------------------------------------------

def path_table(path, lang_note: str = "") -> Table:
    table = Table(title=f"{path.competency}: {path.start} → {path.target}{lang_note}", show_lines=True)
    for name in ("level", "stage", "indicator", "related in other frameworks"):
        table.add_column(name)
    for step in path.steps:
        for ind in step.indicators:
            related = "\n".join(f"{r.relation} {r.code}" for r in ind.related)
            table.add_row(f"{step.level} ({step.value})", f"{ind.stage} {escape(ind.stage_label)}" if ind.stage else "", f"{ind.code} {escape(ind.label)}", related)
    return table


def path(competency: Annotated[Optional[str], typer.Argument(help="A competency, e.g. GW.RR or CO.")] = None,
         start: Annotated[Optional[str], typer.Option("--from", help="Level held now (Sb, 2, GW.RR.Sb; default none).")] = None,
         target: Annotated[Optional[str], typer.Option("--to", help="Level to reach (Sa, 4, GW.RR.Sa).")] = None,
         result: Annotated[Optional[Path], typer.Option("--result", help="A person's result JSON instead of --from.")] = None,
         to_position: Annotated[Optional[str], typer.Option("--to-position", help="With --result: reach this position.")] = None,
         as_json: JsonOption = False, lang: LangOption = "en", ontology: OntologyOption = None) -> None:
    """Development path: the indicators to develop at each level, in process-stage order, with SKOS-related items."""
    from engine.graph.gaps import paths_to_position
    from engine.graph.paths import development_path

    with graph_errors():
        onto = load_ontology(ontology)
        if result is not None or to_position is not None:
            if result is None or to_position is None:
                raise UsageError("--result and --to-position go together")
            paths = paths_to_position(onto, one_result(result), to_position, lang)
        else:
            if competency is None or target is None:
                raise UsageError("give a competency and --to (e.g. `competency path GW.RR --from Sb --to Sa`), "
                                 "or --result and --to-position")
            paths = [development_path(onto, competency, start, target, lang)]
    if as_json:
        return print_json([p.to_json() for p in paths])
    if not paths:
        console.print("Nothing to develop: every requirement is met.")
    for p in paths:
        console.print(path_table(p) if p.steps else f"{p.competency}: {p.start} already reaches {p.target}.")


def gap(result: Annotated[Path, typer.Argument(help="A result JSON (competency score --format json).")],
        position: Annotated[Optional[str], typer.Option("--position", "-p", help="A GW position, e.g. GW.POS.05.")] = None,
        all_positions: Annotated[bool, typer.Option("--all-positions", help="Rank every position by fit.")] = False,
        as_json: JsonOption = False, lang: LangOption = "en", ontology: OntologyOption = None) -> None:
    """Position gap: per competency required, demonstrated, outcome and the next indicators to work on."""
    from engine.graph.gaps import position_gap, rank_positions

    with graph_errors():
        if bool(position) == all_positions:
            raise UsageError("give either --position CODE or --all-positions")
        onto = load_ontology(ontology)
        data = one_result(result)
        gaps = rank_positions(onto, data, lang) if all_positions else [position_gap(onto, data, position, lang)]
    if as_json:
        return print_json([g.to_json() for g in gaps] if all_positions else gaps[0].to_json())
    if all_positions:
        table = Table(title=f"Positions ranked by fit for {escape(data['id'])}")
        for name in ("rank", "position", "met", "levels missing", "below / not evidenced"):
            table.add_column(name)
        for number, g in enumerate(gaps, 1):
            short = ", ".join(c.competency for c in g.competencies if c.shortfall)
            table.add_row(str(number), g.position, f"{g.met}/{len(g.competencies)}", str(g.shortfall), short)
        return console.print(table)
    g = gaps[0]
    table = Table(title=f"{escape(data['id'])} against {g.position}", show_lines=True)
    for name in ("competency", "required", "demonstrated", "outcome", "next indicators to work on"):
        table.add_column(name)
    for c in g.competencies:
        table.add_row(c.competency, c.required, c.demonstrated, c.outcome,
                      "\n".join(f"{i.code} {escape(i.label)}" for i in c.next_indicators))
    console.print(table)
    console.print(f"met {g.met} of {len(g.competencies)}; {g.shortfall} level(s) missing")


# --- who, team -----------------------------------------------------------------------------------------------------

def who(competency: Annotated[str, typer.Option("--competency", "-c", help="A competency, e.g. GW.CI.")],
        minimum: Annotated[str, typer.Option("--min", help="Lowest level to list (Si, 3, GW.CI.Si).")],
        store: StoreOption = None, endpoint: EndpointOption = None, as_json: JsonOption = False,
        ontology: OntologyOption = None) -> None:
    """Stored results at or above a level of a competency, highest first."""
    from engine.graph.team import who as find

    with graph_errors(), backend(store, endpoint) as target:
        holders = find(target, load_ontology(ontology), competency, minimum)
    if as_json:
        return print_json([h.__dict__ for h in holders])
    table = Table(title=f"{competency} ≥ {minimum}: {len(holders)} result(s)")
    table.add_column("result")
    table.add_column("level")
    for h in holders:
        table.add_row(escape(h.result), h.level)
    console.print(table)


def team(summary: Annotated[Optional[Path], typer.Argument(help="Team results: a batch folder, .jsonl or .json.")] = None,
         position: Annotated[Optional[str], typer.Option("--position", "-p", help="Compare with this position's requirements.")] = None,
         framework: Annotated[Optional[str], typer.Option("--framework", "-f", help="Without a position: this framework's competencies.")] = None,
         from_store: Annotated[bool, typer.Option("--from-store", help="Use every result in the store instead of a file.")] = False,
         out: Annotated[Path, typer.Option("--out", help="Folder for team.png and team.html.")] = Path("."),
         store: StoreOption = None, endpoint: EndpointOption = None, as_json: JsonOption = False,
         ontology: OntologyOption = None) -> None:
    """A heatmap (PNG and HTML) of people × competencies against a position, and the distribution of levels."""
    from engine.graph.inputs import read_results
    from engine.graph.output import write_atomic
    from engine.graph.team import heatmap_html, heatmap_png, people_from_results, people_from_store, team_view

    with graph_errors():
        if (summary is None) == (not from_store):
            raise UsageError("give a results file or folder, or --from-store")
        onto = load_ontology(ontology)
        if from_store:
            with backend(store, endpoint) as target:
                people = people_from_store(target)
        else:
            records = list(read_results(summary))
            for record in records:
                if record.result is None:
                    err_console.print(f"[yellow]skipped[/] {escape(record.where)}: {escape(record.problem or '')}")
            people = people_from_results(onto, [r.result for r in records if r.result is not None])
        view = team_view(onto, people, position, framework)
        if not view.people or not view.competencies:
            raise UsageError("no results with levels of the competencies asked for")
        title = f"Team against {position}" if position else "Team levels"
        png = heatmap_png(view, onto, title)
        written = [write_atomic(out / "team.png", png), write_atomic(out / "team.html", heatmap_html(view, onto, title, png))]
    if as_json:
        return print_json({**view.to_json(onto), "files": [str(p) for p in written]})
    table = Table(title=f"Distribution of levels ({len(view.people)} people)")
    table.add_column("competency")
    table.add_column("required")
    table.add_column("levels")
    for comp, counts in view.distribution(onto).items():
        required = view.to_json(onto)["required"].get(comp, "")
        table.add_row(comp, required, ", ".join(f"{v}: {n}" for v, n in counts.items()))
    console.print(table)
    for path_written in written:
        err_console.print(f"wrote {path_written}")


# --- query, graph show -----------------------------------------------------------------------------------------------

def query(sparql: Annotated[Optional[str], typer.Argument(help="A query: text, an .rq file, or a library name.")] = None,
          list_examples: Annotated[bool, typer.Option("--list", help="List the example queries.")] = False,
          store: StoreOption = None, endpoint: EndpointOption = None, as_json: JsonOption = False) -> None:
    """Free read-only SPARQL over the store (UPDATE, LOAD, SERVICE and federated FROM are refused)."""
    from engine.graph.queries import library, resolve, run_query
    from engine.graph.safety import check_read_only

    if list_examples or sparql is None:
        for name, (about, _) in library().items():
            console.print(f"[bold]{name}[/]  {escape(about)}")
        return
    with graph_errors():
        text = resolve(sparql)
        check_read_only(text)  # before the store is even opened
        with backend(store, endpoint) as target:
            answer = run_query(target, text)
    if answer.boolean is not None:
        return print_json({"boolean": answer.boolean}) if as_json else console.print(str(answer.boolean).lower())
    if answer.triples is not None:
        return console.out(answer.triples, highlight=False)
    if as_json:
        return print_json(answer.rows)
    from engine.graph.store import short

    table = Table(title=f"{len(answer.rows)} row(s)")
    for name in answer.variables:
        table.add_column(name)
    for row in answer.rows:
        table.add_row(*(escape(short(str(row[n]))) if row[n] is not None else "" for n in answer.variables))
    console.print(table)


@graph_app.command("show")
def graph_show(framework: Annotated[str, typer.Argument(help="A framework: CO, GW, CC, OA or SQ.")],
               out: Annotated[Path, typer.Option("--out", help="Folder for FRAMEWORK.html and FRAMEWORK.graphml.")] = Path("."),
               lang: LangOption = "en", ontology: OntologyOption = None) -> None:
    """An interactive HTML view of a framework (self-contained) and a GraphML export for Gephi."""
    from engine.graph.output import write_atomic
    from engine.graph.show import framework_graph, graphml, interactive_html

    with graph_errors():
        onto = load_ontology(ontology)
        graph = framework_graph(onto, framework)
        title = f"{framework} — {onto.model.frameworks[framework].label(lang)}"
        for written in (write_atomic(out / f"{framework}.html", interactive_html(graph, title, lang)),
                        write_atomic(out / f"{framework}.graphml", graphml(graph))):
            err_console.print(f"wrote {written}")
    console.print(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
