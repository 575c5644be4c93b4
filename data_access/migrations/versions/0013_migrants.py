"""New residents (新拱墅人一码通): rental houses, landlords, migrants with their move history, declarations from
the public page, QR tokens; the per-community view, the public page's functions, policies and grants.

Revision ID: 0013_migrants
Revises: 0013_scoreboard
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0013_migrants"
down_revision = "0013_scoreboard"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"
ACTIONS = ("migrant_reviewed", "migrant_qr_revoked")


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0013_migrants.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("DELETE FROM scoreboard_source WHERE module = 'migrants'")
    op.execute("DROP VIEW headline_migrants, work_measure_migrants")
    op.execute("DROP VIEW migrant_community_counts")
    op.execute("DROP FUNCTION mg_declare(text, text, text, text, text, text, jsonb, text, text), mg_receipt(text),"
               " mg_verify(text), mg_places(text)")
    op.execute("DROP TABLE mg_qr, mg_declaration, mg_residence, mg_migrant, mg_house, mg_landlord")
    quoted = ", ".join(f"'{a}'" for a in ACTIONS)
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
               f" DELETE FROM audit_log WHERE action IN ({quoted});"
               " ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    op.execute(f"DELETE FROM audit_action WHERE action IN ({quoted})")
