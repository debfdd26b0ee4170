"""Stock totals per team, kept by triggers on inventory; a low-stock index

Revision ID: c3d4e5f6a7b8
Revises: a5c8e1f3d920
Create Date: 2026-11-24 01:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

from domain.stock_totals import TOTAL_COLUMNS, create_triggers, drop_triggers, recount

# revision identifiers, used by Alembic.
revision = "c3d4e5f6a7b8"
down_revision = "a5c8e1f3d920"
branch_labels = None
depends_on = None

MONEY = ("value_at_cost_cents", "value_at_price_cents")


def upgrade():
    for column in TOTAL_COLUMNS:
        kind = sa.BigInteger() if column in MONEY else sa.Integer()
        op.add_column(
            "teams", sa.Column(column, kind, server_default="0", nullable=False)
        )
    op.create_index(
        "ix_inventory_team_low_stock",
        "inventory",
        ["team_id", "status", "id"],
        sqlite_where=sa.text("quantity <= reorder_level"),
        postgresql_where=sa.text("quantity <= reorder_level"),
    )
    connection = op.get_bind()
    # Existing teams start from the items they already have; from here on the
    # triggers keep the totals in step.
    recount(connection)
    create_triggers(connection)


def downgrade():
    drop_triggers(op.get_bind())
    op.drop_index("ix_inventory_team_low_stock", table_name="inventory")
    for column in reversed(TOTAL_COLUMNS):
        op.drop_column("teams", column)
