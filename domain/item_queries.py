"""The SELECTs behind item lists and the CSV export: filters, sort orders, alerts."""

import functools
from datetime import date, timedelta

from flask import g
from sqlalchemy import (
    Float,
    Select,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)

from domain.item_fields import to_cents
from domain.item_statements import (
    ITEM_COLUMNS,
    OWNER_NAME,
    SORT_COLUMNS,
    TEAM_NAME,
    item_tags,
    items,
)
from models import Item
from plumbing.pagination import inline_number
from plumbing.search import matches_search
from query_strings import InventoryFilters, InventoryQuery


@functools.cache
def every_item_page(sort: str | None) -> Select:
    """Build (once per sort order) the SELECT of a page of all the team's items.

    A statement built per request costs SQLAlchemy a cache key each time, a
    fifth of the list's time; this one, like those in item_statements, is built
    once, with the team, LIMIT and OFFSET as bound parameters (the latter two
    written in as numbers when it runs: pagination.inline_number).
    """
    return (
        select(*ITEM_COLUMNS)
        .where(items.c.team_id == bindparam("team"))
        .order_by(*_sort_order(sort))
        .limit(inline_number("limit"))
        .offset(inline_number("offset"))
    )


def find_items(query: InventoryFilters, everyone: bool = False) -> Select:
    """Build the SELECT for the team's (or every team's) items, filtered and sorted."""
    stmt = select(*ITEM_COLUMNS)
    if everyone:
        stmt = stmt.add_columns(OWNER_NAME, TEAM_NAME)
    else:
        stmt = stmt.where(items.c.team_id == g.team_id)
    if query.q is not None:
        stmt = stmt.where(matches_search(Item, query.q))
    for field in ("category_id", "supplier_id", "status"):
        if getattr(query, field) is not None:
            stmt = stmt.where(items.c[field] == getattr(query, field))
    if query.tag is not None:
        tagged = select(item_tags.c.item_id).where(item_tags.c.tag == query.tag)
        stmt = stmt.where(items.c.id.in_(tagged))
    if query.low_stock:
        stmt = stmt.where(items.c.quantity <= items.c.reorder_level)
    if query.min_quantity is not None:
        stmt = stmt.where(items.c.quantity >= query.min_quantity)
    if query.max_quantity is not None:
        stmt = stmt.where(items.c.quantity <= query.max_quantity)
    if query.min_price is not None:
        stmt = stmt.where(items.c.price_cents >= to_cents(query.min_price))
    if query.max_price is not None:
        stmt = stmt.where(items.c.price_cents <= to_cents(query.max_price))
    if query.expires_before is not None:
        stmt = stmt.where(items.c.expiry_date < query.expires_before)
    return stmt.order_by(*_sort_order(query.sort))


def shows_every_item(query: InventoryQuery) -> bool:
    """Whether the list holds all of the team's items (sorted, but not filtered)."""
    filters = InventoryFilters.model_fields.keys() - {"sort"}
    # "is", not "==": a filter such as max_quantity=0 equals False.
    unset = (getattr(query, name) for name in filters)
    return not query.all_users and all(
        value is None or value is False for value in unset
    )


def _sort_order(sort: str | None) -> list:
    if sort is None:
        return [items.c.id]
    descending = sort.startswith("-")
    column = SORT_COLUMNS[sort.removeprefix("-")]
    # The id breaks ties so that pages never overlap or skip rows.
    if descending:
        return [column.desc(), items.c.id.desc()]
    return [column.asc(), items.c.id.asc()]


# The most urgent low-stock items first: the smallest share of the reorder
# level still on hand (0: out of stock), then the largest shortfall.
LOW_STOCK_ORDER = (
    case(
        (items.c.reorder_level == 0, 0.0),
        else_=cast(items.c.quantity, Float) / items.c.reorder_level,
    ),
    (items.c.reorder_level - items.c.quantity).desc(),
    items.c.id,
)
# The soonest-expiring items first.
EXPIRY_ORDER = (items.c.expiry_date, items.c.id)


def find_low_stock() -> Select:
    """Build the SELECT for the team's active items at or below reorder level.

    The most urgent come first (LOW_STOCK_ORDER).
    """
    return _low_stock(g.team_id)


def find_expiring(within_days: int, today: date) -> Select:
    """Build the SELECT for the team's active items expiring within the window.

    Already expired items are included; the soonest come first.
    """
    return _expiring(g.team_id, today + timedelta(days=within_days))


# The names short_lists() gives its two lists, in each row's ``list``.
LOW_STOCK_LIST, EXPIRING_LIST = "low_stock", "expiring"


@functools.cache
def short_lists() -> Select:
    """Build (once) one SELECT of the home page's two short lists.

    The team's most urgent low-stock items and its soonest-expiring ones:
    each list's own SELECT, cut to ``limit`` rows, the two joined by UNION
    ALL. Each row says which ``list`` it is on, its ``position`` there, and
    the ``list_total`` of items on that list. One statement instead of two: a
    round trip fewer on a database server. Bound parameters: ``team``,
    ``expires_by`` (the last day of the expiry window) and ``limit``. Built
    once because SQLAlchemy would otherwise derive the cache key of this
    nested statement on every request, which costs more than running it.
    """
    team = bindparam("team")
    lists = (
        _short_list(LOW_STOCK_LIST, _low_stock(team), LOW_STOCK_ORDER),
        _short_list(
            EXPIRING_LIST, _expiring(team, bindparam("expires_by")), EXPIRY_ORDER
        ),
    )
    # Each list is a subquery of its own: SQLite refuses ORDER BY and LIMIT on
    # a member of a UNION. And a UNION keeps no order of its members: the
    # outer ORDER BY, by list and position, gives each list back in its own.
    both = union_all(*(select(each.subquery()) for each in lists)).subquery()
    return select(both).order_by(both.c.list, both.c.position)


def _low_stock(team) -> Select:  # team: an id or a bound parameter
    return (
        select(*ITEM_COLUMNS)
        .where(
            items.c.team_id == team,
            items.c.status == "active",
            items.c.quantity <= items.c.reorder_level,
        )
        .order_by(*LOW_STOCK_ORDER)
    )


def _expiring(team, expires_by) -> Select:
    return (
        select(*ITEM_COLUMNS)
        .where(
            items.c.team_id == team,
            items.c.status == "active",
            items.c.expiry_date <= expires_by,
        )
        .order_by(*EXPIRY_ORDER)
    )


def _short_list(name: str, stmt: Select, order: tuple) -> Select:
    # The window functions see every row the WHERE keeps, before the LIMIT.
    return stmt.add_columns(
        literal(name).label("list"),
        func.row_number().over(order_by=order).label("position"),
        func.count().over().label("list_total"),
    ).limit(inline_number("limit"))
