"""Database models: users, their inventory items, and the history of every change."""

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    String,
    TypeDecorator,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from extensions import bcrypt, db

# Largest id a database integer column holds; bigger ids cannot exist, and asking
# SQLite for one raises OverflowError instead of finding nothing.
MAX_ID = 2**63 - 1

ACTION_TYPES = ("register", "login", "logout", "create", "update", "delete")


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


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def set_password(self, password: str) -> None:
        """Hash and store a password (length is checked by the request schema)."""
        self.password_hash = bcrypt.generate_password_hash(password).decode()

    def check_password(self, password: str) -> bool:
        """Return whether ``password`` matches the stored hash."""
        return bcrypt.check_password_hash(self.password_hash, password)

    @classmethod
    def find_by_username(cls, username: str) -> "User | None":
        """Return the user with this username, ignoring case."""
        stmt = select(cls).where(func.lower(cls.username) == username.lower())
        return db.session.scalar(stmt)

    @classmethod
    def find_by_email(cls, email: str) -> "User | None":
        """Return the user with this email address, ignoring case."""
        return db.session.scalar(
            select(cls).where(func.lower(cls.email) == email.lower())
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the public view of this user (never the password hash)."""
        return {
            "id": self.id,
            "username": self.username,
            "email": self.email,
            "created_at": self.created_at.isoformat(),
        }


# Uniqueness ignores case ("Alice" and "alice" are one account). Enforced by the
# database, so two concurrent registrations cannot both succeed.
Index("uq_users_username_lower", func.lower(User.username), unique=True)
Index("uq_users_email_lower", func.lower(User.email), unique=True)


class Item(db.Model):
    __tablename__ = "inventory"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    item_name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(500))
    quantity: Mapped[int] = mapped_column(default=0)
    # Money is kept in whole cents: binary floats cannot hold 0.10 exactly.
    price_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )

    # The fields a client may set, in the order they appear in responses.
    EDITABLE_FIELDS = ("item_name", "description", "quantity", "price")

    @property
    def price(self) -> float:
        return self.price_cents / 100

    @price.setter
    def price(self, value: float) -> None:
        # The schema allows at most two decimals, so rounding only removes
        # binary noise such as 1200.07 * 100 == 120007.00000000001.
        self.price_cents = round(value * 100)

    def apply_changes(self, fields: dict[str, Any]) -> dict[str, list[Any]]:
        """Set ``fields`` and return those that changed as {field: [old, new]}."""
        changes = {}
        for field, new in fields.items():
            old = getattr(self, field)
            setattr(self, field, new)
            if getattr(self, field) != old:
                changes[field] = [old, getattr(self, field)]
        return changes

    def to_dict(self) -> dict[str, Any]:
        """Return the item as the API shows it."""
        return {
            "id": self.id,
            "item_name": self.item_name,
            "description": self.description,
            "quantity": self.quantity,
            "price": self.price,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


class History(db.Model):
    __tablename__ = "history"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Deliberately not a foreign key: the record must outlive a deleted item.
    item_id: Mapped[int | None] = mapped_column(index=True)
    action_type: Mapped[str] = mapped_column(String(20))
    # The item's name at the time, so deleted items still read sensibly.
    item_name: Mapped[str | None] = mapped_column(String(100))
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_history_user_timestamp", "user_id", "timestamp", "id"),)

    def to_dict(self) -> dict[str, Any]:
        """Return the history row as the API shows it."""
        return {
            "id": self.id,
            "user_id": self.user_id,
            "action_type": self.action_type,
            "item_id": self.item_id,
            "item_name": self.item_name,
            "changes": self.changes,
            "timestamp": self.timestamp.isoformat(),
        }


def record_history(
    user: User,
    action_type: str,
    item: Item | None = None,
    changes: dict[str, list[Any]] | None = None,
) -> History:
    """Add a history row to the current transaction; the caller commits both."""
    entry = History(
        user_id=user.id,
        action_type=action_type,
        item_id=item.id if item else None,
        item_name=item.item_name if item else None,
        changes=changes,
    )
    db.session.add(entry)
    return entry
