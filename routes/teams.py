"""Teams: list yours, create, rename, delete, switch, and manage members."""

from flask import Blueprint, g, session

from columns import MAX_ID
from domain import members, teams
from domain.accounts import find_user_by_email, find_user_by_username
from domain.history import record_history, record_member_history
from errors import APIError
from extensions import db
from plumbing.error_examples import error_example
from plumbing.operations import documented
from plumbing.response_shapes import Message
from plumbing.sessions import change_session
from plumbing.team_shapes import MemberBody, TeamBody, TeamDetail, TeamList
from routes.auth import login_required
from schemas import MemberAdd, MemberRoleUpdate, TeamFields, parse_body

bp = Blueprint("teams", __name__, url_prefix="/teams")

LAST_ADMIN_EXAMPLE = {
    "last_admin": error_example("The team's last admin", members.LAST_ADMIN)
}


def team_for_admin(team_id: int):
    """Return the caller's team; 404 if not theirs, 403 unless they are its admin."""
    team, role = teams.find_team(team_id)
    if role != "admin":
        raise APIError(403, teams.NEEDS_TEAM_ADMIN)
    return team


@bp.get("")
@login_required
@documented(TeamList, errors=(401,))
def list_teams():
    """List your teams and your role in each (the current one marked), and the roles."""
    return {
        "status": "successful",
        "message": "Teams retrieved successfully!",
        "teams": [
            teams.team_view(team, role, g.team_id)
            for team, role in teams.teams_of(g.user_id)
        ],
        "roles": teams.role_lines(),
    }


@bp.post("")
@login_required
@documented(TeamBody, success=201, errors=(400, 401, 415), body=TeamFields)
def create_team():
    """Create a team; you are its admin."""
    name = parse_body(TeamFields).name
    team = teams.create_team(name, g.user)
    record_history(g.user_id, "create", team, team_id=team.id)
    db.session.commit()
    body = {
        "status": "successful",
        "message": "Team created successfully!",
        "team": teams.team_view(team, "admin", g.team_id),
    }
    return body, 201


@bp.get("/<int:team_id>")
@login_required
@documented(TeamDetail, errors=(401, 404))
def get_team(team_id: int):
    """Show one of your teams and its members."""
    team, role = teams.find_team(team_id)
    return {
        "status": "successful",
        "message": "Team retrieved successfully!",
        "team": teams.team_view(team, role, g.team_id),
        "members": [
            members.member_view(member) for member in members.members_of(team.id)
        ],
    }


@bp.patch("/<int:team_id>")
@login_required
@documented(TeamBody, errors=(400, 401, 403, 404, 415), body=TeamFields)
def rename_team(team_id: int):
    """Rename a team (team admins)."""
    team = team_for_admin(team_id)
    name = parse_body(TeamFields).name
    if name != team.name:
        changes = {"name": [team.name, name]}
        team.name = name
        record_history(g.user_id, "update", team, changes, team_id=team.id)
    db.session.commit()
    return {
        "status": "successful",
        "message": "Team updated successfully!",
        "team": teams.team_view(team, "admin", g.team_id),
    }


@bp.delete("/<int:team_id>")
@login_required
@documented(Message, errors=(401, 403, 404, 409))
def delete_team(team_id: int):
    """Delete an empty team (team admins): no items, catalog or other members."""
    team = team_for_admin(team_id)
    reason = teams.team_is_empty(team.id)
    if reason is None and teams.other_team_id(g.user_id, team.id) is None:
        reason = "This is your only team; you need at least one."
    if reason is not None:
        raise APIError(409, reason)
    db.session.delete(team)
    db.session.commit()
    if session.get("team_id") == team.id:
        session["team_id"] = teams.first_team_id(g.user_id)
    return {"status": "successful", "message": "Team deleted."}


@bp.post("/<int:team_id>/switch")
@login_required
@documented(TeamBody, errors=(401, 404))
def switch_team(team_id: int):
    """Make a team your current one: every later request acts on it."""
    team, role = teams.find_team(team_id)
    change_session(team_id=team.id)
    return {
        "status": "successful",
        "message": "Current team switched.",
        "team": teams.team_view(team, role, team.id),
    }


@bp.post("/<int:team_id>/members")
@login_required
@documented(
    MemberBody,
    success=201,
    errors=(400, 401, 403, 404, 409, 415),
    body=MemberAdd,
)
def add_member(team_id: int):
    """Add an existing user to a team by username or e-mail (team admins)."""
    team = team_for_admin(team_id)
    data = parse_body(MemberAdd)
    if (data.username is None) == (data.email is None):
        message = "Give exactly one of username and email."
        raise APIError(400, "Validation failed.", [{"field": None, "message": message}])
    user = (
        find_user_by_username(data.username)
        if data.username is not None
        else find_user_by_email(data.email)
    )
    if user is None:
        raise APIError(404, "User not found.")
    members.add_member(team, user, data.role)
    member = members.member_row(team.id, user.id)
    record_member_history(g.user_id, "create", member, details={"role": data.role})
    db.session.commit()
    return {
        "status": "successful",
        "message": "Member added successfully!",
        "member": members.member_view(member),
    }, 201


@bp.patch("/<int:team_id>/members/<int:user_id>")
@login_required
@documented(
    MemberBody,
    errors=(400, 401, 403, 404, 409, 415),
    body=MemberRoleUpdate,
    examples={409: LAST_ADMIN_EXAMPLE},
)
def change_member_role(team_id: int, user_id: int):
    """Change a member's team role (team admins); a team keeps one admin."""
    team = team_for_admin(team_id)
    membership = members.find_membership(team.id, min(user_id, MAX_ID))
    role = parse_body(MemberRoleUpdate).role
    try:
        changes = members.change_member_role(membership, role)
    except members.LastTeamAdminError:
        db.session.rollback()
        raise APIError(409, members.LAST_ADMIN) from None
    member = members.member_row(team.id, membership.user_id)
    if changes:
        record_member_history(g.user_id, "update", member, changes)
    db.session.commit()
    return {
        "status": "successful",
        "message": "Member updated successfully!",
        "member": members.member_view(member),
    }


@bp.delete("/<int:team_id>/members/<int:user_id>")
@login_required
@documented(Message, errors=(401, 403, 404, 409), examples={409: LAST_ADMIN_EXAMPLE})
def remove_member(team_id: int, user_id: int):
    """Remove a member (team admins), or leave a team yourself."""
    leaving = user_id == g.user_id
    team = teams.find_team(team_id)[0] if leaving else team_for_admin(team_id)
    membership = members.find_membership(team.id, min(user_id, MAX_ID))
    member = members.member_row(team.id, membership.user_id)
    try:
        members.remove_member(membership)
    except members.LastTeamAdminError:
        db.session.rollback()
        raise APIError(409, members.LAST_ADMIN) from None
    record_member_history(g.user_id, "leave" if leaving else "delete", member)
    db.session.commit()
    if leaving and session.get("team_id") == team.id:
        session["team_id"] = teams.first_team_id(g.user_id)
    message = "You left the team." if leaving else "Member removed."
    return {"status": "successful", "message": message}
