"""The account page: change your password, create a team, leave a team.

Each form sends JSON to the API (PUT /me/password, POST /teams, DELETE
/teams/<id>/members/<your id>); this page only says which of your teams you
may leave, and why not.
"""

from flask import render_template
from sqlalchemy import func, select

from dashboard import bp
from dashboard.access import page_login_required, page_teams
from models import Membership
from plumbing.database import read_only_connection


@bp.get("/account")
@page_login_required
def account():
    """Show the password form and the caller's teams, each with a way to leave."""
    teams = page_teams()
    return render_template(
        "dashboard/account.html",
        teams=teams,
        sole_admin_of=_teams_with_one_admin([row.team_id for row in teams]),
    )


def _teams_with_one_admin(team_ids: list[int]) -> set[int]:
    """Return which of ``team_ids`` have a single admin (who cannot leave)."""
    if not team_ids:
        return set()
    admins = (
        select(Membership.team_id)
        .where(Membership.team_id.in_(team_ids), Membership.role == "admin")
        .group_by(Membership.team_id)
        .having(func.count() == 1)
    )
    return set(read_only_connection().execute(admins).scalars())
