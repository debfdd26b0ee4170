"""Opening an account: the user, their personal team, and the history row."""

from datetime import datetime

from domain.history import record_history
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
