"""The SELECTs behind item lists and the CSV export: filters, sort orders, alerts."""

import functools
from datetime import date, timedelta

from flask import g
from sqlalchemy import Float, Select, bindparam, case, cast, select

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
from plumbing.search import matches_search
from query_strings import InventoryFilters, InventoryQuery


@functools.cache
def every_item_page(sort: str | None) -> Select:
    """Build (once per sort order) the SELECT of a page of all the team's items.

    A statement built per request costs SQLAlchemy a cache key each time, a
    fifth of the list's time; this one, like those in item_statements, is built
    once, with the team, LIMIT and OFFSET as bound parameters.
    """
    return (
        select(*ITEM_COLUMNS)
        .where(items.c.team_id == bindparam("team"))
        .order_by(*_sort_order(sort))
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
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


def find_low_stock() -> Select:
    """Build the SELECT for the team's active items at or below reorder level.

    The most urgent come first: the smallest share of the reorder level still
    on hand (0: out of stock), then the largest shortfall.
    """
    on_hand_share = case(
        (items.c.reorder_level == 0, 0.0),
        else_=cast(items.c.quantity, Float) / items.c.reorder_level,
    )
    shortfall = items.c.reorder_level - items.c.quantity
    return (
        select(*ITEM_COLUMNS)
        .where(
            items.c.team_id == g.team_id,
            items.c.status == "active",
            items.c.quantity <= items.c.reorder_level,
        )
        .order_by(on_hand_share, shortfall.desc(), items.c.id)
    )


def find_expiring(within_days: int, today: date) -> Select:
    """Build the SELECT for the team's active items expiring within the window.

    Already expired items are included; the soonest come first.
    """
    return (
        select(*ITEM_COLUMNS)
        .where(
            items.c.team_id == g.team_id,
            items.c.status == "active",
            items.c.expiry_date <= today + timedelta(days=within_days),
        )
        .order_by(items.c.expiry_date, items.c.id)
    )
