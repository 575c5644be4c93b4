"""Access control: the application role, row-level security by area, users and the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"
TABLES = ["community", "street", "person", "enterprise", "employment", "health_code", "health_code_history",
          "managed_person", "community_stats", "enterprise_stats"]


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0002_access.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM sansetu_app")
    op.execute("REVOKE USAGE ON SCHEMA public FROM sansetu_app")
    for table in TABLES:
        op.execute(f"DROP POLICY IF EXISTS {table}_scope ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP TABLE IF EXISTS audit_log, app_user")
    op.execute("DROP FUNCTION IF EXISTS in_scope, session_scope, division_exists")
