"""The audit log's actions as a table (audit_action) instead of a CHECK that every module's migration had to
restate whole: a module adds its actions to domain/audit.py and set-up inserts them (setup_db.sync_audit_actions).
The foreign key keeps the log to known actions, as the CHECK did.

Revision ID: 0012_audit_actions
Revises: 0011_answers
Create Date: 2026-11-27
"""

from alembic import op

revision = "0012_audit_actions"
down_revision = "0011_answers"
branch_labels = None
depends_on = None

ACTIONS = ("login", "login_failed", "logout", "export", "reveal", "user_created", "user_disabled", "user_enabled",
           "password_reset", "refused", "import", "live_batch", "token_created", "token_revoked", "appeal_step",
           "appeal_proposed", "appeal_reviewed", "appeal_converted", "appeal_rejected", "appeal_reassigned",
           "appeal_configured", "proxy_assigned", "proxy_contact", "proxy_card_bound", "proxy_list_printed",
           "keyperson_placed", "keyperson_contacted", "keyperson_measure", "keyperson_followup",
           "keyperson_released", "keyperson_colour", "warning_notified", "reopening_confirmed")


def upgrade() -> None:
    values = ", ".join(f"('{a}')" for a in ACTIONS)
    op.execute(f"""
CREATE TABLE audit_action (action text PRIMARY KEY);
INSERT INTO audit_action (action) VALUES {values};
INSERT INTO audit_action (action) SELECT DISTINCT action FROM audit_log ON CONFLICT DO NOTHING;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_fkey FOREIGN KEY (action) REFERENCES audit_action (action);
GRANT SELECT ON audit_action TO sansetu_auth, sansetu_app, sansetu_writer;
""")


def downgrade() -> None:
    quoted = ", ".join(f"'{a}'" for a in ACTIONS)
    op.execute("ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_fkey")
    op.execute(f"ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN ({quoted})) NOT VALID")
    op.execute("DROP TABLE audit_action")
