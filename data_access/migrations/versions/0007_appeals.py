"""Appeals (异议申诉复核): requests, their three steps and proposal, tiered reviews, the tier rules and the
deadline, with their policies and grants; the import kind and the audit actions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"
OLD_ACTIONS = ("'login', 'login_failed', 'logout', 'export', 'reveal', 'user_created', 'user_disabled', "
               "'user_enabled', 'password_reset', 'refused', 'import', 'live_batch', 'token_created', 'token_revoked'")


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0007_appeals.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("DROP TABLE appeal_review, appeal, appeal_tier_rule, appeal_setting")
    op.execute("DROP FUNCTION appeal_review_check(), appeal_review_apply(), appeal_update_check()")
    # the audit rows and import runs of appeals go with them (audit_log is append-only: its trigger is
    # paused for the owner's clean-up only)
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
               " DELETE FROM audit_log WHERE action LIKE 'appeal%';"
               " ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    op.execute("ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check")
    op.execute(f"ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN ({OLD_ACTIONS}))")
    op.execute("ALTER TABLE import_run DISABLE TRIGGER import_run_append_only;"
               " DELETE FROM import_run WHERE kind = 'appeals';"
               " ALTER TABLE import_run ENABLE TRIGGER import_run_append_only;"
               " DELETE FROM import_kind WHERE name = 'appeals'")
