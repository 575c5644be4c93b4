"""Deaths: the deaths list (死亡人员名单, import kind deaths_list) sets or withdraws person_attribute.deceased_on
within the sender's area; each change is kept in person_death_event. A name list's check of a person already paid
by another policy of an exclusive group (policy_paid_in_group).

Revision ID: 0016_deaths
Revises: 0016_history_months
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0016_deaths"
down_revision = "0016_history_months"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0016_deaths.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("ALTER TABLE import_run DISABLE TRIGGER import_run_append_only;"
               " DELETE FROM import_run WHERE kind = 'deaths_list';"
               " ALTER TABLE import_run ENABLE TRIGGER import_run_append_only;"
               " DELETE FROM import_kind WHERE name = 'deaths_list'")
    op.execute("REVOKE INSERT (id_number, community_code, deceased_on), UPDATE (deceased_on) ON person_attribute"
               " FROM sansetu_writer")
    op.execute("DROP POLICY person_attribute_writer_update ON person_attribute")
    op.execute("DROP POLICY person_attribute_writer_insert ON person_attribute")
    op.execute("DROP TABLE person_death_event")
    op.execute("DROP FUNCTION policy_paid_in_group(char, text, integer)")
