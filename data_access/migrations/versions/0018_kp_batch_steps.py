"""The key persons' batches tab reads each of the latest batches' records by index (kp_record by batch): the
district's tab aggregated every record of every batch in a nested loop the planner chose under row-level
security (946 ms at full scale; 72 ms by batch).

Revision ID: 0018_kp_batch_steps
Revises: 0017_managed_daily
Create Date: 2026-11-28
"""

from alembic import op

revision = "0018_kp_batch_steps"
down_revision = "0017_managed_daily"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX kp_record_batch_idx ON kp_record (batch_id)")


def downgrade() -> None:
    op.execute("DROP INDEX kp_record_batch_idx")
