"""Request validation: one Pydantic model per request body or query string.

Bodies are validated straight from the raw bytes in strict JSON mode, so
``"5"`` is not a quantity, ``true`` is not a number, ``NaN`` and ``1e400`` are
not prices, and unknown fields are rejected by name.
"""

import math
import re
from decimal import Decimal
from typing import Annotated, Literal, TypeVar

from flask import request
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from errors import APIError, invalid_input
from models import (
    ACTION_TYPES,
    ENTITY_TYPES,
    ITEM_STATUSES,
    MAX_ID,
    MOVEMENT_REASONS,
    ROLES,
)

MAX_AMOUNT = 1_000_000_000
# bcrypt only looks at the first 72 bytes, and bcrypt 5 raises beyond that.
PASSWORD_MAX_BYTES = 72


def _password_rules(password: str) -> str:
    size = len(password.encode("utf-8"))
    if size < 8:
        raise ValueError("Password must be at least 8 bytes long.")
    if size > PASSWORD_MAX_BYTES:
        raise ValueError(
            f"Password must be at most {PASSWORD_MAX_BYTES} bytes (UTF-8)."
        )
    if not re.search(r"[^\W\d_]", password) or not re.search(r"\d", password):
        raise ValueError("Password must contain at least one letter and one digit.")
    return password


def _login_password_size(password: str) -> str:
    if len(password.encode("utf-8")) > PASSWORD_MAX_BYTES:
        raise ValueError(
            f"Password must be at most {PASSWORD_MAX_BYTES} bytes (UTF-8)."
        )
    return password


def _at_most_two_decimals(price: float) -> float:
    if Decimal(repr(price)).as_tuple().exponent < -2:
        raise ValueError("Price must have at most 2 decimal places.")
    return price


def _normalise_tag(tag: str) -> str:
    return " ".join(tag.split()).lower()


def _normalise_tags(tags: list[str]) -> list[str]:
    # Lower-case, single spaces, no duplicates, first occurrence wins.
    return list(dict.fromkeys(_normalise_tag(tag) for tag in tags))


def _spec_value(value):
    # One clear message instead of one per member of a str | int | float union.
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("Must be a string or a number.")
    if isinstance(value, str) and len(value) > 500:
        raise ValueError("Must be at most 500 characters.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("Must be a finite number.")
    if isinstance(value, int) and abs(value) > 10**15:
        raise ValueError("Must be between -10^15 and 10^15.")
    return value


def _reject_null(value):
    # Defaults are not validated, so this only rejects an explicit null.
    if value is None:
        raise ValueError("May not be null.")
    return value


def Text(max_length: int, min_length: int = 0):
    """A string of bounded length, trimmed of surrounding whitespace."""
    return Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=min_length, max_length=max_length
        ),
    ]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=30, pattern=r"^[A-Za-z0-9_]+$"
    ),
]
Password = Annotated[str, AfterValidator(_password_rules)]
Email = Annotated[EmailStr, StringConstraints(max_length=254)]
ItemName = Text(100, min_length=1)
Description = Annotated[str, StringConstraints(max_length=500)]
Quantity = Annotated[int, Field(ge=0, le=MAX_AMOUNT)]
Price = Annotated[
    float, Field(ge=0, le=MAX_AMOUNT), AfterValidator(_at_most_two_decimals)
]
Sku = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
    ),
]
Status = Literal[ITEM_STATUSES]
Tag = Annotated[Text(50, min_length=1), AfterValidator(_normalise_tag)]
SpecValue = Annotated[str | int | float, PlainValidator(_spec_value)]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ().-]{5,30}$")
]
SearchText = Text(100, min_length=1)


class RequestBody(BaseModel):
    """Base for JSON bodies: strict types, no unknown fields, finite numbers."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class RegisterRequest(RequestBody):
    username: Username
    email: Email
    password: Password


class LoginRequest(RequestBody):
    username: Text(254, min_length=1)
    password: Annotated[
        str, StringConstraints(min_length=1), AfterValidator(_login_password_size)
    ]


class RoleUpdate(RequestBody):
    role: Literal[ROLES]


class ItemMetadata(RequestBody):
    """Extended product data, stored with the item."""

    tags: Annotated[
        list[Tag], Field(max_length=20), AfterValidator(_normalise_tags)
    ] = []
    specifications: Annotated[
        dict[Text(50, min_length=1), SpecValue], Field(max_length=50)
    ] = {}
    care_instructions: Text(1000) | None = None
    seo_title: Text(150) | None = None
    seo_description: Text(300) | None = None
    vendor_notes: Text(1000) | None = None


class ItemCreate(RequestBody):
    item_name: ItemName
    description: Description | None = None
    quantity: Quantity
    price: Price
    sku: Sku | None = None
    category_id: Id | None = None
    supplier_id: Id | None = None
    cost_price: Price | None = None
    reorder_level: Quantity = 0
    status: Status = "active"
    metadata: ItemMetadata = ItemMetadata()


class ItemUpdate(RequestBody):
    """A partial update: only the fields sent are changed."""

    item_name: ItemName | None = None
    description: Description | None = None
    quantity: Quantity | None = None
    price: Price | None = None
    sku: Sku | None = None
    category_id: Id | None = None
    supplier_id: Id | None = None
    cost_price: Price | None = None
    reorder_level: Quantity | None = None
    status: Status | None = None
    metadata: ItemMetadata | None = None

    _not_null = field_validator(
        "item_name", "quantity", "price", "reorder_level", "status", "metadata"
    )(_reject_null)


class StockMovementRequest(RequestBody):
    """A change of stock: a signed ``change``, or an absolute ``quantity`` counted."""

    reason: Literal[MOVEMENT_REASONS]
    change: Annotated[int, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)] | None = None
    quantity: Quantity | None = None
    note: Text(500) | None = None

    @model_validator(mode="after")
    def _change_or_count(self):
        if self.reason == "count":
            if self.quantity is None or self.change is not None:
                raise ValueError(
                    'A "count" gives the counted "quantity", not a "change".'
                )
        elif self.change is None or self.quantity is not None:
            raise ValueError(
                f'A "{self.reason}" gives a non-zero "change", not a "quantity".'
            )
        elif self.change == 0:
            raise ValueError('"change" must not be zero.')
        return self


class CategoryCreate(RequestBody):
    name: Text(100, min_length=1)
    description: Text(500) | None = None


class CategoryUpdate(RequestBody):
    name: Text(100, min_length=1) | None = None
    description: Text(500) | None = None

    _not_null = field_validator("name")(_reject_null)


class SupplierCreate(RequestBody):
    name: Text(100, min_length=1)
    contact_name: Text(100) | None = None
    email: Email | None = None
    phone: Phone | None = None
    address: Text(500) | None = None


class SupplierUpdate(RequestBody):
    name: Text(100, min_length=1) | None = None
    contact_name: Text(100) | None = None
    email: Email | None = None
    phone: Phone | None = None
    address: Text(500) | None = None

    _not_null = field_validator("name")(_reject_null)


class QueryString(BaseModel):
    """Base for query strings: values arrive as text, unknown names are rejected."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class PageQuery(QueryString):
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=100)


class SearchQuery(PageQuery):
    q: SearchText | None = None


SORT_KEYS = ("item_name", "quantity", "price", "created_at", "updated_at")
SortKey = Literal[SORT_KEYS + tuple(f"-{key}" for key in SORT_KEYS)]


class InventoryFilters(QueryString):
    """The filters and sort order shared by the item list and the CSV export."""

    q: SearchText | None = None
    category_id: Id | None = None
    supplier_id: Id | None = None
    tag: Tag | None = None
    status: Status | None = None
    low_stock: bool = False
    min_quantity: Quantity | None = None
    max_quantity: Quantity | None = None
    min_price: Price | None = None
    max_price: Price | None = None
    sort: SortKey | None = None

    @model_validator(mode="after")
    def _ranges_are_ordered(self):
        for low, high in (("min_quantity", "max_quantity"), ("min_price", "max_price")):
            low_value, high_value = getattr(self, low), getattr(self, high)
            if None not in (low_value, high_value) and low_value > high_value:
                raise ValueError(f"{low} must not be greater than {high}.")
        return self


class InventoryQuery(InventoryFilters, PageQuery):
    all_users: bool = Field(False, alias="all")


class ImportQuery(QueryString):
    dry_run: bool = False


class MovementsQuery(PageQuery):
    verify: bool = False


class HistoryQuery(PageQuery):
    item_id: Id | None = None
    action_type: Literal[ACTION_TYPES] | None = None
    entity_type: Literal[ENTITY_TYPES] | None = None
    all_users: bool = Field(False, alias="all")


Model = TypeVar("Model", bound=BaseModel)


def parse_body(model: type[Model]) -> Model:
    """Validate the request's JSON body against ``model``, or raise a 400/415."""
    if not request.is_json:
        raise APIError(415, "Content-Type must be application/json.")
    try:
        return model.model_validate_json(request.get_data())
    except ValidationError as exc:
        raise invalid_input(exc) from None


def parse_query(model: type[Model]) -> Model:
    """Validate the query string against ``model``, or raise a 400."""
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise invalid_input(exc, "Invalid query parameters.") from None
