"""User accounts: opening one, finding one, the site role, and how the API shows one."""

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from domain.history import record_history
from domain.members import run_keeping_an_admin
from domain.teams import create_team, personal_team_name
from extensions import db
from models import Team, User


def open_account(
    username: str,
    email: str,
    password: str,
    site_role: str = "staff",
    at: datetime | None = None,
) -> tuple[User, Team]:
    """Create a user and their personal team, of which they are the admin.

    Flushed, not committed: the caller commits (or rolls back on a clash).
    """
    user = User(username=username, email=email, role=site_role)
    if at is not None:
        user.created_at = at
    user.set_password(password)
    db.session.add(user)
    db.session.flush()  # assigns user.id for the team and the history row
    team = create_team(personal_team_name(username), user, at=at)
    record_history(user.id, "register", user, at=at, team_id=team.id)
    return user, team


def find_user_by_username(username: str) -> User | None:
    """Return the user with this username, ignoring case."""
    return _find_ignoring_case(User.username, username)


def find_user_by_email(email: str) -> User | None:
    """Return the user with this email address, ignoring case."""
    return _find_ignoring_case(User.email, email)


def _find_ignoring_case(column, value: str) -> User | None:
    # Served by the lower(...) unique indexes on users (models.py).
    return db.session.scalar(select(User).where(func.lower(column) == value.lower()))


class LastAdminError(Exception):
    """Demoting this user would leave no site admin."""


def change_site_role(user: User, role: str) -> dict[str, list[Any]]:
    """Set the user's site role and return the change; never demote the last admin."""
    old_role = user.role
    if role == old_role:
        return {}
    if old_role == "admin":
        demote = update(User).values(role=role)
        admins = User.role == "admin"
        if not run_keeping_an_admin(demote, User, User.id == user.id, admins):
            raise LastAdminError(f"{user.username} is the last admin.")
    user.role = role
    return {"role": [old_role, role]}


def change_password(user: User, password: str, team_id: int | None) -> None:
    """Set the user's new password, with its history row (in ``team_id``)."""
    user.set_password(password)
    # The row says that it changed, never anything about the password itself.
    record_history(
        user.id, "update", user, details={"password": "changed"}, team_id=team_id
    )


def user_view(user: User) -> dict[str, Any]:
    """Return a user as the API shows them (never the password hash)."""
    return {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "role": user.role,
        "created_at": user.created_at.isoformat(),
    }
