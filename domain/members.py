"""A team's members: who they are, adding them, changing their team role, removing them.

The team admin does all of this (routes/teams.py checks it); the one rule kept
here is that a team never loses its last admin, however the requests are timed.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Row

from columns import utcnow
from errors import APIError
from extensions import db
from models import Membership, Team, User

LAST_ADMIN = "A team needs at least one admin."


memberships = Membership.__table__


class LastTeamAdminError(Exception):
    """The change would leave a team without an admin."""


MEMBERS = (
    select(
        memberships.c.team_id,
        memberships.c.user_id,
        User.username,
        memberships.c.role,
        memberships.c.joined_at,
    )
    .join(User, User.id == memberships.c.user_id)
    .order_by(memberships.c.joined_at, memberships.c.user_id)
)


def members_of(team_id: int) -> list[Row]:
    """Return the team's members (user id, username, role, joined), oldest first."""
    return db.session.execute(MEMBERS.where(memberships.c.team_id == team_id)).all()


def member_row(team_id: int, user_id: int) -> Row:
    """Return one member as members_of() does."""
    stmt = MEMBERS.where(
        memberships.c.team_id == team_id, memberships.c.user_id == user_id
    )
    return db.session.execute(stmt).one()


def find_membership(team_id: int, user_id: int) -> Membership:
    """Return a member of the team, or 404."""
    membership = db.session.get(Membership, (team_id, user_id))
    if membership is None:
        raise APIError(404, "Member not found.")
    return membership


def add_member(
    team: Team, user: User, role: str, at: datetime | None = None
) -> Membership:
    """Make ``user`` a member of ``team``; 409 if they already are."""
    if db.session.get(Membership, (team.id, user.id)) is not None:
        raise APIError(409, f"{user.username} is already a member of this team.")
    membership = Membership(
        team_id=team.id, user_id=user.id, role=role, joined_at=at or utcnow()
    )
    db.session.add(membership)
    db.session.flush()
    return membership


def change_member_role(membership: Membership, role: str) -> dict[str, list[Any]]:
    """Set a member's role and return the change; never demote the last admin."""
    old_role = membership.role
    if role == old_role:
        return {}
    demote = update(Membership).values(role=role)
    _run_on_member(membership, demote)
    db.session.refresh(membership)
    return {"role": [old_role, role]}


def remove_member(membership: Membership) -> None:
    """Remove a member from the team; never the last admin."""
    _run_on_member(membership, delete(Membership))
    db.session.expunge(membership)


def _run_on_member(membership: Membership, change) -> None:
    """Run ``change`` (an UPDATE or DELETE) on one membership row.

    When the member is an admin, the change happens only if the team keeps
    another admin, else LastTeamAdminError.
    """
    this_member = (Membership.team_id == membership.team_id) & (
        Membership.user_id == membership.user_id
    )
    if membership.role != "admin":
        db.session.execute(change.where(this_member))
        return
    team_admins = (Membership.team_id == membership.team_id) & (
        Membership.role == "admin"
    )
    if not run_keeping_an_admin(change, Membership, this_member, team_admins):
        raise LastTeamAdminError(LAST_ADMIN)


def run_keeping_an_admin(change, model, this_row, admins) -> bool:
    """Run ``change`` (an UPDATE or DELETE of ``model``) on the admin row
    ``this_row`` picks, only if another row of ``admins`` remains.

    Return whether it ran. The rule of both kinds of role: a team keeps a team
    admin (above), the installation a site admin (accounts.change_site_role).
    The admin rows are locked first (PostgreSQL; SQLite runs writes one at a
    time anyway), so two admins demoting each other at once queue up, and the
    check and the change are one statement: nothing can slip in between.
    """
    primary_key = model.__table__.primary_key.columns
    db.session.execute(select(*primary_key).where(admins).with_for_update())
    other_admins = (
        select(func.count()).select_from(model).where(admins, ~this_row)
    ).scalar_subquery()
    changed = db.session.execute(change.where(this_row, admins, other_admins > 0))
    return changed.rowcount > 0


def member_view(member) -> dict[str, Any]:
    """Return a member (a row of members_of) as the API shows it."""
    return {
        "user_id": member.user_id,
        "username": member.username,
        "role": member.role,
        "joined_at": member.joined_at.isoformat(),
    }
