"""Room for modules: the current SQL definitions applied from data_access/sql/, and the scoped write path
(row-level security WITH CHECK on every table the web application writes).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

HERE = Path(__file__).resolve().parent.parent
# The current definitions of the fusion rules, the aggregates and colour changes, by what they define.
DEFINITIONS = ("fusion.sql", "aggregates.sql", "colour_changes.sql")


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    for name in DEFINITIONS:
        cursor.execute((HERE.parent / "sql" / name).read_text(encoding="utf-8"))
    cursor.execute((HERE / "sql" / "0005_modules.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS integration_for_token(text)")
    for table, policies in (("app_user", ("read", "insert", "update")), ("integration", ("read", "insert", "update")),
                            ("audit_log", ("read", "insert"))):
        for policy in policies:
            op.execute(f"DROP POLICY IF EXISTS {table}_{policy} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION IF EXISTS scope_covers_district(), session_actor()")
