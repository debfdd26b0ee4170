"""Teams: whose inventory a request acts on, and who may change it.

A team owns an inventory: its items, stock movements, categories, suppliers
and history. Each member has a **team role** (field_types.TEAM_ROLES):
``admin`` changes everything, members included; ``clerk`` reads everything and
records stock movements (STOCK_ROLES); ``staff`` reads everything and changes
nothing. It is not
the **site role** on ``users.role``, which only marks who runs the whole
installation (``GET /users``, ``?all=true``).

A request acts on ``g.team_id``: the team named by its ``X-Team-ID`` header,
else the session's current team (routes/auth.py sets it). Membership is
checked against the database on every request that uses the team, so a member
removed a moment ago is refused at once; the hottest reads (one item, a page
of items, the history) fold that check into their own statement instead of
paying for a second one (item_store, routes/history.py).

Adding, changing and removing members is in domain/members.py.
"""

from datetime import datetime
from typing import Any

from flask import g, session
from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Row

from columns import MAX_ID, utcnow
from domain.stock_totals import TEAM_TOTALS
from errors import APIError
from extensions import db
from field_types import STOCK_ROLES, TEAM_ROLE_DESCRIPTIONS, TEAM_ROLES
from models import Category, Item, Membership, Supplier, Team, User
from plumbing.database import read_only_connection
from plumbing.pagination import inline_number

TEAM_NOT_FOUND = "Team not found."
NEEDS_TEAM_ADMIN = "This needs the team admin role."
NEEDS_STOCK_ROLE = "Recording stock needs the clerk or admin team role."

memberships = Membership.__table__

SELECT_ROLE = select(memberships.c.role).where(
    memberships.c.team_id == bindparam("team_id"),
    memberships.c.user_id == bindparam("user_id"),
)


def team_role(in_transaction: bool = False) -> str | None:
    """Return the caller's role in the current team (None: not a member).

    A read asks on the request's read-only connection (no session transaction
    to begin, nor to hold while a CSV streams); a write asks in the transaction
    it is about to write in, which costs no extra connection. Asked once per
    request at most: the answer is kept on ``g``.
    """
    if "team_role" not in g:
        g.team_role = _role_in_current_team(in_transaction)
        if g.team_role is None and falls_back():
            # Rare (removed from the team, or it was deleted), so only then a
            # second statement: the session moves to a team they are in.
            fall_back_to_first_team()
            g.team_role = _role_in_current_team(in_transaction)
    return g.team_role


def _role_in_current_team(in_transaction: bool) -> str | None:
    if g.user_id is None or g.team_id is None:
        return None
    parameters = {"team_id": g.team_id, "user_id": g.user_id}
    connection = db.session.connection() if in_transaction else read_only_connection()
    return connection.execute(SELECT_ROLE, parameters).scalar()


def falls_back() -> bool:
    """Whether a logged-in request acts on its session's team (no X-Team-ID).

    Only that team follows the user when they leave it; a team named in a
    header is the caller's explicit choice, and answers 404 if not theirs.
    """
    return g.user_id is not None and g.get("team_from_session", False)


def fall_back_to_first_team() -> int:
    """Make the caller's first team current; a new personal team if none is left.

    Runs before the request has written anything (it follows a membership
    check that failed), so committing a new personal team commits nothing else.
    """
    team_id = first_team_id(g.user_id)
    if team_id is None:  # removed from every team: start again, as registering
        user = g.user  # 401 if the account itself is gone
        team_id = create_team(personal_team_name(user.username), user).id
        db.session.commit()
    session["team_id"] = g.team_id = team_id
    g.pop("team_role", None)
    return team_id


def require_member(in_transaction: bool = False) -> str:
    """Return the caller's team role; 404 when they are not in the current team.

    A team the caller does not belong to answers exactly as a missing one.
    """
    role = team_role(in_transaction)
    if role is None:
        raise APIError(404, TEAM_NOT_FOUND)
    return role


def require_team_admin() -> None:
    """Raise 404 outside the current team, 403 unless the caller is its admin."""
    if require_member(in_transaction=True) != "admin":
        raise APIError(403, NEEDS_TEAM_ADMIN)


def require_stock_writer() -> None:
    """Raise 404 outside the current team, 403 unless the caller may move stock."""
    if require_member(in_transaction=True) not in STOCK_ROLES:
        raise APIError(403, NEEDS_STOCK_ROLE)


def first_team_id(user_id: int) -> int | None:
    """Return the team the user joined first (their personal team, usually)."""
    return db.session.scalar(
        select(memberships.c.team_id)
        .where(memberships.c.user_id == user_id)
        .order_by(memberships.c.joined_at, memberships.c.team_id)
        .limit(inline_number(1))
    )


def teams_of(user_id: int) -> list[Row]:
    """Return the user's teams with their role, oldest membership first."""
    return db.session.execute(
        select(Team, memberships.c.role)
        .join(memberships, memberships.c.team_id == Team.id)
        .where(memberships.c.user_id == user_id)
        .order_by(memberships.c.joined_at, Team.id)
    ).all()


def account_and_teams(user_id: int) -> list[Row]:
    """Return the user's username, site-admin flag and teams, in one statement.

    For the dashboard's layout. One row per team (``team_id``, ``team_name``,
    the user's ``role`` in it, and the team's kept totals, which the home page
    shows), oldest membership first; a single row with no team when the user
    has none; no row at all when the account is gone.
    """
    account = (
        select(
            User.username,
            (User.role == "admin").label("is_admin"),  # User.is_admin
            Team.id.label("team_id"),
            Team.name.label("team_name"),
            memberships.c.role,
            *TEAM_TOTALS,
        )
        .select_from(User)
        .outerjoin(memberships, memberships.c.user_id == User.id)
        .outerjoin(Team, Team.id == memberships.c.team_id)
        .where(User.id == user_id)
        .order_by(memberships.c.joined_at, Team.id)
    )
    return read_only_connection().execute(account).all()


def create_team(name: str, admin: User, at: datetime | None = None) -> Team:
    """Create a team with ``admin`` as its first admin; flushed, for its id."""
    at = at or utcnow()
    team = Team(name=name, created_at=at)
    db.session.add(team)
    db.session.flush()
    membership = Membership(team_id=team.id, user_id=admin.id, role="admin")
    membership.joined_at = at
    db.session.add(membership)
    db.session.flush()
    return team


def personal_team_name(username: str) -> str:
    """Name the team a new account starts with."""
    return f"{username}'s inventory"


def find_team(team_id: int) -> tuple[Team, str]:
    """Return a team the caller belongs to and their role; else 404 as if missing."""
    if team_id > MAX_ID:  # no such id can exist, and the database would overflow
        raise APIError(404, TEAM_NOT_FOUND)
    role = db.session.execute(
        SELECT_ROLE, {"team_id": team_id, "user_id": g.user_id}
    ).scalar()
    team = db.session.get(Team, team_id) if role is not None else None
    if team is None:
        raise APIError(404, TEAM_NOT_FOUND)
    return team, role


def other_team_id(user_id: int, team_id: int) -> int | None:
    """Return the first team of the user other than ``team_id`` (None: no other)."""
    return db.session.scalar(
        select(memberships.c.team_id)
        .where(memberships.c.user_id == user_id, memberships.c.team_id != team_id)
        .order_by(memberships.c.joined_at, memberships.c.team_id)
        .limit(inline_number(1))
    )


def team_is_empty(team_id: int) -> str | None:
    """Return why the team cannot be deleted (None: it can)."""
    for model, noun in (
        (Item, "items"),
        (Category, "categories"),
        (Supplier, "suppliers"),
    ):
        used = db.session.scalar(
            select(func.count()).select_from(model).where(model.team_id == team_id)
        )
        if used:
            return f"The team still has {noun}; delete them first."
    members = db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.team_id == team_id)
    )
    if members > 1:
        return "The team still has other members; remove them first."
    return None


def team_view(team: Team, role: str, current_team_id: int | None) -> dict[str, Any]:
    """Return a team as the API shows it to one member."""
    return {
        "id": team.id,
        "name": team.name,
        "role": role,
        "current": team.id == current_team_id,
        "created_at": team.created_at.isoformat(),
    }


def role_lines() -> list[dict[str, str]]:
    """Return every team role with the one line that says what it may do."""
    return [
        {"role": role, "description": TEAM_ROLE_DESCRIPTIONS[role]}
        for role in TEAM_ROLES
    ]


def current_team_summary() -> dict[str, Any] | None:
    """Return the current team as /me shows it (id, name, the caller's role).

    One query: the name and the role together. A session whose team is no
    longer the caller's moves to their first team (see team_role); None only
    when X-Team-ID names a team the caller is not in.
    """
    found = _current_team_row()
    if found is None and falls_back():
        fall_back_to_first_team()
        found = _current_team_row()
    if found is None:
        return None
    return {"id": g.team_id, "name": found.name, "role": found.role}


def _current_team_row() -> Row | None:
    return (
        read_only_connection()
        .execute(
            select(Team.name, memberships.c.role)
            .join(memberships, memberships.c.team_id == Team.id)
            .where(Team.id == g.team_id, memberships.c.user_id == g.user_id)
        )
        .first()
    )
