"""Page through a query and describe the page in the response."""

import math
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection, Row

from extensions import db
from query_strings import PageQuery


def paginate(
    stmt: Select, query: PageQuery, total: int | None = None
) -> tuple[list[Any], dict[str, int]]:
    """Return one page of ``stmt``'s ORM objects and the pagination metadata.

    Pass ``total`` when it is already known, to spare the database a COUNT(*).
    """
    page = db.paginate(
        stmt,
        page=query.page,
        per_page=query.per_page,
        error_out=False,
        count=total is None,
    )
    return page.items, page_metadata(query, page.total if total is None else total)


def paginate_rows(
    connection: Connection, stmt: Select, query: PageQuery, total: int | None = None
) -> tuple[list[Row], dict[str, int]]:
    """Return one page of a Core SELECT's rows and the pagination metadata.

    ``db.paginate`` is made for ORM selects: of a select of columns it would
    keep only the first. Pass ``total`` when it is already known, to spare the
    database a COUNT(*).
    """
    offset = (query.page - 1) * query.per_page
    rows = connection.execute(stmt.limit(query.per_page).offset(offset)).all()
    if total is None:
        counted = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = connection.execute(counted).scalar_one()
    return rows, page_metadata(query, total)


def page_window(query: PageQuery) -> dict[str, int]:
    """The LIMIT and OFFSET of the page ``query`` asks for, as bound parameters."""
    return {"limit": query.per_page, "offset": (query.page - 1) * query.per_page}


def page_metadata(query: PageQuery, total: int | None) -> dict[str, int]:
    """Describe the page ``query`` asks for, out of ``total`` rows."""
    return {
        "page": query.page,
        "per_page": query.per_page,
        "total": total or 0,
        "pages": math.ceil(total / query.per_page) if total else 0,
    }
