"""Page through a query and describe the page in the response."""

import math
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql.elements import BindParameter

from extensions import db
from query_strings import PageQuery


def paginate(
    stmt: Select, query: PageQuery, total: int | None = None
) -> tuple[list[Any], dict[str, int]]:
    """Return one page of ``stmt``'s ORM objects and the pagination metadata.

    For a SELECT of one entity with no joined collection loads (none here):
    each row is then one object. Pass ``total`` when it is already known, to
    spare the database a COUNT(*).
    """
    objects = db.session.scalars(cut_to_window(stmt, page_window(query))).all()
    if total is None:
        total = db.session.scalar(count_of(stmt))
    return objects, page_metadata(query, total)


def paginate_rows(
    connection: Connection, stmt: Select, query: PageQuery, total: int | None = None
) -> tuple[list[Row], dict[str, int]]:
    """Return one page of a Core SELECT's rows and the pagination metadata.

    Pass ``total`` when it is already known, to spare the database a COUNT(*).
    """
    rows = connection.execute(cut_to_window(stmt, page_window(query))).all()
    if total is None:
        total = connection.execute(count_of(stmt)).scalar_one()
    return rows, page_metadata(query, total)


def page_window(query: PageQuery) -> dict[str, int]:
    """The LIMIT and OFFSET of the page ``query`` asks for, for a prebuilt
    statement's ``inline_number("limit")`` and ``inline_number("offset")``."""
    return {"limit": query.per_page, "offset": (query.page - 1) * query.per_page}


def cut_to_window(stmt: Select, window: dict[str, int]) -> Select:
    """Return ``stmt`` cut to a ``window`` (page_window), its numbers written in."""
    limit, offset = inline_number(window["limit"]), inline_number(window["offset"])
    return stmt.limit(limit).offset(offset)


def count_of(stmt: Select) -> Select:
    """Return a SELECT of how many rows ``stmt`` has (all pages)."""
    return select(func.count()).select_from(stmt.order_by(None).subquery())


def page_metadata(query: PageQuery, total: int | None) -> dict[str, int]:
    """Describe the page ``query`` asks for, out of ``total`` rows."""
    return {
        "page": query.page,
        "per_page": query.per_page,
        "total": total or 0,
        "pages": math.ceil(total / query.per_page) if total else 0,
    }


def inline_number(value_or_name: int | str) -> BindParameter:
    """A LIMIT or OFFSET that the database receives as a number in the SQL.

    ``inline_number(50)`` in a statement built per request;
    ``inline_number("limit")`` in a prebuilt one, its number given with the
    other parameters when it runs. Either way SQLAlchemy caches the statement
    as usual and writes the number in at execution (``literal_execute``).

    Why not a parameter like any other value: PostgreSQL plans a prepared
    statement once for all values (a generic plan) only if that plan looks no
    costlier than one made for the values at hand. With the LIMIT unknown it
    must assume that a tenth of the rows are wanted, so past a few hundred
    rows every execution was planned anew, and planning cost more than
    running the query (tests/test_query_plans.py). Every LIMIT and OFFSET in
    the app is written this way (which is why paginate() does not use
    Flask-SQLAlchemy's ``db.paginate``).
    """
    if isinstance(value_or_name, str):
        return bindparam(value_or_name, type_=Integer, literal_execute=True)
    return bindparam(None, value_or_name, Integer, unique=True, literal_execute=True)
