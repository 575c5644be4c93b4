"""Cheaper colour changes and new residents: the history's persons checked once per statement, not by a
foreign key that locked each person row; new residents counted by deltas; the maintenance's joins hashed in
memory (the current definitions re-applied from data_access/sql/aggregates.sql and colour_changes.sql).

Revision ID: 0010_bulk
Revises: 0006
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0010_bulk"
down_revision = "0009_warnings"
branch_labels = None
depends_on = None

HERE = Path(__file__).resolve().parent.parent


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    for name in ("aggregates.sql", "colour_changes.sql"):
        cursor.execute((HERE.parent / "sql" / name).read_text(encoding="utf-8"))
    cursor.execute((HERE / "sql" / "0010_bulk.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("DROP TRIGGER health_code_history_persons ON health_code_history;"
               " DROP TRIGGER person_history_deleted ON person; DROP TRIGGER person_history_renumbered ON person;"
               " DROP FUNCTION history_persons_exist(); DROP FUNCTION person_history_kept()")
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((HERE / "sql" / "0010_downgrade.sql").read_text(encoding="utf-8"))
    op.execute("DROP FUNCTION move_residents(character[], text[], text[], integer[])")
    op.execute("ALTER TABLE health_code_history ADD CONSTRAINT health_code_history_id_number_fkey"
               " FOREIGN KEY (id_number) REFERENCES person")
