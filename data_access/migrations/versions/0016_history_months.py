"""The colour history by month (a partition per Beijing month, indexes per month): a batch of colour
changes writes into this month's small indexes (#12).

Revision ID: 0016_history_months
Revises: 0015_door
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0016_history_months"
down_revision = "0015_door"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0016_history_months.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0016_history_months_downgrade.sql").read_text(encoding="utf-8"))
