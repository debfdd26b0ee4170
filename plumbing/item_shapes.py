"""The response shapes of items: an item, its movements, alerts and imports.

Documentation only, like ``response_shapes.py`` (the shapes every resource
shares, and those of users, categories, suppliers and history).
"""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from field_types import ITEM_STATUSES, LEDGER_REASONS
from plumbing.response_shapes import (
    Changes,
    Message,
    Owner,
    Pagination,
    Shape,
    Successful,
    TeamRef,
)


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


class Movement(Shape):
    id: int
    item_id: int
    user_id: int
    change: int
    reason: Literal[LEDGER_REASONS]
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
