"""The root of the ``competency`` command."""
import typer

from engine.cli import eval_cmd, ontology_cmds, score_cmd

app = typer.Typer(name="competency", no_args_is_help=True, add_completion=False,
                  help="Competency inference from behavioural-event interview notes, with an OWL knowledge graph.")
app.command("frameworks")(ontology_cmds.frameworks)
app.add_typer(ontology_cmds.ontology_app, name="ontology")
app.command("eval")(eval_cmd.eval_command)
app.command("score")(score_cmd.score)
app.command("batch")(score_cmd.batch)
app.command("demo")(score_cmd.demo)
