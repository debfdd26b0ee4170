"""The response shapes the OpenAPI document describes, one model per answer.

Documentation only: views build plain dicts, and the contract tests
(Schemathesis) check real responses against these models. Request bodies and
query strings are described by the models in ``schemas.py``, which also
validate them.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from models import (
    ACTION_TYPES,
    ENTITY_TYPES,
    ITEM_STATUSES,
    MOVEMENT_REASONS,
    SITE_ROLES,
)

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


class Metadata(Shape):
    tags: list[str]
    specifications: Annotated[
        dict[str, str | int | float],
        Field(examples=[{"ram_gb": 16, "colour": "silver"}]),
    ]
    care_instructions: str | None
    seo_title: str | None
    seo_description: str | None
    vendor_notes: str | None


class Item(Shape):
    id: int
    item_name: str
    description: str | None
    quantity: int
    price: float
    sku: str | None
    category_id: int | None
    category_name: str | None
    supplier_id: int | None
    supplier_name: str | None
    cost_price: float | None
    reorder_level: int
    status: Literal[ITEM_STATUSES]
    expiry_date: date | None
    low_stock: bool
    version: int
    metadata: Metadata
    created_at: datetime
    updated_at: datetime
    # Only in the site admin's lists with all=true:
    owner: Owner | None = None
    team: TeamRef | None = None


class ExpiringItem(Item):
    days_left: int  # negative: expired that many days ago


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


class Movement(Shape):
    id: int
    item_id: int
    user_id: int
    change: int
    reason: Literal[MOVEMENT_REASONS]
    note: str | None
    quantity_before: int
    balance: int
    created_at: datetime


class Verification(Shape):
    holds: bool
    starting_quantity: int
    movements_total: int
    expected_quantity: int
    quantity: int


class SupplierRef(Shape):
    id: int
    name: str


class Alert(Shape):
    item_id: int
    item_name: str
    sku: str | None
    quantity: int
    reorder_level: int
    shortfall: int
    out_of_stock: bool
    supplier: SupplierRef | None
    sold_last_30_days: int
    suggested_reorder_quantity: int


class ImportRow(Shape):
    row: int
    sku: str | None
    item_name: str | None
    action: Literal["create", "update", "unchanged"]
    item_id: int | None
    changes: Changes


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


class ItemSaved(Message):
    item_id: int
    item: Item


class ItemRead(Message):
    item: Item


class ItemDeleted(Message):
    item_id: int


class ItemList(Message):
    items: list[Item]
    pagination: Pagination


class StockResult(Message):
    low_stock: bool
    item: Item
    movement: Movement


class MovementList(Successful):
    item_id: int
    movements: list[Movement]
    pagination: Pagination
    verification: Verification | None = None  # with verify=true


class AlertList(Successful):
    alerts: list[Alert]
    pagination: Pagination


class ExpiringList(Message):
    items: list[ExpiringItem]
    pagination: Pagination


class ImportReport(Message):
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    rows: list[ImportRow]


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
