"""New residents, more: each house's tenants kept by PostgreSQL, a landlord's point checked in the chosen
community (mg_declare), the public map's outlines and point lookup, migrants linked to the person register,
the public house search throttled.

Revision ID: 0014_migrants_more
Revises: 0014_scoreboard_more
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0014_migrants_more"
down_revision = "0014_scoreboard_more"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0014_migrants_more.sql").read_text(encoding="utf-8"))


def _from_0013(start: str, end: str) -> str:
    """A statement of 0013_migrants.sql as written there (from `start` to the end of `end`)."""
    sql = (SQL / "0013_migrants.sql").read_text(encoding="utf-8")
    first = sql.index(start)
    return sql[first:sql.index(end, first) + len(end)]


def downgrade() -> None:
    op.execute("CREATE OR REPLACE" + _from_0013("CREATE VIEW migrant_community_counts", "FROM community c;")[6:])
    op.execute("DROP FUNCTION mg_find_houses(text, text), mg_community_at(float8, float8), mg_outline(text)")
    op.execute("DROP TABLE mg_search")
    op.execute("DROP TRIGGER mg_migrant_tenants_insert ON mg_migrant; DROP TRIGGER mg_migrant_tenants_update ON"
               " mg_migrant; DROP TRIGGER mg_migrant_tenants_delete ON mg_migrant")
    op.execute("DROP FUNCTION mg_house_count_tenants()")
    op.execute("ALTER TABLE mg_house DROP COLUMN tenants")
    op.execute("DROP TRIGGER mg_migrant_link_person ON mg_migrant")
    op.execute("DROP FUNCTION mg_migrant_link_person()")
    op.execute("ALTER TABLE mg_migrant DROP COLUMN person_id_number")
    # mg_declare as 0013_migrants left it
    op.execute("CREATE OR REPLACE" + _from_0013("CREATE FUNCTION mg_declare(", "END $$;")[6:])
