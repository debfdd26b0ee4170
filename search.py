"""Case-insensitive text search shared by every list with a ``q`` parameter."""

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import InstrumentedAttribute


def contains_text(
    columns: tuple[InstrumentedAttribute, ...], text: str
) -> ColumnElement:
    """Match rows where any of ``columns`` contains ``text``, ignoring case.

    ``autoescape`` makes ``%`` and ``_`` in the search text literal characters
    rather than LIKE wildcards.
    """
    return or_(*(column.icontains(text, autoescape=True) for column in columns))
