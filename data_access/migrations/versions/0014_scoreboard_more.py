"""The scoreboard, continued: rankings of enterprise applications overdue (亲清在线) and people due a payment
not yet paid (民生直达); the daily snapshot of every figure (the day's changes); one scheduled brief a day.

Revision ID: 0014_scoreboard_more
Revises: 0014_policies_more
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0014_scoreboard_more"
down_revision = "0014_policies_more"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0014_scoreboard_more.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0014_scoreboard_more_downgrade.sql").read_text(encoding="utf-8"))
