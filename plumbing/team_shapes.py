"""The response shapes of teams and members, and of /me with the current team."""

from datetime import datetime
from typing import Literal

from field_types import TEAM_ROLES
from plumbing.response_shapes import Message, Shape, Successful, User


class Team(Shape):
    id: int
    name: str
    role: Literal[TEAM_ROLES]  # the caller's team role
    current: bool  # the session's current team
    created_at: datetime


class Member(Shape):
    user_id: int
    username: str
    role: Literal[TEAM_ROLES]
    joined_at: datetime


class CurrentTeam(Shape):
    id: int
    name: str
    role: Literal[TEAM_ROLES]


class TeamBody(Message):
    team: Team


class TeamList(Message):
    teams: list[Team]


class TeamDetail(Message):
    team: Team
    members: list[Member]


class MemberBody(Message):
    member: Member


class MeBody(Successful):
    user: User
    team: CurrentTeam | None  # None: the current team is not (or no longer) yours
