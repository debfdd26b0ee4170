"""User administration: list users and change roles (admins only)."""

from flask import Blueprint, g
from sqlalchemy import select

from columns import MAX_ID
from domain.accounts import LastAdminError, change_site_role, user_view
from domain.history import record_history
from errors import APIError
from extensions import db
from models import User
from plumbing.error_examples import error_example
from plumbing.operations import ADMIN, documented
from plumbing.pagination import paginate
from plumbing.response_shapes import UserBody, UserList, UserMessage
from plumbing.search import contains_ascii_text
from query_strings import SearchQuery, parse_query
from routes.auth import admin_required
from schemas import RoleUpdate, parse_body

bp = Blueprint("users", __name__, url_prefix="/users")


def get_user(user_id: int) -> User:
    """Return the user with this id, or 404."""
    user = db.session.get(User, user_id) if user_id <= MAX_ID else None
    if user is None:
        raise APIError(404, "User not found.")
    return user


@bp.get("")
@admin_required
@documented(UserList, errors=(400, *ADMIN), query=SearchQuery)
def list_users():
    """List users (admins).

    By id, optionally searched by username or email.
    """
    query = parse_query(SearchQuery)
    stmt = select(User).order_by(User.id)
    if query.q is not None:
        stmt = stmt.where(contains_ascii_text((User.username, User.email), query.q))
    users, pagination = paginate(stmt, query)
    return {
        "status": "successful",
        "users": [user_view(user) for user in users],
        "pagination": pagination,
    }


@bp.get("/<int:user_id>")
@admin_required
@documented(UserBody, errors=(*ADMIN, 404))
def get_user_view(user_id: int):
    """Show one user (admins)."""
    return {"status": "successful", "user": user_view(get_user(user_id))}


@bp.patch("/<int:user_id>")
@admin_required
@documented(
    UserMessage,
    errors=(400, *ADMIN, 404, 409, 415),
    body=RoleUpdate,
    examples={
        409: {
            "last_admin": error_example(
                "Demoting the last admin", "The last admin cannot be demoted."
            )
        }
    },
)
def change_role(user_id: int):
    """Change a user's role (admins); the last admin cannot be demoted."""
    user = get_user(user_id)
    role = parse_body(RoleUpdate).role
    try:
        changes = change_site_role(user, role)
    except LastAdminError:
        db.session.rollback()
        raise APIError(409, "The last admin cannot be demoted.") from None
    if changes:
        record_history(g.user_id, "update", user, changes)
    db.session.commit()
    return {
        "status": "successful",
        "message": "Role updated successfully!",
        "user": user_view(user),
    }
