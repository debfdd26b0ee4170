"""Command-line tasks: ``flask init-db``."""

import click
from flask import Flask
from flask.cli import with_appcontext

from extensions import db


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create any missing tables (existing data is kept)."""
    db.create_all()
    click.echo("Database ready.")


def register_commands(app: Flask) -> None:
    """Attach the project's commands to ``flask``."""
    app.cli.add_command(init_db_command)
