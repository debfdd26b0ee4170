"""Page through a query and describe the page in the response."""

import math
from typing import Any

from sqlalchemy import Select

from extensions import db
from schemas import PageQuery


def paginate(
    stmt: Select, query: PageQuery, total: int | None = None
) -> tuple[list[Any], dict[str, int]]:
    """Return one page of ``stmt``'s rows and the pagination metadata.

    Pass ``total`` when it is already known, to spare the database a COUNT(*).
    """
    page = db.paginate(
        stmt,
        page=query.page,
        per_page=query.per_page,
        error_out=False,
        count=total is None,
    )
    total = page.total if total is None else total
    meta = {
        "page": query.page,
        "per_page": query.per_page,
        "total": total or 0,
        "pages": math.ceil(total / query.per_page) if total else 0,
    }
    return page.items, meta
