"""The logged-in user's own account: changing the password."""

from flask import Blueprint, g, session

from domain import teams
from domain.accounts import change_password
from errors import APIError
from extensions import db
from plumbing.error_examples import error_example, field_error
from plumbing.login_limits import count_login_attempt, forget_login_attempts
from plumbing.operations import documented
from plumbing.response_shapes import Message
from plumbing.user_sessions import end_other_sessions
from routes.auth import login_required, start_session
from schemas import PasswordChange, parse_body

bp = Blueprint("account", __name__)

WRONG_PASSWORD = "This is not your current password."


@bp.put("/me/password")
@login_required
@documented(
    Message,
    errors=(400, 401, 415, 429),
    body=PasswordChange,
    tag="auth",
    examples={
        400: {
            "wrong_password": error_example(
                "The current password is wrong",
                "Validation failed.",
                field_error("current_password", WRONG_PASSWORD),
            )
        },
        429: {
            "failed_logins": error_example(
                "Too many wrong passwords for this user",
                "Too many failed logins for this username; try again later.",
            )
        },
    },
)
def change_own_password():
    """Change your password: this session stays logged in, every other one ends."""
    data = parse_body(PasswordChange)
    user = g.user
    # A wrong current password counts as a failed login: no guessing it here.
    count_login_attempt(user.username)
    if not user.check_password(data.current_password):
        raise APIError(
            400,
            "Validation failed.",
            [{"field": "current_password", "message": WRONG_PASSWORD}],
        )
    forget_login_attempts(user.username)
    team_id = g.team_id if teams.team_role() else teams.first_team_id(user.id)
    change_password(user, data.new_password, team_id)
    # The sessions change before the commit: if the store fails, nothing changed.
    old_sid = session.sid  # kept until this request succeeds, to be restored
    start_session(user, team_id)  # under a new id, stored now
    end_other_sessions(user.id, keep=(session.sid, old_sid))
    db.session.commit()
    return {"status": "successful", "message": "Password changed."}
