"""The expiry, category and supplier indexes hold only the items that have one

Revision ID: e5f6a7b8c9d0
Revises: d4e5f6a7b8c9
Create Date: 2026-12-06 06:50:00.000000

"""

from alembic import op

from columns import partial

# revision identifiers, used by Alembic.
revision = "e5f6a7b8c9d0"
down_revision = "d4e5f6a7b8c9"
branch_labels = None
depends_on = None

# name: (columns, the column an item may leave empty)
INDEXES = {
    "ix_inventory_team_expiry": (["team_id", "expiry_date", "id"], "expiry_date"),
    "ix_inventory_category_team": (["category_id", "team_id"], "category_id"),
    "ix_inventory_supplier_team": (["supplier_id", "team_id"], "supplier_id"),
}


def upgrade():
    for name, (columns, optional) in INDEXES.items():
        op.drop_index(name, table_name="inventory")
        op.create_index(
            name, "inventory", columns, **partial(f"{optional} IS NOT NULL")
        )


def downgrade():
    for name, (columns, _optional) in INDEXES.items():
        op.drop_index(name, table_name="inventory")
        op.create_index(name, "inventory", columns)
