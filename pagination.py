"""Page through a query and describe the page in the response."""

from typing import Any

from sqlalchemy import Select

from extensions import db
from schemas import PageQuery


def paginate(stmt: Select, query: PageQuery) -> tuple[list[Any], dict[str, int]]:
    """Return one page of ``stmt``'s rows and the pagination metadata."""
    page = db.paginate(stmt, page=query.page, per_page=query.per_page, error_out=False)
    meta = {
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total or 0,
        "pages": page.pages,
    }
    return page.items, meta
