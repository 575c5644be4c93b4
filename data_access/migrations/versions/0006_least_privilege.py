"""Least privilege: sessions kept in the database, the area of a transaction taken from them (never from
what the session says), a login role and a writer role beside the application's, grants cut to what each
role calls.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

HERE = Path(__file__).resolve().parent


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((HERE.parent / "sql" / "0006_least_privilege.sql").read_text(encoding="utf-8"))
    # the aggregates' pause for bulk loads, now the owner's only
    cursor.execute((HERE.parent.parent / "sql" / "aggregates.sql").read_text(encoding="utf-8"))


WRITER_POLICIES = {
    "community": ("read", "insert", "update"), "street": ("read", "insert", "update"),
    "person": ("read", "insert", "update"), "enterprise": ("read", "insert", "update"),
    "employment": ("read", "write"), "health_code": ("read", "write"), "health_code_history": ("read",),
    "managed_person": ("read", "write"), "community_stats": ("read", "touch"), "enterprise_stats": ("read",),
}


def downgrade() -> None:
    for table, kinds in WRITER_POLICIES.items():
        for kind in kinds:
            op.execute(f"DROP POLICY {table}_writer_{kind} ON {table}")
    op.execute("DROP POLICY district_read ON district; DROP POLICY district_writer_update ON district;"
               " ALTER TABLE district DISABLE ROW LEVEL SECURITY")
    op.execute("DROP POLICY import_run_read ON import_run; DROP POLICY import_run_insert ON import_run;"
               " ALTER TABLE import_run DISABLE ROW LEVEL SECURITY")
    op.execute("DROP POLICY audit_log_login_read ON audit_log; DROP POLICY audit_log_login_insert ON audit_log")
    op.execute("DROP TRIGGER app_user_sessions_end ON app_user; DROP FUNCTION end_user_sessions()")
    # 0005's and 0002's policies and functions, as they were
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((HERE.parent / "sql" / "0006_downgrade.sql").read_text(encoding="utf-8"))
    op.execute("DROP FUNCTION session_may(text); DROP FUNCTION live_session(); DROP FUNCTION live_integration();"
               " DROP TABLE app_session; DROP TABLE permission; DROP FUNCTION session_token_sha256()")
    for role in ("sansetu_auth", "sansetu_writer"):
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role};"
                   f" REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM {role};"
                   f" REVOKE USAGE ON SCHEMA public FROM {role}")
