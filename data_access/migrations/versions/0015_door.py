"""Migrants' data version: one number that every statement writing rental houses, landlords or migrants moves
(a statement trigger, in the writer's transaction), so the oversight map's layers can be kept in the shared cache
under it and are drawn anew as soon as a house or its tenants change. Read without row-level security (it names
no row): the same number for every area.

Revision ID: 0015_door
Revises: 0015_perf
Create Date: 2026-11-27
"""

from alembic import op

revision = "0015_door"
down_revision = "0015_perf"
branch_labels = None
depends_on = None

TABLES = ("mg_house", "mg_landlord", "mg_migrant")


def upgrade() -> None:
    op.execute("""
CREATE TABLE mg_data_version (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  version bigint NOT NULL DEFAULT 0
);
INSERT INTO mg_data_version DEFAULT VALUES;
GRANT SELECT ON mg_data_version TO sansetu_app;
-- as the owner: the web role may not move the number itself, only its writes of the tables below do
CREATE FUNCTION mg_bump_data_version() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
  UPDATE mg_data_version SET version = version + 1;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION mg_bump_data_version() FROM PUBLIC;
""")
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
                   " FOR EACH STATEMENT EXECUTE FUNCTION mg_bump_data_version()")


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_data_version ON {table}")
    op.execute("DROP FUNCTION mg_bump_data_version()")
    op.execute("DROP TABLE mg_data_version")
