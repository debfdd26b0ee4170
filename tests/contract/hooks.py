"""Schemathesis hooks for the contract test (scripts/contract.sh).

* Every generated request runs as a freshly logged-in admin, so an operation
  such as POST /logout cannot silently turn the rest of the run into 401s.
* Just before each request: a valid generated item id in the path (an
  integer, or its digits as the coverage phase sends it) is replaced by a
  fresh item of the caller's; valid category_id / supplier_id values are
  pointed at the category and supplier that exist (id 1); and CSV import
  bodies are made into CSV. Otherwise nearly every request would only test the
  "no such item", "no such category" and "not a CSV" answers, and
  Schemathesis warned of a "schema validation mismatch" on the item routes.
* A generated If-Match on such a request becomes the fresh item's ETag. The
  document allows any string there (an ETag is opaque), but only the item's
  current version can match: every request sending one was a 412.
* The run's own account stays what it is: a generated request that would
  change its site role, its team role or its membership (PATCH or DELETE on
  its own user id) is pointed at a user id that does not exist. Otherwise,
  once an earlier request has added another admin to its team, it could
  demote itself or leave, and every later request would test only 403s and
  "no such category". Those routes are still called, on other users and on
  the missing one.
* A valid password change (PUT /me/password) gets the account's own password
  as both its current and its new one: a generated current password is only
  ever wrong (400), and a generated new one would lock every later login out.
* A password of at most 72 characters but more than 72 UTF-8 bytes is valid
  by the document (JSON Schema counts characters) yet refused by bcrypt's
  limit (see field_types.py); such a password is replaced by a valid one.
"""

import csv
import functools
import io
import json
import os

import requests
import schemathesis

from columns import MAX_ID
from field_types import BLANK
from schemas import PasswordChange

BASE_URL = os.environ["CONTRACT_BASE_URL"]
USERNAME = os.environ["CONTRACT_USERNAME"]
PASSWORD = os.environ["CONTRACT_PASSWORD"]
# A new item is at version 1, and its ETag is the quoted version.
FRESH_ITEM_ETAG = '"1"'


@schemathesis.auth(refresh_interval=None)
class FreshSession:
    """Log in for each request and send that session's cookie."""

    def get(self, case, context):
        response = requests.post(
            f"{BASE_URL}/login",
            json={"username": USERNAME, "password": PASSWORD},
            timeout=10,
        )
        response.raise_for_status()
        return response.cookies["session"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Cookie": f"session={data}"}


@schemathesis.hook
def before_call(context, case, **kwargs):
    path_parameters = case.path_parameters or {}
    if case.method in ("PATCH", "DELETE") and _is_own_user_id(
        path_parameters.get("user_id")
    ):
        path_parameters["user_id"] = MAX_ID  # nobody's: the 404 answer
    if _is_path_id(path_parameters.get("item_id")) and "Cookie" in (case.headers or {}):
        path_parameters["item_id"] = _fresh_item(case.headers["Cookie"])
        if "If-Match" in case.headers:
            case.headers["If-Match"] = FRESH_ITEM_ETAG
    body = case.body
    if isinstance(body, dict):
        for field in ("category_id", "supplier_id"):
            if _is_id(body.get(field)):
                body[field] = 1
        for field in ("password", "current_password", "new_password"):
            password = body.get(field)
            if isinstance(password, str) and len(password) <= 72 < len(
                password.encode()
            ):
                body[field] = "contract-pass-2"
    if case.operation.path == "/me/password" and _is_valid_password_change(body):
        body.update(current_password=PASSWORD, new_password=PASSWORD)
    if case.operation.path == "/inventory/import" and isinstance(body, str):
        case.body = _as_csv(body)


@functools.cache
def _own_user_id() -> int:
    """The run's account's user id (asked once)."""
    session = requests.Session()
    login = {"username": USERNAME, "password": PASSWORD}
    session.post(f"{BASE_URL}/login", json=login, timeout=10).raise_for_status()
    return session.get(f"{BASE_URL}/me", timeout=10).json()["user"]["id"]


def _is_own_user_id(value) -> bool:
    return _is_path_id(value) and int(value) == _own_user_id()


def _is_path_id(value) -> bool:
    # The coverage phase passes path parameters already written out ("1").
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    return _is_id(value)


def _is_id(value) -> bool:
    # 5.0 is an integer too, in JSON Schema and in this API.
    whole = type(value) is int or (type(value) is float and value.is_integer())
    return whole and 1 <= value <= MAX_ID


def _is_valid_password_change(body) -> bool:
    try:
        PasswordChange.model_validate_json(json.dumps(body))
    except (TypeError, ValueError):  # pydantic's ValidationError is a ValueError
        return False
    return True


def _fresh_item(cookie: str) -> int:
    """Create an item as the request's user and return its id."""
    response = requests.post(
        f"{BASE_URL}/inventory",
        json={"item_name": "Contract item", "quantity": 50, "price": 9.99},
        headers={"Cookie": cookie},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["item_id"]


def _as_csv(text: str) -> str:
    """A one-row import whose item name is the generated text, made valid."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["item_name", "quantity", "price"])
    name = text.replace("\0", "").strip(BLANK)[:100]  # no NUL, not blank
    writer.writerow([name or "Generated item", "1", "1.50"])
    return buffer.getvalue()
