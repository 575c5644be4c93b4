"""Migrants registered per community and Beijing day (mg_registered_daily), kept by statement triggers on
mg_migrant: the oversight tab's roll-out chart reads these counts, not the whole register.

Revision ID: 0016_mgfix
Revises: 0016_deaths
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0016_mgfix"
down_revision = "0016_deaths"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0016_mgfix.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    for op_name in ("insert", "update", "delete", "truncate"):
        op.execute(f"DROP TRIGGER mg_migrant_registered_{op_name} ON mg_migrant")
    op.execute("DROP FUNCTION mg_count_registered()")
    op.execute("DROP TABLE mg_registered_daily")
