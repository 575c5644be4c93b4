"""Fixes after the browser walk: one truth for managed persons (view managed_period), read by the map's
keyperson_managed and by the appeal case page's appeal_person (whose "current" is now the Beijing day).

Revision ID: 0014_fixes
Revises: 0014_token_apis
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0014_fixes"
down_revision = "0014_token_apis"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def _statement(file: str, start: str, end: str) -> str:
    """One statement of an earlier migration's file, from `start` up to `end` (restored as it was)."""
    text = (SQL / file).read_text(encoding="utf-8")
    begin = text.index(start)
    return text[begin:text.index(end, begin) + len(end)]


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0014_fixes.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    managed = _statement("0013_keypersons_more.sql", "CREATE VIEW keyperson_managed AS", "> m.start_date));")
    person = _statement("0013_services_more.sql", "CREATE FUNCTION appeal_person", "END $$;")
    cursor.execute(managed.replace("CREATE VIEW", "CREATE OR REPLACE VIEW", 1))
    cursor.execute(person.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    cursor.execute("DROP VIEW managed_period")
