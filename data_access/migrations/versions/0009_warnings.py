"""Looking back in time: the map's figures at the end of any day of the history (functions of the day).
Warnings followed to the end: the steps a community worker records (a warning given, a reopening confirmed),
scoped and written in the recorder's name under row-level security, and the stage of every open warning (a
view the map and the warnings list read).

Revision ID: 0009_warnings
Revises: 0006
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0009_warnings"
down_revision = "0008_keypersons"
branch_labels = None
depends_on = None

HERE = Path(__file__).resolve().parent.parent
TRIGGERS = """
CREATE TRIGGER warning_step_check BEFORE INSERT ON warning_step FOR EACH ROW EXECUTE FUNCTION check_warning_step();
CREATE TRIGGER warning_step_touch AFTER INSERT ON warning_step FOR EACH ROW EXECUTE FUNCTION warning_step_touch();
REVOKE EXECUTE ON FUNCTION check_warning_step(), warning_step_touch() FROM PUBLIC;
GRANT SELECT ON enterprise_warning_state TO sansetu_app;
"""
# Looking back in time (data_access/sql/history.sql): the figures of a day, for the web role; the persons'
# changes behind them for no role (only the figures functions, running as the owner, call it).
HISTORY = "beijing_day_end(date), enterprise_stats_as_of(date), community_stats_as_of(date), managed_counts_as_of(date)"
PERSONS = "colours_changed_after(date)"
ACTIONS = ("'login', 'login_failed', 'logout', 'export', 'reveal', 'user_created', 'user_disabled', 'user_enabled',"
           " 'password_reset', 'refused', 'import', 'live_batch', 'token_created', 'token_revoked', 'appeal_step',"
           " 'appeal_proposed', 'appeal_reviewed', 'appeal_converted', 'appeal_rejected', 'appeal_reassigned',"
           " 'appeal_configured', 'proxy_assigned', 'proxy_contact', 'proxy_card_bound', 'proxy_list_printed',"
           " 'keyperson_placed', 'keyperson_contacted', 'keyperson_measure', 'keyperson_followup',"
           " 'keyperson_released', 'keyperson_colour'")


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((HERE / "sql" / "0009_warnings.sql").read_text(encoding="utf-8"))
    cursor.execute((HERE.parent / "sql" / "warnings.sql").read_text(encoding="utf-8"))
    cursor.execute(TRIGGERS)
    cursor.execute((HERE.parent / "sql" / "history.sql").read_text(encoding="utf-8"))
    cursor.execute(f"REVOKE EXECUTE ON FUNCTION {HISTORY}, {PERSONS} FROM PUBLIC;"
                   f" GRANT EXECUTE ON FUNCTION {HISTORY} TO sansetu_app")


def downgrade() -> None:
    op.execute(f"DROP FUNCTION {HISTORY}, {PERSONS}")
    op.execute("DROP VIEW enterprise_warning_state")
    op.execute("DROP TABLE warning_step")
    op.execute("DROP FUNCTION check_warning_step(); DROP FUNCTION warning_step_touch()")
    # the log is append-only: rows of the steps already recorded stay, checked only from now on (NOT VALID)
    op.execute("ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check")
    op.execute(f"ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN ({ACTIONS})) NOT VALID")
