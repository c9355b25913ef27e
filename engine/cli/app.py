"""The root of the ``competency`` command."""
import typer

from engine.cli import batch_cmd, eval_cmd, ontology_cmds, score_cmd
from engine.cli import serve_cmd
from engine.cli import graph_cmds

app = typer.Typer(name="competency", no_args_is_help=True, add_completion=False,
                  help="Competency inference from behavioural-event interview notes, with an OWL knowledge graph.")
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
