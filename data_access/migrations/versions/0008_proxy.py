"""Proxy applications (帮办代办): the list of people who need a proxy, contacts, card bindings, the agent
role, their policies and grants; the import kind and the audit actions.

Revision ID: 0008_proxy
Revises: 0007
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0008_proxy"
down_revision = "0007"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"
OLD_ACTIONS = ("'login', 'login_failed', 'logout', 'export', 'reveal', 'user_created', 'user_disabled', "
               "'user_enabled', 'password_reset', 'refused', 'import', 'live_batch', 'token_created', "
               "'token_revoked', 'appeal_step', 'appeal_proposed', 'appeal_reviewed', 'appeal_converted', "
               "'appeal_rejected', 'appeal_reassigned', 'appeal_configured'")
OLD_ROLES = "'leader', 'official', 'community_worker', 'data_operator', 'auditor', 'administrator'"


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0008_proxy.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("DROP TABLE proxy_contact, proxy_person")
    op.execute("DROP FUNCTION proxy_contact_check(), proxy_contact_apply(), proxy_person_update_check(),"
               " proxy_register_candidates(text)")
    # the agents, their sessions and audit rows, and the list's import runs go with them (both logs are
    # append-only: their triggers are paused for the owner's clean-up only)
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
               " DELETE FROM audit_log WHERE action LIKE 'proxy%' OR role = 'proxy_agent';"
               " ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    op.execute(f"ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;"
               f" ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN ({OLD_ACTIONS}))")
    op.execute("DELETE FROM app_session WHERE role = 'proxy_agent';"
               " DELETE FROM app_user WHERE role = 'proxy_agent'")
    op.execute(f"ALTER TABLE app_user DROP CONSTRAINT app_user_agent_in_community;"
               f" ALTER TABLE app_user DROP CONSTRAINT app_user_role_check;"
               f" ALTER TABLE app_user ADD CONSTRAINT app_user_role_check CHECK (role IN ({OLD_ROLES}))")
    op.execute("ALTER TABLE import_run DISABLE TRIGGER import_run_append_only;"
               " DELETE FROM import_run WHERE kind = 'proxy_list';"
               " ALTER TABLE import_run ENABLE TRIGGER import_run_append_only;"
               " DELETE FROM import_kind WHERE name = 'proxy_list'")
