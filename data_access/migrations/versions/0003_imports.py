"""Data in: import history and integration tokens.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0003_imports.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0003_downgrade.sql").read_text(encoding="utf-8"))
    op.execute("DROP TABLE IF EXISTS import_run, integration")
    op.execute("ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check")
    op.execute("ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN ('login',"
               " 'login_failed', 'logout', 'export', 'reveal', 'user_created', 'user_disabled', 'user_enabled',"
               " 'password_reset', 'refused'))")
