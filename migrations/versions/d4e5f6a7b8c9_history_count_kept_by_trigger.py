"""The team's history count kept by a trigger on history

Revision ID: d4e5f6a7b8c9
Revises: c3d4e5f6a7b8
Create Date: 2026-12-06 06:20:00.000000

"""

from alembic import op

from domain.history import create_count_triggers, drop_count_triggers

# revision identifiers, used by Alembic.
revision = "d4e5f6a7b8c9"
down_revision = "c3d4e5f6a7b8"
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    # The count the code kept so far is recounted once, then the triggers keep
    # it in step.
    connection.exec_driver_sql(
        "UPDATE teams SET history_count ="
        " (SELECT count(*) FROM history WHERE history.team_id = teams.id)"
    )
    create_count_triggers(connection)


def downgrade():
    # The code before this revision counts history rows itself.
    drop_count_triggers(op.get_bind())
