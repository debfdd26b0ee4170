"""The response shapes of teams and members, and of /me with the current team."""

from datetime import datetime

from plumbing.response_shapes import Message, Shape, Successful, User
from schemas import TeamRole


class Team(Shape):
    id: int
    name: str
    role: TeamRole  # the caller's team role
    current: bool  # the session's current team
    created_at: datetime


class Member(Shape):
    user_id: int
    username: str
    role: TeamRole
    joined_at: datetime


class CurrentTeam(Shape):
    id: int
    name: str
    role: TeamRole


class TeamBody(Message):
    team: Team


class RoleLine(Shape):
    role: TeamRole
    description: str  # what the role may do, in one line


class TeamList(Message):
    teams: list[Team]
    roles: list[RoleLine]  # every team role, in one line each


class TeamDetail(Message):
    team: Team
    members: list[Member]


class MemberBody(Message):
    member: Member


class MeBody(Successful):
    user: User
    team: CurrentTeam | None  # None: X-Team-ID names a team that is not yours
