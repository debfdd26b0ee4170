"""The OpenAPI 3.1 document, built from the models that validate requests.

Request bodies and query strings come straight from ``schemas.py``, so the
document cannot drift from validation. Response shapes are described by the
small models below (documentation only; the contract tests check real
responses against them). ``OPERATIONS`` lists every endpoint once; paths and
path parameters come from the app's URL map, and a test checks that the
document and the URL map name exactly the same operations.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal

from flask import Flask
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from errors import HTTP_MESSAGES
from models import (
    ACTION_TYPES,
    ENTITY_TYPES,
    ITEM_STATUSES,
    MAX_ID,
    MOVEMENT_REASONS,
    ROLES,
)
from plumbing.sessions import STORE_DOWN_MESSAGE
from schemas import (
    CategoryCreate,
    CategoryUpdate,
    HistoryQuery,
    ImportQuery,
    InventoryFilters,
    InventoryQuery,
    ItemCreate,
    ItemUpdate,
    LoginRequest,
    MovementsQuery,
    PageQuery,
    RegisterRequest,
    RoleUpdate,
    SearchQuery,
    StockMovementRequest,
    SupplierCreate,
    SupplierUpdate,
)
from version import __version__

# --- Response shapes ------------------------------------------------------------

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


class User(Shape):
    id: int
    username: str
    email: str
    role: Literal[ROLES]
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
    low_stock: bool
    version: int
    metadata: Metadata
    created_at: datetime
    updated_at: datetime
    owner: Owner | None = None  # only in admin lists with all=true


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
    user_id: int
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
    owner: Owner | None = None  # only with all=true


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


# --- Operations -------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    success: int
    returns: type[BaseModel] | str  # a shape, or a media type for non-JSON
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    body_media_type: str = "application/json"
    query: type[BaseModel] | None = None
    headers: tuple[str, ...] = ()
    login: bool = True
    extra_statuses: dict[int, str] = field(default_factory=dict)


# What each failure status means, for the document.
ERROR_MEANINGS = {
    400: "Invalid input; `errors` names each bad field.",
    401: "Not logged in (or wrong username or password).",
    403: "Logged in without the admin role, or a cross-site request.",
    404: "No such resource, or not yours.",
    409: "Conflicts with existing data (taken name, in use, not enough stock...).",
    412: "If-Match names a version the item no longer has (see current_version).",
    413: "The request body is larger than the limit.",
    415: "The body is not of the required content type.",
    422: "The Idempotency-Key was used for a different request.",
    429: "Too many attempts; retry after Retry-After seconds.",
    503: "A backing service is unavailable; retry after Retry-After seconds.",
}
HEADERS = {
    "Idempotency-Key": {
        "description": "Makes a retry safe: the same key within 24 hours replays the "
        "first response instead of writing again.",
        "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{1,255}$"},
    },
    "If-Match": {
        "description": "The item's ETag (its version, quoted): the write happens only "
        "if the item is still at that version.",
        "schema": {"type": "string"},
    },
}
WRITE = (400, 401, 415)
ITEM_WRITE = (400, 401, 404, 409, 412, 415)


def _catalog(noun: str, plural: str, create, update, one, many, message) -> dict:
    title = noun.capitalize()
    admin = (401, 403)
    change = Operation(
        f"Change a {noun} (admins)",
        plural,
        200,
        message,
        (400, *admin, 404, 409, 415),
        update,
    )
    return {
        ("GET", f"{plural}.list_entries"): Operation(
            f"List {plural} by name", plural, 200, many, (400, 401), query=SearchQuery
        ),
        ("GET", f"{plural}.get_entry_view"): Operation(
            f"Show one {noun}", plural, 200, one, (401, 404)
        ),
        ("POST", f"{plural}.create_entry"): Operation(
            f"Create a {noun} (admins)",
            plural,
            201,
            message,
            (400, *admin, 409, 415),
            create,
        ),
        ("PUT", f"{plural}.update_entry"): change,
        ("PATCH", f"{plural}.update_entry"): change,
        ("DELETE", f"{plural}.delete_entry"): Operation(
            f"Delete an unused {noun} (admins)",
            plural,
            200,
            Message,
            (*admin, 404, 409),
            extra_statuses={409: f"{title} still used by items."},
        ),
    }


UPDATE_ITEM = Operation(
    "Change an item's fields (partial)",
    "inventory",
    200,
    ItemSaved,
    ITEM_WRITE,
    ItemUpdate,
    headers=("If-Match",),
)

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("POST", "auth.register"): Operation(
        "Create an account",
        "auth",
        201,
        UserMessage,
        (400, 409, 415, 429),
        RegisterRequest,
        login=False,
    ),
    ("POST", "auth.login"): Operation(
        "Log in and start a session (sets the session cookie)",
        "auth",
        200,
        UserMessage,
        (400, 401, 415, 429),
        LoginRequest,
        login=False,
    ),
    ("POST", "auth.logout"): Operation(
        "End the session everywhere", "auth", 200, Message, (401, 415)
    ),
    ("GET", "auth.me"): Operation(
        "Show the logged-in user", "auth", 200, UserBody, (401,)
    ),
    ("POST", "inventory.create_item"): Operation(
        "Add an item",
        "inventory",
        201,
        ItemSaved,
        (400, 401, 409, 415, 422),
        ItemCreate,
        headers=("Idempotency-Key",),
    ),
    ("GET", "inventory.list_items"): Operation(
        "List your items, filtered and sorted (admins: all=true for everyone's)",
        "inventory",
        200,
        ItemList,
        (400, 401, 403),
        query=InventoryQuery,
    ),
    ("GET", "inventory.get_item"): Operation(
        "Show one of your items (its version is the ETag)",
        "inventory",
        200,
        ItemRead,
        (401, 404),
        extra_statuses={304: "Not modified (If-None-Match matched)."},
    ),
    ("PUT", "inventory.update_item"): UPDATE_ITEM,
    ("PATCH", "inventory.update_item"): UPDATE_ITEM,
    ("DELETE", "inventory.delete_item"): Operation(
        "Delete an item (its history stays)",
        "inventory",
        200,
        ItemDeleted,
        (401, 404, 412),
        headers=("If-Match",),
    ),
    ("POST", "stock.change_stock"): Operation(
        "Record a purchase, sale, return, adjustment or count",
        "stock",
        200,
        StockResult,
        (*ITEM_WRITE, 422),
        StockMovementRequest,
        headers=("Idempotency-Key", "If-Match"),
    ),
    ("GET", "stock.list_movements"): Operation(
        "List an item's stock movements with balances",
        "stock",
        200,
        MovementList,
        (400, 401, 404),
        query=MovementsQuery,
    ),
    ("GET", "stock.low_stock_alerts"): Operation(
        "List items at or below their reorder level, most urgent first",
        "stock",
        200,
        AlertList,
        (400, 401),
        query=PageQuery,
    ),
    ("GET", "inventory_csv.export_csv"): Operation(
        "Export your items as CSV",
        "inventory",
        200,
        "text/csv",
        (400, 401),
        query=InventoryFilters,
    ),
    ("POST", "inventory_csv.import_csv"): Operation(
        "Create or update items by SKU from CSV, all or nothing",
        "inventory",
        200,
        ImportReport,
        (400, 401, 409, 413, 415),
        body_media_type="text/csv",
        query=ImportQuery,
    ),
    ("GET", "history.list_history"): Operation(
        "List your history, newest first (admins: all=true for everyone's)",
        "history",
        200,
        HistoryList,
        (400, 401, 403),
        query=HistoryQuery,
    ),
    **_catalog(
        "category",
        "categories",
        CategoryCreate,
        CategoryUpdate,
        CategoryBody,
        CategoryList,
        CategoryMessage,
    ),
    **_catalog(
        "supplier",
        "suppliers",
        SupplierCreate,
        SupplierUpdate,
        SupplierBody,
        SupplierList,
        SupplierMessage,
    ),
    ("GET", "users.list_users"): Operation(
        "List users (admins)",
        "users",
        200,
        UserList,
        (400, 401, 403),
        query=SearchQuery,
    ),
    ("GET", "users.get_user_view"): Operation(
        "Show one user (admins)", "users", 200, UserBody, (401, 403, 404)
    ),
    ("PATCH", "users.change_role"): Operation(
        "Change a user's role (admins); the last admin cannot be demoted",
        "users",
        200,
        UserMessage,
        (400, 401, 403, 404, 409, 415),
        RoleUpdate,
    ),
    ("GET", "ops.health"): Operation(
        "Check the database and the session store",
        "operations",
        200,
        Health,
        (503,),
        login=False,
    ),
    ("GET", "ops.version"): Operation(
        "Show the API version", "operations", 200, Version, login=False
    ),
    ("GET", "docs.openapi_document"): Operation(
        "This document", "operations", 200, "application/json", login=False
    ),
    ("GET", "docs.docs_page"): Operation(
        "Interactive documentation", "operations", 200, "text/html", login=False
    ),
    ("GET", "docs.docs_asset"): Operation(
        "An asset of the documentation page",
        "operations",
        200,
        "asset",
        (404,),
        login=False,
    ),
}

ASSET_MEDIA_TYPES = ("text/javascript", "text/css")
# The order the documentation page shows the groups in.
TAGS = (
    ("auth", "Register, log in, log out."),
    ("inventory", "Your items: create, find, change, delete, CSV."),
    ("stock", "Stock movements, the ledger, low-stock alerts."),
    ("history", "Everything that happened, newest first."),
    ("categories", "The shared catalog (changes: admins)."),
    ("suppliers", "The shared catalog (changes: admins)."),
    ("users", "Accounts and roles (admins)."),
    ("operations", "Health, version and this documentation."),
)


# --- Error examples ---------------------------------------------------------------
# Real answers of this API (tests/test_openapi.py provokes them and compares), so
# that /docs shows what a client will meet instead of generated placeholders.


def _error(summary: str, message: str, *errors: dict, **extra: Any) -> dict:
    value = {"status": "failed", "message": message, "errors": list(errors)}
    return {"summary": summary, "value": {**value, **extra, "timestamp": EXAMPLE_TIME}}


def _field(field: str | None, message: str, **more: Any) -> dict[str, Any]:
    return {"field": field, "message": message, **more}


BAD_BODY = {
    "invalid_field": _error(
        "A field is invalid",
        "Validation failed.",
        _field("quantity", "Input should be a valid integer"),
    ),
    "not_an_object": _error(
        "The body is not a JSON object", "Request body must be a JSON object."
    ),
}
BAD_QUERY = {
    "unknown_parameter": _error(
        "A misspelt query parameter",
        "Invalid query parameters.",
        _field("perpage", "Unknown field."),
    )
}
NOT_LOGGED_IN = {"not_logged_in": _error("No session", HTTP_MESSAGES[401])}
NOT_ADMIN = {"not_admin": _error("A staff user", "This needs the admin role.")}
NOT_FOUND_BY_TAG = {
    "inventory": "Item not found.",
    "stock": "Item not found.",
    "categories": "Category not found.",
    "suppliers": "Supplier not found.",
    "users": "User not found.",
}
RACE = {
    "concurrent_change": _error(
        "Another request changed the same data",
        "The data changed while this request ran; nothing was saved. Retry.",
    )
}
SKU_TAKEN = {
    "sku_taken": _error(
        "The SKU is taken",
        "SKU already in use.",
        _field("sku", "You already have an item with SKU LAP-1."),
    )
}
STALE_VERSION = {
    "stale_version": _error(
        "Someone changed the item since you read it",
        "The item has changed since you read it (now version 3); "
        "fetch it again and retry.",
        current_version=3,
    )
}
WRONG_TYPE = {"not_json": _error("Not JSON", HTTP_MESSAGES[415])}
KEY_REUSED = {
    "key_reused": _error(
        "The key belongs to another request",
        "This Idempotency-Key was already used for a different request; "
        "use a new key for a new request.",
    )
}
UNAVAILABLE = {
    "database": _error(
        "The database is down or locked",
        "The database is busy or unavailable; please retry shortly.",
    ),
    "session_store": _error("The session store is down", STORE_DOWN_MESSAGE),
}
ERROR_EXAMPLES: dict[int, dict[str, dict]] = {
    401: NOT_LOGGED_IN,
    403: NOT_ADMIN,
    409: RACE,
    412: STALE_VERSION,
    415: WRONG_TYPE,
    422: KEY_REUSED,
    503: UNAVAILABLE,
}


def _catalog_examples(noun: str, plural: str) -> dict[str, dict[int, dict]]:
    title = noun.capitalize()
    name_taken = {
        "name_taken": _error(
            "The name is taken",
            f"{title} name already in use.",
            _field("name", f"A {noun} named 'Tools' already exists."),
        )
    }
    return {
        f"{plural}.create_entry": {409: name_taken},
        f"{plural}.update_entry": {409: name_taken},
        f"{plural}.delete_entry": {
            409: {
                "in_use": _error(
                    "Items still use it",
                    f"{title} is in use: 3 items use it. Reassign them first.",
                )
            }
        },
    }


# Where an operation answers in its own words.
ENDPOINT_EXAMPLES: dict[str, dict[int, dict[str, dict]]] = {
    "auth.register": {
        409: {
            "taken": _error(
                "The username is taken",
                "Username or email already registered.",
                _field("username", "This username is already taken."),
            )
        },
        429: {
            "too_many": _error(
                "Too many accounts from one address",
                "Too many accounts created from this address; try again later.",
            )
        },
    },
    "auth.login": {
        401: {
            "bad_credentials": _error(
                "Wrong username or password", "Invalid username or password."
            )
        },
        429: {
            "failed_logins": _error(
                "Too many failed logins for one username",
                "Too many failed logins for this username; try again later.",
            ),
            "attempts": _error(
                "Too many logins from one address",
                "Too many login attempts from this address; try again later.",
            ),
        },
    },
    "inventory.create_item": {409: SKU_TAKEN},
    "inventory.update_item": {409: SKU_TAKEN},
    "stock.change_stock": {
        409: {
            "not_enough_stock": _error(
                "The change would take the quantity below zero",
                "Not enough stock: the quantity is 5, so a change of -10 would "
                "take it below zero.",
                quantity=5,
            )
        }
    },
    "inventory_csv.import_csv": {
        400: {
            "bad_rows": _error(
                "A row is invalid (nothing is imported)",
                "Import rejected: 1 row(s) have errors; nothing was changed.",
                _field("price", "Must be a number such as 12 or 12.50.", row=2),
            )
        },
        415: {"not_csv": _error("Not CSV", "Content-Type must be text/csv.")},
    },
    "users.change_role": {
        409: {
            "last_admin": _error(
                "Demoting the last admin", "The last admin cannot be demoted."
            )
        }
    },
    "ops.health": {
        503: {
            "database_down": _error(
                "The database does not answer",
                "Unavailable: database.",
                _field("database", "Unavailable."),
                checks={"database": "unavailable", "session_store": "ok"},
            )
        }
    },
    **_catalog_examples("category", "categories"),
    **_catalog_examples("supplier", "suppliers"),
}


def _error_examples(
    op: Operation, endpoint: str, status: int, body_limit_kb: int
) -> dict[str, dict]:
    """Return the documented examples of ``op`` answering ``status``."""
    own = ENDPOINT_EXAMPLES.get(endpoint, {})
    if status in own:
        return own[status]
    if status == 400:
        return BAD_BODY if op.body is not None else BAD_QUERY
    if status == 404:
        message = NOT_FOUND_BY_TAG.get(op.tag, HTTP_MESSAGES[404])
        return {"not_found": _error("No such resource, or not yours", message)}
    if status == 413:
        message = f"Request body is too large (limit {body_limit_kb} KB)."
        return {"too_large": _error("The body is over the limit", message)}
    return ERROR_EXAMPLES[status]


def build_document(app: Flask) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document for every documented route of ``app``."""
    components = _component_schemas()
    body_limit_kb = app.config["MAX_CONTENT_LENGTH"] // 1024
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operation = OPERATIONS.get((method, rule.endpoint))
            if operation is None:
                continue  # the document test reports undocumented routes
            path, parameters = _path_and_parameters(rule)
            paths.setdefault(path, {})[method.lower()] = _operation(
                operation, rule.endpoint, method, parameters, body_limit_kb
            )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Inventory API",
            "version": __version__,
            "description": "Inventory management with server-side sessions. Log in "
            "with POST /login; the session cookie authenticates the rest. Every JSON "
            "answer is an envelope with `status` and a UTC `timestamp` (ISO 8601); "
            "errors always add `message` and `errors`.",
        },
        "tags": [{"name": name, "description": text} for name, text in TAGS],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"}
            },
        },
    }


def _component_schemas() -> dict[str, Any]:
    request_models = {op.body for op in OPERATIONS.values() if op.body is not None}
    response_models = {
        op.returns for op in OPERATIONS.values() if isinstance(op.returns, type)
    }
    entries = [(model, "validation") for model in request_models]
    entries += [(model, "serialization") for model in response_models | {Error}]
    _, schema = models_json_schema(
        sorted(entries, key=lambda entry: entry[0].__name__),
        by_alias=True,
        ref_template="#/components/schemas/{model}",
    )
    return schema["$defs"]


def _path_and_parameters(rule) -> tuple[str, list[dict[str, Any]]]:
    parameters = []
    for name, converter in rule._converters.items():
        if type(converter).__name__ == "IntegerConverter":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        else:  # <any(a, b):name>
            schema = {"type": "string", "enum": sorted(converter.items)}
        parameters.append(
            {"name": name, "in": "path", "required": True, "schema": schema}
        )
    path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
    return path, parameters


def _operation(
    op: Operation, endpoint: str, method: str, parameters: list, body_limit_kb: int
) -> dict:
    document: dict[str, Any] = {
        "operationId": f"{endpoint.replace('.', '_')}_{method.lower()}",
        "summary": op.summary,
        "tags": [op.tag],
        "responses": _responses(op, endpoint, body_limit_kb),
    }
    parameters = parameters + [
        {"name": name, "in": "header", "required": False, **HEADERS[name]}
        for name in op.headers
    ]
    if op.query is not None:
        parameters += _query_parameters(op.query)
    if parameters:
        document["parameters"] = parameters
    if op.body is not None:
        document["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(op.body)}},
        }
    elif op.body_media_type == "text/csv":
        document["requestBody"] = {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    document["security"] = [{"session": []}] if op.login else []
    return document


def _responses(op: Operation, endpoint: str, body_limit_kb: int) -> dict[str, Any]:
    responses: dict[str, Any] = {str(op.success): {"description": "Success."}}
    if isinstance(op.returns, type):
        responses[str(op.success)]["content"] = {
            "application/json": {"schema": _ref(op.returns)}
        }
    elif op.returns == "asset":
        responses[str(op.success)]["content"] = {
            media: {} for media in ASSET_MEDIA_TYPES
        }
    else:
        responses[str(op.success)]["content"] = {
            op.returns: {"schema": {"type": "string"}}
        }
    statuses = list(op.errors)
    if op.body is not None or op.body_media_type != "application/json":
        statuses.append(413)  # any request body can be over the limit
    statuses.append(503)  # every operation can meet a store that is down
    for status in statuses:
        examples = _error_examples(op, endpoint, status, body_limit_kb)
        responses.setdefault(
            str(status),
            {
                "description": ERROR_MEANINGS[status],
                "content": {
                    "application/json": {"schema": _ref(Error), "examples": examples}
                },
            },
        )
    for status, description in op.extra_statuses.items():
        # Reword a documented error, or add a status without a body (304).
        responses.setdefault(str(status), {})["description"] = description
    return responses


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(by_alias=True)
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": _without_null(property_schema),
        }
        for name, property_schema in schema["properties"].items()
    ]


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    # A query parameter is either present (as text) or absent; never null.
    options = [
        option for option in schema.get("anyOf", ()) if option.get("type") != "null"
    ]
    if len(options) == 1:
        rest = {key: value for key, value in schema.items() if key != "anyOf"}
        if rest.get("default", "") is None:
            del rest["default"]
        return {**rest, **options[0]}
    return schema


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}
