"""Item access: the only way items, their tags and their ledger rows are read
and written.

Every statement on those tables is built once, as a SQLAlchemy Core statement
with bound parameters (in item_statements.py), and runs here, on the session's
connection (inside its transaction): no ORM objects are loaded, tracked or
flushed. These run on almost every request, and profiling showed that ORM work
cost several times the SQL itself; see docs/BENCHMARKS.md. The Item model only
declares the table. Rows come back with Item's attribute names (``metadata_``,
``category_name`` ...), which ``item_fields.item_to_dict()`` shows.

Every item belongs to a team (``g.team_id``, see domain/teams.py): each
statement is limited to the request's team, so another team's item is as
absent as a missing one. Views check the caller's team role before writing;
reads of one item and of the full list check membership in their own WHERE.

Other modules decide what to run: item_edits.py locks an item and checks
If-Match, stock.py moves stock, item_csv.py imports.
"""

from datetime import date, datetime, timedelta
from typing import Any

from flask import g
from sqlalchemy.engine import Connection, Row

from columns import MAX_ID, fold, utcnow
from domain import item_queries as queries
from domain import item_statements as sql
from domain.history import execute_with_history
from domain.item_fields import stored_values
from domain.teams import TEAM_NOT_FOUND, require_member, require_team_admin
from errors import APIError
from extensions import db
from models import Item
from plumbing.database import read_only_connection
from plumbing.pagination import page_metadata, page_window, paginate_rows
from query_strings import InventoryQuery, PageQuery


def connection() -> Connection:
    """The session's connection, in its transaction (begun if need be)."""
    return db.session.connection()


def read_item(item_id: int) -> Row | None:
    """Return the team's item, for a view that only reads (None: not the team's).

    One SELECT needs no transaction: it runs on the request's read-only
    connection, which costs less than starting the session's transaction.
    """
    return _select_item(read_only_connection(), item_id)


def find_items_by_sku(skus: list[str]) -> list[Row]:
    """Return the team's items whose SKU is one of ``skus``, ignoring case."""
    parameters = {"team": g.team_id, "skus": [sku.lower() for sku in skus]}
    return connection().execute(sql.SELECT_BY_SKUS, parameters).all()


def sku_in_use(sku: str, item_id: int | None = None) -> bool:
    """Whether another of the team's items (not ``item_id``) has this SKU."""
    parameters = {
        "team": g.team_id,
        "sku": sku.lower(),
        "item_id": item_id or 0,  # ids start at 1: 0 leaves out no item
    }
    return connection().execute(sql.SKU_IN_USE, parameters).first() is not None


def item_state(item_id: int) -> Row | None:
    """Return any item's team, version and quantity (None: no such item)."""
    if item_id > MAX_ID:
        return None
    return connection().execute(sql.SELECT_STATE, {"item_id": item_id}).first()


def _select_item(connection: Connection, item_id: int) -> Row | None:
    if item_id > MAX_ID:
        return None
    parameters = {"item_id": item_id, "team": g.team_id, "caller": g.user_id}
    return connection.execute(sql.SELECT_ITEM, parameters).first()


def insert_item(fields: dict[str, Any], at: datetime | None = None) -> Row:
    """Create an item in the team from validated fields; return it as stored.

    Only a team admin may: 403 (or 404 outside the team) and nothing written.
    Its ledger starts at 0: item_edits.add_item writes the opening movement.
    """
    # A CSV import sends only its file's columns; the rest take their defaults.
    # Prepared before the first write: under SQLite that takes the write lock.
    values = stored_values({"metadata": {}, **fields})
    row = {
        **values,
        "search_key": Item.search_key_for(values),
        "team_id": g.team_id,
        "user_id": g.user_id,
        "starting_quantity": 0,  # the opening movement brings the quantity
        "version": 1,
    }
    # The count goes up first, only for the team's admin: that is the check.
    counted = {"team": g.team_id, "caller": g.user_id, "delta": 1}
    if connection().execute(sql.COUNT_ITEMS, counted).rowcount == 0:
        require_team_admin()  # says 404 or 403
        raise APIError(409, "The team changed while this request ran; please retry.")
    # Stamped once it may write (it may have waited for the lock), so that
    # items are created in the order of their times.
    now = at or utcnow()
    row |= {"created_at": now, "updated_at": now}
    item = connection().execute(sql.INSERT_ITEM, row).one()
    _write_tags(item.id, values["metadata"]["tags"], replace=False)
    return item


def write_item(locked: Row, fields: dict[str, Any], history: dict[str, Any]) -> Row:
    """Write a locked item's changed ``fields`` and ``history``; return it as stored.

    Only those columns are written (and the search key, when a searched field
    is among them), with the history row (history.execute_with_history).
    """
    values = stored_values(fields)
    if any(field in fields for field in Item.SEARCHED_FIELDS):
        current = {field: getattr(locked, field) for field in Item.SEARCHED_FIELDS}
        values["search_key"] = Item.search_key_for(current | values)
    # The moment the item changed: the item and its history row agree on it.
    # (Set here, not by the column's onupdate: SQLAlchemy skips Python-side
    # defaults of an UPDATE that carries a CTE.)
    values["updated_at"] = history["timestamp"]
    parameters = {f"new_{column}": value for column, value in values.items()}
    parameters["item_id"] = locked.id
    statement = sql.write_item(tuple(sorted(values)))
    item = execute_with_history(statement, parameters, history).one()
    if "metadata" in fields:
        _write_tags(item.id, values["metadata"]["tags"], replace=True)
    return item


def delete_item(locked: Row) -> None:
    """Delete a locked item; its tags and ledger go too (ON DELETE CASCADE)."""
    connection().execute(sql.DELETE_ITEM, {"item_id": locked.id})
    counted = {"team": locked.team_id, "caller": g.user_id, "delta": -1}
    connection().execute(sql.COUNT_ITEMS, counted)


def _write_tags(item_id: int, tags: list[str], replace: bool) -> None:
    # Tags are kept twice, in the same transaction: in the item's JSON (one
    # query shows an item) and as item_tags rows (filtering by tag uses an index).
    if replace:
        connection().execute(sql.DELETE_TAGS, {"item_id": item_id})
    if tags:
        connection().execute(
            sql.INSERT_TAG,
            [
                {"item_id": item_id, "tag": fold(tag), "position": position}
                for position, tag in enumerate(tags)
            ],
        )


def lock_version(
    item_id: int, versions: list[int] | None, for_count: bool = False
) -> Row | None:
    """Bump the caller's item's version, locking its row; return it as it now is.

    None if the item is not the caller's or its version is not in ``versions``
    (or the caller is not its team's admin; for a count, not a clerk either).
    """
    stmt = sql.LOCK_FOR_COUNT if for_count else sql.LOCK_ITEM
    return _conditional_update(stmt, item_id, versions)


def add_to_quantity(
    item_id: int, change: int, versions: list[int] | None, now: datetime
) -> Row | None:
    """Add ``change`` to the caller's item's quantity; return it as it now is.

    None if the item is not the caller's, its version is not in ``versions``,
    or the quantity would leave 0..MAX_AMOUNT.
    """
    return _conditional_update(
        sql.MOVE_STOCK, item_id, versions, change=change, now=now
    )


def set_quantity(locked: Row, quantity: int) -> Row:
    """Set a locked item's quantity; return it as it now is."""
    parameters = {"item_id": locked.id, "new_quantity": quantity}
    return connection().execute(sql.SET_QUANTITY, parameters).one()


def _conditional_update(
    stmt, item_id: int, versions: list[int] | None, **parameters
) -> Row | None:
    """Run a prebuilt UPDATE on the team's item, only at ``versions`` if given."""
    if item_id > MAX_ID:
        return None
    if versions is not None:
        # If-Match: a statement of its own (rare, so not worth prebuilding).
        stmt = stmt.where(sql.items.c.version.in_(versions))
    parameters |= {"item_id": item_id, "team": g.team_id, "caller": g.user_id}
    return connection().execute(stmt, parameters).first()


def add_movement(
    item: Row, change: int, reason: str, note: str | None, history: dict | None = None
) -> Row:
    """Add the ledger row of a change to ``item`` (as changed), and ``history``'s."""
    values = {
        "item_id": item.id,
        "user_id": g.user_id,
        "change": change,
        "reason": reason,
        "note": note,
        "quantity_before": item.quantity - change,
        "quantity_after": item.quantity,
        # The moment the item changed: the ledger and the item agree on it.
        "created_at": item.updated_at,
    }
    if history is None:
        return connection().execute(sql.INSERT_MOVEMENT, values).one()
    return execute_with_history(sql.INSERT_MOVEMENT, values, history).one()


def verify_ledger(item_id: int) -> dict:
    """Check that quantity == starting quantity + the sum of all movements."""
    parameters = {"item_id": item_id}
    quantity, starting, total = (
        connection().execute(sql.VERIFY_LEDGER, parameters).one()
    )
    return {
        "holds": starting + total == quantity,
        "starting_quantity": starting,
        "movements_total": total,
        "expected_quantity": starting + total,
        "quantity": quantity,
    }


def count_items_using(catalog_column, entry_id: int) -> int:
    """Return how many items use this category or supplier (all in its team).

    ``catalog_column`` is Item.category_id or Item.supplier_id.
    """
    in_use = sql.ITEMS_USING[catalog_column.key]
    return connection().execute(in_use, {"entry_id": entry_id}).scalar_one()


# --- Reads -------------------------------------------------------------------
# Lists, the CSV export and the low-stock alerts read rows of ITEM_COLUMNS too,
# so an item has the same shape wherever it is read, and no list builds an ORM
# object per item.


def list_page(query: InventoryQuery) -> tuple[list[Row], dict[str, int]]:
    """Return the page of items the list asks for, and the pagination metadata."""
    read_only = read_only_connection()
    if not queries.shows_every_item(query):
        if not query.all_users:
            require_member()
        stmt = queries.find_items(query, everyone=query.all_users)
        return paginate_rows(read_only, stmt, query)
    # The usual list, unfiltered: two prebuilt statements. The count
    # also checks that the caller is in the team.
    parameters = {"team": g.team_id, "caller": g.user_id}
    total = read_only.execute(sql.SELECT_ITEM_COUNT, parameters).scalar()
    if total is None:
        # Not a member: 404, unless the session falls back to a team of theirs.
        require_member()
        parameters["team"] = g.team_id
        total = read_only.execute(sql.SELECT_ITEM_COUNT, parameters).scalar()
    if total is None:
        raise APIError(404, TEAM_NOT_FOUND)
    page = queries.every_item_page(query.sort)
    rows = read_only.execute(page, {**parameters, **page_window(query)}).all()
    return rows, page_metadata(query, total)


def low_stock_page(query: PageQuery) -> tuple[list[Row], dict[str, int]]:
    """Return a page of the team's low-stock items, and the pagination metadata."""
    return paginate_rows(read_only_connection(), queries.find_low_stock(), query)


def expiring_page(
    query: PageQuery, within_days: int, today: date
) -> tuple[list[Row], dict[str, int]]:
    """Return a page of the team's items expiring within ``within_days``."""
    stmt = queries.find_expiring(within_days, today)
    return paginate_rows(read_only_connection(), stmt, query)


def short_lists(
    limit: int, within_days: int, today: date
) -> tuple[list[Row], list[Row], int]:
    """Return the home page's lists, from one statement (item_queries.short_lists).

    The team's ``limit`` most urgent low-stock items, its ``limit``
    soonest-expiring ones, and how many items expire within ``within_days``
    (or already have).
    (The home page takes the number of low-stock items from the team's kept
    totals.)
    """
    parameters = {
        "team": g.team_id,
        "expires_by": today + timedelta(days=within_days),
        "limit": limit,
    }
    rows = read_only_connection().execute(queries.short_lists(), parameters).all()
    low = [row for row in rows if row.list == queries.LOW_STOCK_LIST]
    expiring = [row for row in rows if row.list == queries.EXPIRING_LIST]
    return low, expiring, expiring[0].list_total if expiring else 0
