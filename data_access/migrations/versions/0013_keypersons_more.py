"""Key persons, the rest of #15: upstream systems load batches with their integration token (the writer's
policies take it), and the three-colour map's managed persons come from this module's measures with the
flat list's persons kept (view keyperson_managed; the map's view and function in migrations/sql/0013_managed.sql).

Revision ID: 0013_keypersons_more
Revises: 0012_audit_actions
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0013_keypersons_more"
down_revision = "0012_audit_actions"
branch_labels = None
depends_on = None

HERE = Path(__file__).resolve().parent
OLD_POLICIES = """
DROP POLICY kp_batch_insert ON kp_batch;
CREATE POLICY kp_batch_insert ON kp_batch FOR INSERT TO sansetu_writer
  WITH CHECK ((SELECT session_may('keypersons.receive')) AND received_by = (SELECT session_actor()));
DROP POLICY kp_batch_count ON kp_batch;
CREATE POLICY kp_batch_count ON kp_batch FOR UPDATE TO sansetu_writer
  USING ((SELECT session_may('keypersons.receive')) AND received_by = (SELECT session_actor()))
  WITH CHECK (received_by = (SELECT session_actor()));
DROP POLICY kp_person_insert ON kp_person;
CREATE POLICY kp_person_insert ON kp_person FOR INSERT TO sansetu_writer
  WITH CHECK ((SELECT session_may('keypersons.receive')));
DROP POLICY kp_person_update ON kp_person;
CREATE POLICY kp_person_update ON kp_person FOR UPDATE TO sansetu_writer
  USING ((SELECT session_may('keypersons.receive'))) WITH CHECK (true);
DROP POLICY kp_record_insert ON kp_record;
CREATE POLICY kp_record_insert ON kp_record FOR INSERT TO sansetu_writer
  WITH CHECK ((SELECT session_may('keypersons.receive'))
              AND (community_code IS NULL OR community_code LIKE (SELECT session_scope()) || '%'));
DROP POLICY kp_link_insert ON kp_link;
CREATE POLICY kp_link_insert ON kp_link FOR INSERT TO sansetu_writer
  WITH CHECK ((SELECT session_may('keypersons.receive')));
DROP POLICY kp_task_insert ON kp_task;
CREATE POLICY kp_task_insert ON kp_task FOR INSERT TO sansetu_writer
  WITH CHECK (((SELECT session_may('keypersons.receive')) OR (SELECT session_may('keypersons.place')))
              AND community_code LIKE (SELECT session_scope()) || '%');
DROP POLICY kp_task_colour ON kp_task;
CREATE POLICY kp_task_colour ON kp_task FOR UPDATE TO sansetu_writer
  USING (((SELECT session_may('keypersons.receive')) OR (SELECT session_may('keypersons.place')))
         AND community_code LIKE (SELECT session_scope()) || '%')
  WITH CHECK (community_code LIKE (SELECT session_scope()) || '%');
"""


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((HERE.parent / "sql" / "0013_keypersons_more.sql").read_text(encoding="utf-8"))
    cursor.execute((HERE.parent / "sql" / "0013_managed.sql").read_text(encoding="utf-8"))
    cursor.execute("REVOKE EXECUTE ON FUNCTION map_managed_counts_as_of(date) FROM PUBLIC;"
                   " GRANT EXECUTE ON FUNCTION map_managed_counts_as_of(date) TO sansetu_app;"
                   " GRANT SELECT ON map_managed_counts TO sansetu_app")


def downgrade() -> None:
    op.execute("DROP FUNCTION map_managed_counts_as_of(date)")
    op.execute("DROP VIEW map_managed_counts")
    op.execute("DROP VIEW keyperson_managed")
    op.execute("DROP INDEX kp_task_measure_idx, kp_task_record_idx")
    op.execute(OLD_POLICIES)
    op.execute("DROP FUNCTION kp_may_receive()")
