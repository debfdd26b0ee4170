"""Request validation: one Pydantic model per request body.

Query strings have theirs in ``query_strings.py``.

Bodies are validated straight from the raw bytes in strict JSON mode, so
``"5"`` is not a quantity, ``true`` is not a number, ``NaN`` and ``1e400`` are
not prices, and unknown fields are rejected by name.

The same models generate the OpenAPI document (``openapi.py``), so every rule
here is one that JSON Schema can state too: what the document calls valid, the
API accepts, and what it calls invalid, the API refuses. (The one exception,
the 72-byte password limit, is explained at ``field_types.Password``.)
"""

from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from flask import request
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)

from columns import fold
from errors import UNION_TAGS, APIError, invalid_input
from field_types import (
    MAX_AMOUNT,
    MOVEMENT_REASONS,
    NO_NUL,
    NOT_BLANK,
    SITE_ROLES,
    TEAM_ROLE_DESCRIPTIONS,
    TEAM_ROLES,
    Description,
    Email,
    Id,
    ItemName,
    Name,
    Password,
    Phone,
    Price,
    Quantity,
    Sku,
    SpecKey,
    SpecValue,
    Status,
    Tag,
    Text,
    Username,
    WholeNumber,
    password_fits_bcrypt,
)

UNION_TAGS.update(MOVEMENT_REASONS)


class RequestBody(BaseModel):
    """Base for JSON bodies: strict types, no unknown fields, finite numbers."""

    # Python's regular expressions (not Pydantic's default Rust engine): they
    # support the look-aheads in PASSWORD_PATTERN, and they are what the
    # OpenAPI tooling uses to read the document's patterns.
    model_config = ConfigDict(
        strict=True, extra="forbid", allow_inf_nan=False, regex_engine="python-re"
    )


class RegisterRequest(RequestBody):
    username: Username
    email: Email
    password: Password


# A password to check, not to set: any text bcrypt can read (a wrong one is
# then simply wrong, never a 500).
TypedPassword = Annotated[
    str,
    StringConstraints(min_length=1, max_length=72, pattern=NO_NUL),
    AfterValidator(password_fits_bcrypt),
]


class LoginRequest(RequestBody):
    # Only NUL is refused beyond the lengths: any other text is simply a
    # failed login, and the error should not tell what usernames look like.
    username: Annotated[
        str, StringConstraints(min_length=1, max_length=254, pattern=NO_NUL)
    ]
    password: TypedPassword


class PasswordChange(RequestBody):
    """The current password, and a new one by the rules of registering."""

    current_password: TypedPassword
    new_password: Password


class RoleUpdate(RequestBody):
    """A user's site role."""

    role: Literal[SITE_ROLES]


# A team role, each described in one line wherever the document shows one.
TeamRole = Annotated[
    Literal[TEAM_ROLES],
    Field(
        description="A team role. "
        + " ".join(f"{role}: {TEAM_ROLE_DESCRIPTIONS[role]}" for role in TEAM_ROLES)
    ),
]


class TeamFields(RequestBody):
    name: Name(100)


class MemberAdd(RequestBody):
    """Who to add (exactly one of username and email) and their team role."""

    # Either may be left out, neither may be null: the view checks that
    # exactly one is sent, and the document says so (oneOf below).
    username: Username = None
    email: Email = None
    role: TeamRole = "staff"

    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [{"required": ["username"]}, {"required": ["email"]}]
        }
    )


class MemberRoleUpdate(RequestBody):
    """A member's team role."""

    role: TeamRole


def _normalise_tags(tags: list[str]) -> list[str]:
    # No two tags that differ only in case ("straße", "strasse"): the first wins.
    unique: dict[str, str] = {}
    for tag in tags:
        unique.setdefault(fold(tag), tag)
    return list(unique.values())


def _every_key_not_blank(schema: dict[str, Any]) -> None:
    # Pydantic states a key pattern only in patternProperties, which leaves
    # keys that do not match it allowed; propertyNames says every key matches.
    schema["propertyNames"]["pattern"] = NOT_BLANK


class ItemMetadata(RequestBody):
    """Extended product data, stored with the item."""

    tags: Annotated[
        list[Tag], Field(max_length=20), AfterValidator(_normalise_tags)
    ] = []
    specifications: Annotated[
        dict[SpecKey, SpecValue],
        Field(max_length=50, json_schema_extra=_every_key_not_blank),
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
    expiry_date: date | None = None
    metadata: ItemMetadata = ItemMetadata()


class ItemUpdate(RequestBody):
    """A partial update: only the fields sent are changed.

    Fields typed without ``| None`` may be left out but not set to null: their
    default is never validated, while an explicit null is.
    """

    item_name: ItemName = None
    description: Description | None = None
    quantity: Quantity = None
    price: Price = None
    sku: Sku | None = None
    category_id: Id | None = None
    supplier_id: Id | None = None
    cost_price: Price | None = None
    reorder_level: Quantity = None
    status: Status = None
    expiry_date: date | None = None
    metadata: ItemMetadata = None


class StockChange(RequestBody):
    """Add a signed number of units: a purchase, sale, return or adjustment."""

    reason: Literal[tuple(reason for reason in MOVEMENT_REASONS if reason != "count")]
    change: Annotated[
        int,
        Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT),
        WholeNumber,
        AfterValidator(lambda change: change or _zero_change()),
        WithJsonSchema(
            {
                "type": "integer",
                "minimum": -MAX_AMOUNT,
                "maximum": MAX_AMOUNT,
                "not": {"const": 0},
            }
        ),
    ]
    note: Text(500) | None = None


class StockCount(RequestBody):
    """Set the quantity to what a stock count found."""

    reason: Literal["count"]
    quantity: Quantity
    note: Text(500) | None = None


def _zero_change():
    raise ValueError("Must not be zero.")


class StockMovementRequest(RootModel):
    root: Annotated[StockChange | StockCount, Field(discriminator="reason")]


class CategoryCreate(RequestBody):
    name: Name(100)
    description: Text(500) | None = None


class CategoryUpdate(RequestBody):
    name: Name(100) = None
    description: Text(500) | None = None


class SupplierCreate(RequestBody):
    name: Name(100)
    contact_name: Text(100) | None = None
    email: Email | None = None
    phone: Phone | None = None
    address: Text(500) | None = None


class SupplierUpdate(RequestBody):
    name: Name(100) = None
    contact_name: Text(100) | None = None
    email: Email | None = None
    phone: Phone | None = None
    address: Text(500) | None = None


Model = TypeVar("Model", bound=BaseModel)


def parse_body(model: type[Model]) -> Model:
    """Validate the request's JSON body against ``model``, or raise a 400/415."""
    if not request.is_json:
        raise APIError(415, "Content-Type must be application/json.")
    try:
        return model.model_validate_json(request.get_data())
    except ValidationError as exc:
        raise invalid_input(exc) from None
