"""What the models are built from: id rules, UTC times, shared columns, folded keys."""

import unicodedata
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeEngine

# Largest id an INTEGER column holds on every database we support (PostgreSQL's
# is 32-bit). Bigger ids cannot exist, and asking the database for one raises
# an overflow error instead of finding nothing, so lookups check this first.
MAX_ID = 2**31 - 1

# Ids are never reused, so an id a client or a history row holds always means
# the same thing. PostgreSQL's sequences never go back; SQLite without
# AUTOINCREMENT hands out max(id) + 1, the id of a row just deleted.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Store aware datetimes as UTC and always read them back aware.

    SQLite has no time zone type and returns naive datetimes; re-attaching UTC
    on read keeps arithmetic such as "5 minutes ago" correct on every database.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def belongs_to(table: str, **options: Any) -> Mapped[int]:
    """A reference to a row of ``table`` (by id): deleting that row deletes this one."""
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), **options)


def created_column() -> Mapped[datetime]:
    """When the row was inserted."""
    return mapped_column(UTCDateTime, default=utcnow)


def updated_column() -> Mapped[datetime]:
    """When the row last changed: set on insert and update (not with a CTE)."""
    return mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def kept_total(type_: type[TypeEngine[int]] = Integer) -> Mapped[int]:
    """A count or sum kept in step with the rows it counts, starting at zero."""
    return mapped_column(type_, default=0, server_default="0")


def partial(condition: str) -> dict[str, Any]:
    """An index's WHERE, on both databases: only the rows that meet it are in it.

    An index holds only the rows a query can look for: none of the items
    without an expiry date, a category or a supplier (most of them), so
    creating such an item writes none of those indexes.
    """
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


def fold(text: str) -> str:
    """Return ``text`` case-folded, for comparing text while ignoring case.

    Python's full Unicode case folding: "ÉPICES" and "épices", "STRASSE" and
    "straße", "ΟΔΟΣ" and "οδος" fold alike. The databases cannot do this
    themselves (SQLite's lower() and LIKE fold ASCII only, PostgreSQL's lower()
    leaves ß alone), so the folded text is stored in key columns and compared
    there. It works on the canonical decomposition and composes again, so an
    "é" typed as one character or as "e" plus an accent folds the same.
    """
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).casefold())


# Joins a row's searched fields in its search key. The ASCII unit separator,
# made for this: a search cannot match across two fields unless it contains one.
SEARCH_SEPARATOR = "\x1f"


class Searchable:
    """A model whose ``?q=`` search looks in ``search_key``: its text, folded.

    The key is the fields named in SEARCHED_FIELDS, each folded, joined by
    SEARCH_SEPARATOR. The ORM refreshes it before every INSERT and UPDATE (see
    the listener below); the Core statements in item_store.py fill it
    themselves with search_key_for().
    """

    SEARCHED_FIELDS: tuple[str, ...] = ()

    # Deferred: only searches read it, and lists need not load it.
    search_key: Mapped[str] = mapped_column(Text, server_default="", deferred=True)

    @classmethod
    def search_key_for(cls, values: Mapping[str, Any]) -> str:
        """Return the search key of a row with these field values."""
        return SEARCH_SEPARATOR.join(
            fold(values.get(field) or "") for field in cls.SEARCHED_FIELDS
        )

    def refresh_keys(self) -> None:
        """Recompute the folded keys from the current field values."""
        self.search_key = self.search_key_for(
            {field: getattr(self, field) for field in self.SEARCHED_FIELDS}
        )


@event.listens_for(Searchable, "before_insert", propagate=True)
@event.listens_for(Searchable, "before_update", propagate=True)
def _refresh_keys(mapper, connection, target: Searchable) -> None:
    target.refresh_keys()


class CatalogEntry(Searchable):
    """Columns and behaviour shared by categories and suppliers."""

    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = belongs_to("teams")
    name: Mapped[str] = mapped_column(String(100))
    # The folded name: names are unique in a team ignoring case (indexes in models.py).
    name_key: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()

    # The fields a client may set, in the order they appear in responses.
    EDITABLE_FIELDS: tuple[str, ...] = ("name",)

    @property
    def history_name(self) -> str:
        return self.name

    def refresh_keys(self) -> None:
        """Recompute the folded keys, the name's included."""
        super().refresh_keys()
        self.name_key = fold(self.name)
