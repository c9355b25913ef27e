"""The root of the ``competency`` command."""
import os

import typer

from engine.cli import batch_cmd, eval_cmd, graph_cmds, ontology_cmds, score_cmd, serve_cmd
from engine.cli.common import OntologyOption
from ontology.loader import ENV_VAR

app = typer.Typer(name="competency", no_args_is_help=True, add_completion=False,
                  help="Competency inference from behavioural-event interview notes, with an OWL knowledge graph.")


@app.callback()
def main(ontology: OntologyOption = None) -> None:
    """Every command works on the bundled ontology, or on an edited one given here, to the command itself, or in
    $COMPETENCY_ONTOLOGY."""
    if ontology is not None:
        os.environ[ENV_VAR] = str(ontology)


app.command("frameworks")(ontology_cmds.frameworks)
app.add_typer(ontology_cmds.ontology_app, name="ontology")
app.command("eval")(eval_cmd.eval_command)
app.command("score")(score_cmd.score)
app.command("batch")(batch_cmd.batch)
app.command("demo")(score_cmd.demo)
app.command("serve")(serve_cmd.serve)
app.add_typer(graph_cmds.store_app, name="store")
app.command("path")(graph_cmds.path)
app.command("gap")(graph_cmds.gap)
app.command("who")(graph_cmds.who)
app.command("team")(graph_cmds.team)
app.command("query")(graph_cmds.query)
app.add_typer(graph_cmds.graph_app, name="graph")
