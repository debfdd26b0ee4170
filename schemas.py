"""Request validation: one Pydantic model per request body or query string.

Bodies are validated straight from the raw bytes in strict JSON mode, so
``"5"`` is not a quantity, ``true`` is not a number, ``NaN`` and ``1e400`` are
not prices, and unknown fields are rejected by name.
"""

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
    StringConstraints,
    ValidationError,
    field_validator,
)

from errors import APIError, invalid_input
from models import ACTION_TYPES, MAX_ID

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


Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=30, pattern=r"^[A-Za-z0-9_]+$"
    ),
]
Password = Annotated[str, AfterValidator(_password_rules)]
Email = Annotated[EmailStr, StringConstraints(max_length=254)]
ItemName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
Description = Annotated[str, StringConstraints(max_length=500)]
Quantity = Annotated[int, Field(ge=0, le=MAX_AMOUNT)]
Price = Annotated[
    float, Field(ge=0, le=MAX_AMOUNT), AfterValidator(_at_most_two_decimals)
]


class RequestBody(BaseModel):
    """Base for JSON bodies: strict types, no unknown fields, finite numbers."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class RegisterRequest(RequestBody):
    username: Username
    email: Email
    password: Password


class LoginRequest(RequestBody):
    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    password: Annotated[
        str, StringConstraints(min_length=1), AfterValidator(_login_password_size)
    ]


class ItemCreate(RequestBody):
    item_name: ItemName
    description: Description | None = None
    quantity: Quantity
    price: Price


class ItemUpdate(RequestBody):
    """A partial update: only the fields sent are changed."""

    item_name: ItemName | None = None
    description: Description | None = None
    quantity: Quantity | None = None
    price: Price | None = None

    @field_validator("item_name", "quantity", "price")
    @classmethod
    def _not_null(cls, value):
        # Defaults are not validated, so this only rejects an explicit null.
        if value is None:
            raise ValueError("May not be null.")
        return value


class QueryString(BaseModel):
    """Base for query strings: values arrive as text, unknown names are rejected."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(QueryString):
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=100)


class InventoryQuery(PageQuery):
    pass


class HistoryQuery(PageQuery):
    item_id: int | None = Field(None, ge=1, le=MAX_ID)
    action_type: Literal[ACTION_TYPES] | None = None


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
