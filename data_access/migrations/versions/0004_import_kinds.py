"""Import kinds in a lookup table: import_run.kind references import_kind instead of a CHECK.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0004_import_kinds.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    # The CHECK as 0003 made it: runs of a kind a later module added would violate it, so they must go first.
    op.execute("ALTER TABLE import_run DROP CONSTRAINT import_run_kind_fkey")
    op.execute("ALTER TABLE import_run ADD CONSTRAINT import_run_kind_check CHECK (kind IN"
               " ('boundaries', 'residents', 'enterprises', 'employment', 'health_codes', 'managed'))")
    op.execute("DROP TABLE import_kind")
