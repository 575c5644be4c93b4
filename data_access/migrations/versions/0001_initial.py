"""Initial schema: divisions, registers, health codes, managed persons, fusion aggregates.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from pathlib import Path

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    # The raw DB-API cursor runs each file as written: no parameter markers, no % escaping.
    cursor = op.get_bind().connection.driver_connection.cursor()
    for name in ("0001_schema.sql", "0001_fusion.sql"):
        cursor.execute((SQL / name).read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute(
        "DROP TABLE IF EXISTS community_stats, enterprise_stats, managed_person, health_code_history,"
        " health_code, employment, enterprise, person, community, street, district CASCADE"
    )
    for fn in (
        "managed_counts",
        "fusion_community_residents",
        "fusion_enterprise",
    ):
        op.execute(f"DROP VIEW IF EXISTS {fn} CASCADE")
    op.execute(
        "DROP FUNCTION IF EXISTS gb11643_is_valid, gb32100_is_valid, set_display_geojson,"
        " assign_enterprise_community, refuse_change, enterprise_status, fusion_community,"
        " fusion_community_enterprises, lock_stats, refresh_community_enterprises, apply_colour_changes,"
        " refresh_enterprise_stats, refresh_community_stats, refresh_all_stats,"
        " stats_maintenance_paused, refresh_stats_for, health_code_changed, person_changed,"
        " employment_changed, enterprise_changed, community_changed CASCADE"
    )
