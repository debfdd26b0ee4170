"""Error examples for the OpenAPI document: real answers of this API, for /docs."""

from typing import Any

from errors import HTTP_MESSAGES
from plumbing.response_shapes import EXAMPLE_TIME
from plumbing.sessions import STORE_DOWN_MESSAGE

# Real answers of this API (tests/test_openapi_envelope.py provokes them and
# compares), so that /docs shows what a client will meet instead of generated
# placeholders.


def error_example(summary: str, message: str, *errors: dict, **extra: Any) -> dict:
    """Return an example of the error envelope, for ``documented(examples=...)``."""
    value = {"status": "failed", "message": message, "errors": list(errors)}
    return {"summary": summary, "value": {**value, **extra, "timestamp": EXAMPLE_TIME}}


def field_error(field: str | None, message: str, **more: Any) -> dict[str, Any]:
    """Return one entry of an error example's ``errors`` list."""
    return {"field": field, "message": message, **more}


BAD_BODY = {
    "invalid_field": error_example(
        "A field is invalid",
        "Validation failed.",
        field_error("quantity", "Input should be a valid integer"),
    ),
    "not_an_object": error_example(
        "The body is not a JSON object", "Request body must be a JSON object."
    ),
}
BAD_QUERY = {
    "unknown_parameter": error_example(
        "A misspelt query parameter",
        "Invalid query parameters.",
        field_error("perpage", "Unknown field."),
    )
}
NOT_LOGGED_IN = {"not_logged_in": error_example("No session", HTTP_MESSAGES[401])}
NOT_ADMIN = {
    "not_admin": error_example(
        "A user without the site admin role", "This needs the site admin role."
    )
}
NOT_FOUND_BY_TAG = {
    "inventory": "Item not found.",
    "stock": "Item not found.",
    "categories": "Category not found.",
    "suppliers": "Supplier not found.",
    "users": "User not found.",
}
RACE = {
    "concurrent_change": error_example(
        "Another request changed the same data",
        "The data changed while this request ran; nothing was saved. Retry.",
    )
}
STALE_VERSION = {
    "stale_version": error_example(
        "Someone changed the item since you read it",
        "The item has changed since you read it (now version 3); "
        "fetch it again and retry.",
        current_version=3,
    )
}
WRONG_TYPE = {"not_json": error_example("Not JSON", HTTP_MESSAGES[415])}
KEY_REUSED = {
    "key_reused": error_example(
        "The key belongs to another request",
        "This Idempotency-Key was already used for a different request; "
        "use a new key for a new request.",
    )
}
UNAVAILABLE = {
    "database": error_example(
        "The database is down or locked",
        "The database is busy or unavailable; please retry shortly.",
    ),
    "session_store": error_example("The session store is down", STORE_DOWN_MESSAGE),
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

# Answers that more than one view gives in its own words (documented(examples=)).
SKU_TAKEN = {
    "sku_taken": error_example(
        "The SKU is taken",
        "SKU already in use.",
        field_error("sku", "Your team already has an item with SKU LAP-1."),
    )
}
NOT_ENOUGH_STOCK = {
    "not_enough_stock": error_example(
        "The change would take the quantity below zero",
        "Not enough stock: the quantity is 5, so a change of -10 would "
        "take it below zero.",
        quantity=5,
    )
}
NOT_STOCK_WRITER = {
    "not_stock_writer": error_example(
        "A read-only (staff) member of the team",
        "Recording stock needs the clerk or admin team role.",
    )
}
BAD_CSV_ROWS = {
    "bad_rows": error_example(
        "A row is invalid (nothing is imported)",
        "Import rejected: 1 row(s) have errors; nothing was changed.",
        field_error("price", "Must be a number such as 12 or 12.50.", row=2),
    )
}
NOT_CSV = {"not_csv": error_example("Not CSV", "Content-Type must be text/csv.")}
