"""Cheaper colour changes (issue #12): covering indexes for the per-person lookups of a batch of changes.

Revision ID: 0013_perf
Revises: 0013_services_more
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0013_perf"
down_revision = "0013_services_more"
branch_labels = None
depends_on = None

HERE = Path(__file__).resolve().parent


def upgrade() -> None:
    op.execute((HERE.parent / "sql" / "0013_perf.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("CREATE INDEX employment_person_idx ON employment (id_number)")
    op.execute("DROP INDEX employment_person_credit_idx")
    op.execute("DROP INDEX person_community_of_idx")
