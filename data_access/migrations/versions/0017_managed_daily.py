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


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0017_managed_daily.sql").read_text(encoding="utf-8"))
    cursor.execute((SQL.parent.parent / "sql" / "managed.sql").read_text(encoding="utf-8"))  # reads them


def downgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0017_managed_daily_downgrade.sql").read_text(encoding="utf-8"))
    cursor.execute((SQL / "0013_managed.sql").read_text(encoding="utf-8"))  # the map's view and function, live
    cursor.execute("GRANT SELECT ON map_managed_counts TO sansetu_app")
    op.execute("DROP FUNCTION managed_daily_kept(date)")
    op.execute("DROP TABLE managed_daily, managed_daily_span")
