"""Cheaper colour changes: the history's persons checked once per statement, not by a foreign key that
locked each person row (the current definitions re-applied from data_access/sql/aggregates.sql).

Revision ID: 0007_bulk
Revises: 0006
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0007_bulk"
down_revision = "0006"
branch_labels = None
depends_on = None

HERE = Path(__file__).resolve().parent.parent


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((HERE.parent / "sql" / "aggregates.sql").read_text(encoding="utf-8"))
    cursor.execute((HERE / "sql" / "0007_bulk.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("DROP TRIGGER health_code_history_persons ON health_code_history;"
               " DROP TRIGGER person_history_deleted ON person; DROP TRIGGER person_history_renumbered ON person;"
               " DROP FUNCTION history_persons_exist(); DROP FUNCTION person_history_kept()")
    op.execute("ALTER TABLE health_code_history ADD CONSTRAINT health_code_history_id_number_fkey"
               " FOREIGN KEY (id_number) REFERENCES person")
