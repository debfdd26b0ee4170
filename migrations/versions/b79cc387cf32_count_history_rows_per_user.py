"""Count history rows per user

Revision ID: b79cc387cf32
Revises: 320e43a2f49a
Create Date: 2026-11-21 06:41:31.584484

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b79cc387cf32"
down_revision = "320e43a2f49a"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE (SQLite 3.35+ and PostgreSQL), not batch mode: batch
    # mode rebuilds the table on SQLite and would drop the lower(...) unique
    # indexes, which it cannot reflect.
    op.add_column(
        "users",
        sa.Column("history_count", sa.Integer(), server_default="0", nullable=False),
    )
    # Existing users start from the rows they already have.
    op.execute(
        "UPDATE users SET history_count ="
        " (SELECT count(*) FROM history WHERE history.user_id = users.id)"
    )


def downgrade():
    op.drop_column("users", "history_count")
