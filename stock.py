"""Changing stock without ever losing an update.

Two techniques, both portable between SQLite and PostgreSQL:

* A movement (+5, -3) is **one** statement: ``UPDATE ... SET quantity =
  quantity + :change WHERE ... AND quantity + :change >= 0 RETURNING
  quantity``. The database applies concurrent movements one after another, so
  none is lost and none can take stock below zero. (Reading the quantity in
  Python and writing it back would lose updates: SQLite's driver does not even
  start a transaction before a SELECT.)
* A change that must read before it writes (an absolute count, an edit, a
  delete with If-Match, an import) starts its transaction with ``lock_item``:
  a conditional ``UPDATE`` that bumps the version. From then on the row is
  locked (PostgreSQL: row lock; SQLite: the write lock) until commit, so what
  we read cannot change underneath us.

Both check ``If-Match`` in the same statement, so a stale version is refused
atomically too.
"""

import re

from flask import g, request
from sqlalchemy import update

from errors import APIError
from extensions import db
from models import MAX_ID, Item, StockMovement, record_history, utcnow
from schemas import MAX_AMOUNT

VERSION_TAG = re.compile(r"[0-9]{1,18}")


def expected_versions() -> list[int] | None:
    """Return the versions the request's If-Match accepts, or None for "any".

    No If-Match header (or ``If-Match: *``) means the write proceeds whatever
    the version, so the original API's clients keep working.
    """
    if "If-Match" not in request.headers:
        return None
    if_match = request.if_match
    if if_match.star_tag:
        return None
    # A tag that is not a version number (or is empty) can never match: 412.
    return [int(tag) for tag in if_match.as_set() if tag and VERSION_TAG.fullmatch(tag)]


def etag_headers(item: Item) -> dict[str, str]:
    """Return the ETag header for the item's current version."""
    return {"ETag": f'"{item.version}"'}


def lock_item(item_id: int, versions: list[int] | None) -> Item:
    """Lock the caller's item for this transaction, bumping its version; return it.

    Raises 404 if the item is missing or not the caller's, and 412 if its
    version is not one of ``versions``.
    """
    stmt = (
        update(Item)
        .where(Item.id == item_id, Item.user_id == g.user_id)
        .values(version=Item.version + 1)
        .returning(Item)
    )
    if versions is not None:
        stmt = stmt.where(Item.version.in_(versions))
    item = _updated_item(stmt) if item_id <= MAX_ID else None
    if item is None:
        raise _why_not_changed(item_id, versions)
    return item


def move_stock(
    item_id: int, change: int, reason: str, note: str | None, versions: list[int] | None
) -> tuple[Item, StockMovement]:
    """Add ``change`` to the caller's item's quantity in one atomic statement."""
    stmt = (
        update(Item)
        .where(
            Item.id == item_id,
            Item.user_id == g.user_id,
            Item.quantity + change >= 0,
            Item.quantity + change <= MAX_AMOUNT,
        )
        .values(
            quantity=Item.quantity + change,
            version=Item.version + 1,
            updated_at=utcnow(),
        )
        .returning(Item)
    )
    if versions is not None:
        stmt = stmt.where(Item.version.in_(versions))
    item = _updated_item(stmt) if item_id <= MAX_ID else None
    if item is None:
        raise _why_not_changed(item_id, versions, change)
    movement = add_movement(item, change, reason, note, item.quantity - change)
    return item, movement


def count_stock(
    item_id: int, quantity: int, note: str | None, versions: list[int] | None
) -> tuple[Item, StockMovement]:
    """Set the quantity to a counted value and record the difference."""
    item = lock_item(item_id, versions)
    quantity_before = item.quantity
    item.quantity = quantity
    movement = add_movement(
        item, quantity - quantity_before, "count", note, quantity_before
    )
    return item, movement


def add_movement(
    item: Item, change: int, reason: str, note: str | None, quantity_before: int
) -> StockMovement:
    """Add a ledger row for a quantity change to the current transaction."""
    movement = StockMovement(
        item_id=item.id,
        user_id=g.user_id,
        change=change,
        reason=reason,
        note=note,
        quantity_before=quantity_before,
        quantity_after=quantity_before + change,
    )
    db.session.add(movement)
    return movement


def record_stock_history(item: Item, movement: StockMovement) -> None:
    """Write the history row for a movement made through the stock endpoint."""
    record_history(
        g.user,
        "stock",
        item,
        changes={"quantity": [movement.quantity_before, movement.quantity_after]},
        details={
            "reason": movement.reason,
            "note": movement.note,
            "change": movement.change,
        },
    )


def _updated_item(stmt) -> Item | None:
    """Run an UPDATE ... RETURNING and return the item as it now is (or None).

    One statement both changes the row and loads it; populate_existing makes
    any copy this session already holds take the new values.
    """
    options = {"synchronize_session": False, "populate_existing": True}
    return db.session.scalars(stmt, execution_options=options).first()


def _why_not_changed(
    item_id: int, versions: list[int] | None = None, change: int | None = None
) -> APIError:
    """Explain why a conditional UPDATE matched no row: 404, 412 or 409."""
    item = (
        db.session.get(Item, item_id, populate_existing=True)
        if item_id <= MAX_ID
        else None
    )
    if item is None or item.user_id != g.user_id:
        return APIError(404, "Item not found.")
    if versions is not None and item.version not in versions:
        return APIError(
            412,
            f"The item has changed since you read it (now version {item.version}); "
            "fetch it again and retry.",
            headers=etag_headers(item),
            extra={"current_version": item.version},
        )
    if change is not None and item.quantity + change < 0:
        return APIError(
            409,
            f"Not enough stock: the quantity is {item.quantity}, "
            f"so a change of {change} would take it below zero.",
            extra={"quantity": item.quantity},
        )
    if change is not None and item.quantity + change > MAX_AMOUNT:
        return APIError(
            409,
            f"The quantity is {item.quantity}; a change of {change} would exceed "
            f"the maximum of {MAX_AMOUNT}.",
            extra={"quantity": item.quantity},
        )
    return APIError(409, "The item changed while this request ran; please retry.")
