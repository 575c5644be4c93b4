"""Health-code services, more (issue #14): what the registers (appeal_person) and the key-person data
(keyperson_of_appeal) say about an appeal's person, for whoever may read the appeal, wherever the person lives;
the name a request was made under kept on it (the queue reads no register row); the indexes the case page
needs at full scale.

Revision ID: 0013_services_more
Revises: 0013_keypersons_more
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0013_services_more"
down_revision = "0013_keypersons_more"
branch_labels = None
depends_on = None

HERE = Path(__file__).resolve().parent


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((HERE.parent / "sql" / "0013_services_more.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("DROP INDEX managed_person_person_idx")
    op.execute("DROP TRIGGER appeal_name ON appeal")
    op.execute("DROP FUNCTION appeal_name()")
    op.execute("ALTER TABLE appeal DROP COLUMN name")
    op.execute("DROP FUNCTION keyperson_of_appeal(bigint), appeal_person(bigint)")
