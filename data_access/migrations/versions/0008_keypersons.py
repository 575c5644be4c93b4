"""Key persons (精密智控): batches, persons, records, tasks, follow-ups, contact links, the gazetteer (loaded
from data_access/reference/gongshu_gazetteer.csv), the per-community view for the map, policies and grants;
the import kind and the audit actions.

Revision ID: 0008_keypersons
Revises: 0007
Create Date: 2026-11-27
"""

import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0008_keypersons"
down_revision = "0008_proxy"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"
GAZETTEER = Path(__file__).resolve().parents[2] / "reference" / "gongshu_gazetteer.csv"
OLD_ACTIONS = ("'login', 'login_failed', 'logout', 'export', 'reveal', 'user_created', 'user_disabled', "
               "'user_enabled', 'password_reset', 'refused', 'import', 'live_batch', 'token_created', 'token_revoked', "
               "'appeal_step', 'appeal_proposed', 'appeal_reviewed', 'appeal_converted', 'appeal_rejected', "
               "'appeal_reassigned', 'appeal_configured', 'proxy_assigned', 'proxy_contact', 'proxy_card_bound', "
               "'proxy_list_printed'")


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0008_keypersons.sql").read_text(encoding="utf-8"))
    with open(GAZETTEER, encoding="utf-8", newline="") as f:
        rows = [{k: (v or None) for k, v in row.items()} for row in csv.DictReader(f)]
    op.get_bind().execute(sa.text("""
        INSERT INTO kp_gazetteer (kind, name, alias_of, community_code, house_from, house_to)
        VALUES (:kind, :name, :alias_of, :community_code, CAST(:house_from AS int), CAST(:house_to AS int))"""), rows)


def downgrade() -> None:
    op.execute("DROP VIEW keyperson_community_today")
    op.execute("DROP TABLE kp_followup, kp_task, kp_link, kp_record, kp_person, kp_batch, kp_gazetteer")
    op.execute("DROP FUNCTION kp_followup_community()")
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
               " DELETE FROM audit_log WHERE action LIKE 'keyperson%';"
               " ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    op.execute("ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check")
    op.execute(f"ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN ({OLD_ACTIONS}))")
    op.execute("ALTER TABLE import_run DISABLE TRIGGER import_run_append_only;"
               " DELETE FROM import_run WHERE kind = 'keypersons';"
               " ALTER TABLE import_run ENABLE TRIGGER import_run_append_only;"
               " DELETE FROM import_kind WHERE name = 'keypersons'")
