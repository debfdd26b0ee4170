"""The response shapes the OpenAPI document describes, one model per answer.

Documentation only: views build plain dicts, and the contract tests
(Schemathesis) check real responses against these models. Request bodies and
query strings are described by the models in ``schemas.py`` and
``query_strings.py``, which also validate them. The shapes of items live in
``item_shapes.py`` and those of teams in ``team_shapes.py``.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from field_types import ACTION_TYPES, ENTITY_TYPES, SITE_ROLES

# Every envelope's timestamp, in the examples (real ones are the time of the answer).
EXAMPLE_TIME = "2026-11-23T18:45:12.345678+00:00"
Timestamp = Annotated[
    datetime,
    Field(
        description="When the answer was made: ISO 8601 in UTC, with microseconds.",
        examples=[EXAMPLE_TIME],
    ),
]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Pagination(Shape):
    page: int
    per_page: int
    total: int
    pages: int


class ErrorDetail(Shape):
    field: str | None
    message: str
    row: int | None = None  # CSV import: the row, counting the header as 1


class Error(BaseModel):
    """The error envelope. Some errors add fields, e.g. ``current_version`` on 412."""

    model_config = ConfigDict(extra="allow")
    status: Literal["failed"]
    message: str
    errors: list[ErrorDetail]
    timestamp: Timestamp


class Owner(Shape):
    id: int
    username: str


class TeamRef(Shape):
    id: int
    name: str


class User(Shape):
    id: int
    username: str
    email: str
    role: Literal[SITE_ROLES]
    created_at: datetime


# Open objects (any keys) get an example: without one, Swagger UI invents
# "additionalProp1" keys on /docs.
Changes = Annotated[
    dict[str, list[Any]] | None,
    Field(
        description="Each changed field as [old, new].",
        examples=[{"quantity": [5, 10], "item_name": ["Laptop", "Updated Laptop"]}],
    ),
]


class Category(Shape):
    id: int
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime


class Supplier(Shape):
    id: int
    name: str
    contact_name: str | None
    email: str | None
    phone: str | None
    address: str | None
    created_at: datetime
    updated_at: datetime


class HistoryRow(Shape):
    id: int
    team_id: int
    user_id: int
    username: str  # who did it
    action_type: Literal[ACTION_TYPES]
    entity_type: Literal[ENTITY_TYPES]
    entity_id: int | None
    entity_name: str | None
    item_id: int | None
    item_name: str | None
    changes: Changes
    details: Annotated[
        dict[str, Any] | None,
        Field(
            description="More about the action, e.g. a stock movement's reason.",
            examples=[{"reason": "sale", "note": "Order 17", "change": -3}],
        ),
    ]
    timestamp: datetime
    relative_time: str
    # Only with all=true:
    owner: Owner | None = None
    team: TeamRef | None = None


class Successful(Shape):
    status: Literal["successful"]
    timestamp: Timestamp


class Message(Successful):
    message: str


class UserMessage(Message):
    user: User


class UserBody(Successful):
    user: User


class UserList(Successful):
    users: list[User]
    pagination: Pagination


class HistoryList(Message):
    history: list[HistoryRow]
    pagination: Pagination


class CategoryMessage(Message):
    category: Category


class CategoryBody(Successful):
    category: Category


class CategoryList(Successful):
    categories: list[Category]
    pagination: Pagination


class SupplierMessage(Message):
    supplier: Supplier


class SupplierBody(Successful):
    supplier: Supplier


class SupplierList(Successful):
    suppliers: list[Supplier]
    pagination: Pagination


class Checks(Shape):
    database: Literal["ok", "unavailable"]
    session_store: Literal["ok", "unavailable"]


class Health(Successful):
    checks: Checks


class Version(Successful):
    version: str


class IndexLinks(Shape):
    openapi: str
    docs: str
    dashboard: str


class ApiIndex(Successful):
    version: str
    links: IndexLinks
