"""Policies, more: the departments' name lists (civil_roll, retiree_list, disabled_list import kinds) kept per
community, which policy a list's category stands for, deaths in the register, the public submission's audit row.

Revision ID: 0014_policies_more
Revises: 0014_fixes
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0014_policies_more"
down_revision = "0014_fixes"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0014_policies_more.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("DROP POLICY audit_log_public_insert ON audit_log")
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
               " DELETE FROM audit_log WHERE action = 'policy_public_submitted';"
               " ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;"
               " DELETE FROM audit_action WHERE action = 'policy_public_submitted'")
    op.execute("ALTER TABLE import_run DISABLE TRIGGER import_run_append_only;"
               " DELETE FROM import_run WHERE kind IN ('civil_roll', 'retiree_list', 'disabled_list');"
               " ALTER TABLE import_run ENABLE TRIGGER import_run_append_only;"
               " DELETE FROM import_kind WHERE name IN ('civil_roll', 'retiree_list', 'disabled_list')")
    op.execute("DROP POLICY policy_writer_read ON policy")
    op.execute("DROP POLICY person_attribute_writer_read ON person_attribute")
    op.execute("REVOKE SELECT ON policy, person_attribute FROM sansetu_writer")
    op.execute("DROP FUNCTION policy_data_version()")
    op.execute("DROP TABLE policy_name_list, policy_list_policy")
    op.execute("ALTER TABLE person_attribute DROP COLUMN deceased_on")
