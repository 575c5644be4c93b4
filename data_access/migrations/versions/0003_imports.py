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
    # apply_colour_changes as version 1 defined it (recounting the enterprises it touches)
    fusion = (SQL / "0001_fusion.sql").read_text(encoding="utf-8")
    start = fusion.index("CREATE FUNCTION apply_colour_changes")
    original = fusion[start:fusion.index("END $$;", start) + len("END $$;")]
    op.get_bind().connection.driver_connection.cursor().execute(
        original.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
        + " ALTER FUNCTION apply_colour_changes(char(18)[], text[], text[]) SECURITY DEFINER SET search_path = public;"
        + " ALTER FUNCTION apply_colour_changes(char(18)[], text[], text[]) RESET random_page_cost;")
    op.execute("DROP TABLE IF EXISTS import_run, integration")
    op.execute("ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check")
    op.execute("ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN ('login',"
               " 'login_failed', 'logout', 'export', 'reveal', 'user_created', 'user_disabled', 'user_enabled',"
               " 'password_reset', 'refused'))")
