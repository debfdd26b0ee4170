"""Command-line tasks: ``flask create-admin``, ``flask set-role``, ``flask seed-demo``.

The schema itself is managed by migrations: ``flask db upgrade`` (Flask-Migrate).
"""

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from pydantic import ValidationError

from domain.accounts import (
    LastAdminError,
    change_site_role,
    find_user_by_username,
    open_account,
)
from domain.demo_data import DEMO_LOGINS, DEMO_PASSWORD, DemoExistsError, seed_demo
from domain.history import record_history
from domain.teams import first_team_id
from errors import APIError
from extensions import db
from field_types import SITE_ROLES, TEAM_ROLE_DESCRIPTIONS
from routes.auth import ensure_available
from schemas import RegisterRequest


@click.command("create-admin")
@click.argument("username")
@click.argument("email")
@click.option(
    "--password",
    envvar="ADMIN_PASSWORD",
    help="For scripts (or set ADMIN_PASSWORD); prompted for when omitted.",
)
@with_appcontext
def create_admin_command(username: str, email: str, password: str | None) -> None:
    """Create an account with the site admin role."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        data = RegisterRequest(username=username, email=email, password=password)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
        )
        raise click.ClickException(problems) from None
    try:
        ensure_available(data.username, data.email)
    except APIError as exc:
        details = " ".join(error["message"] for error in exc.errors)
        raise click.ClickException(f"{exc.message} {details}") from None
    user, _ = open_account(data.username, data.email, data.password, "admin")
    db.session.commit()
    click.echo(f"Admin {user.username} created.")


@click.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(SITE_ROLES))
@with_appcontext
def set_role_command(username: str, role: str) -> None:
    """Give USERNAME the site role admin or staff."""
    user = find_user_by_username(username)
    if user is None:
        raise click.ClickException(f"No user named {username}.")
    try:
        changes = change_site_role(user, role)
    except LastAdminError:
        raise click.ClickException(f"{user.username} is the last admin.") from None
    if changes:
        # The change is recorded against the user it was made to: a command
        # line has no logged-in actor.
        record_history(user.id, "update", user, changes, team_id=first_team_id(user.id))
    db.session.commit()
    click.echo(f"{user.username} is now {role}.")


@click.command("seed-demo")
@click.option("--password", default=DEMO_PASSWORD, show_default=True)
@with_appcontext
def seed_demo_command(password: str) -> None:
    """Create a demo shop with an owner, a clerk and a read-only member."""
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("Refusing to create a demo account in production.")
    try:
        seed_demo(password)
    except DemoExistsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Demo data ready. Log in with the password {password!r} as:")
    width = max(len(username) for username, _ in DEMO_LOGINS)
    for username, role in DEMO_LOGINS:
        line = TEAM_ROLE_DESCRIPTIONS[role]
        click.echo(f"  {username:<{width}}  {role}: {line}")


def register_commands(app: Flask) -> None:
    """Attach the project's commands to ``flask``."""
    for command in (create_admin_command, set_role_command, seed_demo_command):
        app.cli.add_command(command)
