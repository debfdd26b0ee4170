"""Database models: users and teams, the catalog, items, and the history of changes."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from columns import (
    NEVER_REUSE_IDS,
    CatalogEntry,
    Searchable,
    belongs_to,
    created_column,
    kept_total,
    partial,
    updated_column,
)
from extensions import bcrypt, db


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(128))
    # The site role: "admin" operates the installation (GET /users, role
    # changes, ?all=true). What a user may do in a team is their team role.
    role: Mapped[str] = mapped_column(String(10), default="staff")
    created_at: Mapped[datetime] = created_column()

    history_type = "user"

    @property
    def history_name(self) -> str:
        return self.username

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def set_password(self, password: str) -> None:
        """Hash and store a password (length is checked by the request schema)."""
        self.password_hash = bcrypt.generate_password_hash(password).decode()

    def check_password(self, password: str) -> bool:
        """Return whether ``password`` matches the stored hash."""
        return bcrypt.check_password_hash(self.password_hash, password)


# Uniqueness ignores case ("Alice" and "alice" are one account). Enforced by the
# database, so two concurrent registrations cannot both succeed.
Index("uq_users_username_lower", func.lower(User.username), unique=True)
Index("uq_users_email_lower", func.lower(User.email), unique=True)


class Team(db.Model):
    """A shop's inventory and the people who share it (see domain/teams.py)."""

    __tablename__ = "teams"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # Kept in step with the rows they count, in the same transaction (items by
    # item_store, history by a trigger in domain/history.py): pages need no COUNT(*).
    item_count: Mapped[int] = kept_total()
    history_count: Mapped[int] = kept_total()
    # The stock at a glance (the dashboard's home), kept by database triggers
    # on inventory (domain/stock_totals.py): active items only; values in cents.
    active_items: Mapped[int] = kept_total()
    out_of_stock_items: Mapped[int] = kept_total()
    low_stock_items: Mapped[int] = kept_total()
    value_at_cost_cents: Mapped[int] = kept_total(BigInteger)
    value_at_price_cents: Mapped[int] = kept_total(BigInteger)
    created_at: Mapped[datetime] = created_column()

    history_type = "team"

    @property
    def history_name(self) -> str:
        return self.name


class Membership(db.Model):
    """A user's place in a team, with their team role: admin, clerk or staff."""

    __tablename__ = "memberships"

    team_id: Mapped[int] = belongs_to("teams", primary_key=True)
    user_id: Mapped[int] = belongs_to("users", primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    joined_at: Mapped[datetime] = created_column()

    # The primary key serves "is this user in this team?"; this serves "which
    # teams is this user in?".
    __table_args__ = (Index("ix_memberships_user", "user_id", "team_id"),)


class Category(CatalogEntry, db.Model):
    __tablename__ = "categories"

    description: Mapped[str | None] = mapped_column(String(500))

    history_type = "category"
    EDITABLE_FIELDS = ("name", "description")
    SEARCHED_FIELDS = ("name", "description")


class Supplier(CatalogEntry, db.Model):
    __tablename__ = "suppliers"

    contact_name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(500))

    history_type = "supplier"
    EDITABLE_FIELDS = ("name", "contact_name", "email", "phone", "address")
    SEARCHED_FIELDS = ("name", "contact_name", "email")


Index("uq_categories_team_name", Category.team_id, Category.name_key, unique=True)
Index("uq_suppliers_team_name", Supplier.team_id, Supplier.name_key, unique=True)


class Item(Searchable, db.Model):
    __tablename__ = "inventory"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = belongs_to("teams")
    # Who added the item (the audit view shows it as the owner). No index:
    # nothing looks items up by who added them, and every index is one more
    # to write on each create (make bench measured 5-10%).
    user_id: Mapped[int] = belongs_to("users")
    item_name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(500))
    quantity: Mapped[int] = mapped_column(default=0)
    # Money is kept in whole cents: binary floats cannot hold 0.10 exactly.
    price_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    sku: Mapped[str | None] = mapped_column(String(64))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    cost_price_cents: Mapped[int | None] = mapped_column(BigInteger)
    reorder_level: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default="active")
    # For perishable stock: GET /alerts/expiring lists what expires soon.
    expiry_date: Mapped[date | None] = mapped_column(Date)
    # Rises on every change; clients send it back in If-Match to avoid
    # overwriting a change they have not seen.
    version: Mapped[int] = mapped_column(default=1)
    # The quantity the item was created with. Every later change of quantity
    # is a row in stock_movements, so quantity == starting_quantity + their sum.
    starting_quantity: Mapped[int] = mapped_column(default=0)
    # Product metadata (specifications, SEO, care...) is a JSON column of the
    # row, so it cannot fall out of sync with the item; tags have a table of their
    # own so that filtering by tag uses an index. In Python it is "metadata_":
    # declarative models reserve "metadata" for their table registry.
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = updated_column()

    __table_args__ = (
        # One index per sort key, led by the team, so that a page of one
        # team's items in any order is read straight from an index. The id
        # breaks ties, making pages stable.
        Index("ix_inventory_team_id", "team_id", "id"),
        Index("ix_inventory_team_name", "team_id", "item_name", "id"),
        Index("ix_inventory_team_quantity", "team_id", "quantity", "id"),
        Index("ix_inventory_team_price", "team_id", "price_cents", "id"),
        Index("ix_inventory_team_created", "team_id", "created_at", "id"),
        Index("ix_inventory_team_updated", "team_id", "updated_at", "id"),
        Index(
            "ix_inventory_team_expiry",
            *("team_id", "expiry_date", "id"),
            **partial("expiry_date IS NOT NULL"),
        ),
        # Only the items at or below their reorder level: the low-stock alerts
        # and the home page read these few, however many items a team has.
        Index(
            "ix_inventory_team_low_stock",
            *("team_id", "status", "id"),
            **partial("quantity <= reorder_level"),
        ),
        # Led by the catalog id: serves both the catalog's "how many items use
        # this?" and a team's filter by category or supplier. Partial, like the
        # expiry's: an item without one is in neither (see columns.partial).
        Index(
            "ix_inventory_category_team",
            *("category_id", "team_id"),
            **partial("category_id IS NOT NULL"),
        ),
        Index(
            "ix_inventory_supplier_team",
            *("supplier_id", "team_id"),
            **partial("supplier_id IS NOT NULL"),
        ),
        NEVER_REUSE_IDS,
    )

    SEARCHED_FIELDS = ("item_name", "description", "sku")


# SKUs are unique in a team, ignoring case. NULLs never collide, so items
# without a SKU are fine.
Index("uq_inventory_team_sku", Item.team_id, func.lower(Item.sku), unique=True)


class ItemTag(db.Model):
    __tablename__ = "item_tags"

    item_id: Mapped[int] = belongs_to("inventory", primary_key=True)
    # The tag folded (see fold): filtering by tag ignores case like searches.
    # Folding can triple a length ("ß" is "ss"), hence 150 for 50-character tags.
    tag: Mapped[str] = mapped_column(String(150), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_item_tags_tag", "tag", "item_id"),)


class StockMovement(db.Model):
    """One change of an item's quantity: the stock ledger."""

    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = belongs_to("inventory")
    user_id: Mapped[int] = belongs_to("users")
    change: Mapped[int]
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(500))
    quantity_before: Mapped[int]
    # The running balance: the item's quantity right after this movement.
    quantity_after: Mapped[int]
    created_at: Mapped[datetime] = created_column()

    __table_args__ = (
        Index("ix_stock_movements_item", "item_id", "id"),
        Index("ix_stock_movements_item_reason_time", "item_id", "reason", "created_at"),
        NEVER_REUSE_IDS,
    )


class IdempotencyKey(db.Model):
    """The stored response to a request sent with an Idempotency-Key header."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = belongs_to("teams")
    user_id: Mapped[int] = belongs_to("users")
    key: Mapped[str] = mapped_column(String(255))
    # Hash of method, path and body: the same key with another request is a 422.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_column()

    __table_args__ = (
        # Enforced by the database, so two concurrent requests with one key
        # cannot both be stored: the second one's transaction fails and it
        # answers with the first one's response instead.
        # A key belongs to one user in one team.
        Index("uq_idempotency_team_user_key", "team_id", "user_id", "key", unique=True),
        Index("ix_idempotency_created", "created_at"),
        NEVER_REUSE_IDS,
    )


class History(db.Model):
    __tablename__ = "history"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose inventory it happened in, and who did it.
    team_id: Mapped[int] = belongs_to("teams")
    user_id: Mapped[int] = belongs_to("users")
    action_type: Mapped[str] = mapped_column(String(20))
    # What it was done to. Deliberately not a foreign key: the record must
    # outlive a deleted item, category, supplier or membership.
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None]
    # Its name at the time, so deleted things still read sensibly.
    entity_name: Mapped[str | None] = mapped_column(String(100))
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Extra facts about the action: for stock rows the reason, note and change.
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    timestamp: Mapped[datetime] = created_column()

    __table_args__ = (
        # A team's history newest first, and filtered by who did it.
        Index("ix_history_team_timestamp", "team_id", "timestamp", "id"),
        Index("ix_history_team_actor", "team_id", "user_id", "timestamp", "id"),
        Index("ix_history_entity", "entity_type", "entity_id"),
        NEVER_REUSE_IDS,
    )
