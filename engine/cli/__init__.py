"""The ``competency`` command line: one Typer app, one module per group of commands."""
from engine.cli.app import app

__all__ = ["app"]
