"""Answers that stay fast: the data's time from a function that applies the session's area itself, with
plans that do not flip with the data's size (issue #12).

Revision ID: 0011_answers
Revises: 0008_keypersons
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0011_answers"
down_revision = "0010_bulk"
branch_labels = None
depends_on = None

HERE = Path(__file__).resolve().parent


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((HERE.parent / "sql" / "0011_answers.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("DROP FUNCTION data_time()")
