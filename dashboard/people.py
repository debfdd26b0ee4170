"""The people pages: the team's members, and every user for the site's admins."""

from flask import g, render_template
from sqlalchemy import select

from dashboard import bp
from dashboard.access import page_login_required, page_member_required, page_query
from domain.members import members_of
from errors import APIError
from field_types import SITE_ROLES, TEAM_ROLE_DESCRIPTIONS, TEAM_ROLES
from models import User
from plumbing.pagination import paginate
from query_strings import SearchQuery


@bp.get("/members")
@page_member_required
def members():
    """List the current team's members; team admins add, change and remove them."""
    return render_template(
        "dashboard/members.html",
        members=members_of(g.team_id),
        roles=TEAM_ROLES,
        role_descriptions=TEAM_ROLE_DESCRIPTIONS,
    )


@bp.get("/users")
@page_login_required
def users():
    """List every user and their site role (the site's admins only)."""
    if not g.user.is_admin:
        # As GET /users answers: only site admins may see the users.
        raise APIError(403, "Only the site's admins can see its users.")
    query = page_query(SearchQuery)
    stmt = select(User).order_by(User.id)
    if query.q is not None:
        stmt = stmt.where(User.username.icontains(query.q, autoescape=True))
    accounts, pagination = paginate(stmt, query)
    return render_template(
        "dashboard/users.html",
        accounts=accounts,
        pagination=pagination,
        query=query,
        roles=SITE_ROLES,
    )
