"""The drill step's fixed cost (#12): today's managed persons read by index (kp_task.measure_end stored,
managed_period unchanged in meaning).

Revision ID: 0015_perf
Revises: 0014_migrants_more
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0015_perf"
down_revision = "0014_migrants_more"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0015_perf.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    text = (SQL / "0014_fixes.sql").read_text(encoding="utf-8")
    begin = text.index("CREATE VIEW managed_period AS")
    view = text[begin:text.index("> m.start_date));", begin) + len("> m.start_date));")]
    op.execute(view.replace("CREATE VIEW", "CREATE OR REPLACE VIEW", 1))
    op.execute("ALTER TABLE kp_task DROP COLUMN measure_end")
