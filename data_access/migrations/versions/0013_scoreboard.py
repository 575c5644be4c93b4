"""The scoreboard (晾晒台): the registry every module joins by (scoreboard_source), the union views rebuilt from
it, the scoped community and street measures, and the headline and work-measure views of the modules on main
(three-colour map, appeals, proxy applications, key persons); the daily briefs' history.
See data_access/scoreboard_views/__init__.py.

Revision ID: 0013_scoreboard
Revises: 0013_perf
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0013_scoreboard"
down_revision = "0013_perf"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0013_scoreboard.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("DROP TABLE scoreboard_brief")
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
               " DELETE FROM audit_log WHERE action = 'scoreboard_brief';"
               " ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;"
               " DELETE FROM audit_action WHERE action = 'scoreboard_brief'")
    op.execute("DROP VIEW scoreboard_street_measure, scoreboard_community_measure, scoreboard_headline,"
               " scoreboard_measure_all")
    op.execute("DROP TABLE scoreboard_summed, scoreboard_source")
    op.execute("DROP FUNCTION scoreboard_rebuild()")
    op.execute("DROP VIEW headline_map, headline_appeals, headline_proxy, headline_keypersons,"
               " work_measure_appeals, work_measure_proxy, work_measure_keypersons")
