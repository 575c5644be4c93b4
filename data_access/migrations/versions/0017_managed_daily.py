"""Today's managed persons kept per community and day (managed_daily, recounted by statement triggers on the
key-person module's tasks, persons and batches and on the flat list): the map reads one row per community
instead of counting every managed person in each drill step (#12).

Revision ID: 0017_managed_daily
Revises: 0016_mgfix
Create Date: 2026-11-28
"""

from pathlib import Path

from alembic import op

revision = "0017_managed_daily"
down_revision = "0016_mgfix"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"
TRIGGERS = {
    "managed_person": ("insert", "update", "delete", "truncate"),
    "kp_task": ("insert", "update", "delete", "truncate"),
    "kp_person": ("update",),
    "kp_batch": ("update",),
}


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0017_managed_daily.sql").read_text(encoding="utf-8"))
    cursor.execute((SQL.parent.parent / "sql" / "managed.sql").read_text(encoding="utf-8"))  # reads them


def downgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    # the map's view and function as they were (counted live), then what kept the counts
    cursor.execute((SQL / "0013_managed.sql").read_text(encoding="utf-8"))
    for table, events in TRIGGERS.items():
        for event in events:
            op.execute(f"DROP TRIGGER {table}_daily_{event} ON {table}")
    op.execute("DROP FUNCTION managed_daily_touch(), managed_daily_extend(boolean),"
               " managed_daily_refresh(char(12)[]), managed_daily_kept(date)")
    op.execute("DROP TABLE managed_daily, managed_daily_span")
