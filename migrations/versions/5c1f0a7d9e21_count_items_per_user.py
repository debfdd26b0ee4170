"""Count items per user

Revision ID: 5c1f0a7d9e21
Revises: b79cc387cf32
Create Date: 2026-11-21 08:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c1f0a7d9e21"
down_revision = "b79cc387cf32"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE, not batch mode (see the previous migration).
    op.add_column(
        "users",
        sa.Column("item_count", sa.Integer(), server_default="0", nullable=False),
    )
    # Existing users start from the items they already have.
    op.execute(
        "UPDATE users SET item_count ="
        " (SELECT count(*) FROM inventory WHERE inventory.user_id = users.id)"
    )


def downgrade():
    op.drop_column("users", "item_count")
