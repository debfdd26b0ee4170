"""Initial schema

Revision ID: 320e43a2f49a
Revises:
Create Date: 2026-11-21 06:12:41.844091

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "320e43a2f49a"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "categories",
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "suppliers",
        sa.Column("contact_name", sa.String(length=100), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=30), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action_type", sa.String(length=20), nullable=False),
        sa.Column("entity_type", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("entity_name", sa.String(length=100), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_history_entity", ["entity_type", "entity_id"], unique=False
        )
        batch_op.create_index(
            "ix_history_user_timestamp", ["user_id", "timestamp", "id"], unique=False
        )

    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index("ix_idempotency_created", ["created_at"], unique=False)
        batch_op.create_index(
            "uq_idempotency_user_key", ["user_id", "key"], unique=True
        )

    op.create_table(
        "inventory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("item_name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("price_cents", sa.BigInteger(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("cost_price_cents", sa.BigInteger(), nullable=True),
        sa.Column("reorder_level", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("starting_quantity", sa.Integer(), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("inventory", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inventory_category_user", ["category_id", "user_id"], unique=False
        )
        batch_op.create_index(
            "ix_inventory_supplier_user", ["supplier_id", "user_id"], unique=False
        )
        batch_op.create_index(
            "ix_inventory_user_created", ["user_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            "ix_inventory_user_name", ["user_id", "item_name", "id"], unique=False
        )
        batch_op.create_index(
            "ix_inventory_user_price", ["user_id", "price_cents", "id"], unique=False
        )
        batch_op.create_index(
            "ix_inventory_user_quantity", ["user_id", "quantity", "id"], unique=False
        )
        batch_op.create_index(
            "ix_inventory_user_updated", ["user_id", "updated_at", "id"], unique=False
        )

    op.create_table(
        "item_tags",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["inventory.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "tag"),
    )
    with op.batch_alter_table("item_tags", schema=None) as batch_op:
        batch_op.create_index("ix_item_tags_tag", ["tag", "item_id"], unique=False)

    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("quantity_before", sa.Integer(), nullable=False),
        sa.Column("quantity_after", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["inventory.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stock_movements_item", ["item_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_stock_movements_item_reason_time",
            ["item_id", "reason", "created_at"],
            unique=False,
        )

    # Expression indexes (Alembic cannot autogenerate these): case-insensitive
    # uniqueness, enforced by the database itself.
    op.create_index(
        "uq_users_username_lower", "users", [sa.text("lower(username)")], unique=True
    )
    op.create_index(
        "uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True
    )
    op.create_index(
        "uq_categories_name_lower", "categories", [sa.text("lower(name)")], unique=True
    )
    op.create_index(
        "uq_suppliers_name_lower", "suppliers", [sa.text("lower(name)")], unique=True
    )
    op.create_index(
        "uq_inventory_user_sku",
        "inventory",
        ["user_id", sa.text("lower(sku)")],
        unique=True,
    )


def downgrade():
    for name in (
        "uq_inventory_user_sku",
        "uq_suppliers_name_lower",
        "uq_categories_name_lower",
        "uq_users_email_lower",
        "uq_users_username_lower",
    ):
        op.drop_index(name)
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_movements_item_reason_time")
        batch_op.drop_index("ix_stock_movements_item")

    op.drop_table("stock_movements")
    with op.batch_alter_table("item_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_item_tags_tag")

    op.drop_table("item_tags")
    with op.batch_alter_table("inventory", schema=None) as batch_op:
        batch_op.drop_index("ix_inventory_user_updated")
        batch_op.drop_index("ix_inventory_user_quantity")
        batch_op.drop_index("ix_inventory_user_price")
        batch_op.drop_index("ix_inventory_user_name")
        batch_op.drop_index(batch_op.f("ix_inventory_user_id"))
        batch_op.drop_index("ix_inventory_user_created")
        batch_op.drop_index("ix_inventory_supplier_user")
        batch_op.drop_index("ix_inventory_category_user")

    op.drop_table("inventory")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index("uq_idempotency_user_key")
        batch_op.drop_index("ix_idempotency_created")

    op.drop_table("idempotency_keys")
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.drop_index("ix_history_user_timestamp")
        batch_op.drop_index("ix_history_entity")

    op.drop_table("history")
    op.drop_table("users")
    op.drop_table("suppliers")
    op.drop_table("categories")
