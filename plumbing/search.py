"""Case-insensitive text search shared by every list with a ``q`` parameter.

"Ignoring case" means Unicode case folding (``columns.fold``): ``?q=café``
finds "CAFÉ" and ``?q=STRASSE`` finds "Straße", on SQLite and PostgreSQL
alike. Neither database folds that way, so searches compare folded text:
the folded query against a row's stored ``search_key``.

``autoescape`` makes ``%`` and ``_`` in the search text literal characters
rather than LIKE wildcards.
"""

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.orm import InstrumentedAttribute

from columns import Searchable, fold


def matches_search(model: type[Searchable], text: str) -> ColumnElement:
    """Match rows of ``model`` whose searched fields contain ``text``, ignoring case."""
    return model.search_key.contains(fold(text), autoescape=True)


def contains_ascii_text(
    columns: tuple[InstrumentedAttribute, ...], text: str
) -> ColumnElement:
    """Match rows where any of ``columns`` contains ``text``, ignoring case.

    Only for columns that hold ASCII text by construction (usernames, e-mail
    addresses): for ASCII, the database's lower() folds exactly as Python does.
    """
    folded = fold(text)
    return or_(
        *(func.lower(column).contains(folded, autoescape=True) for column in columns)
    )
