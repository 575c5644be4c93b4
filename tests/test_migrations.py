"""Migrations build the whole schema from an empty database, and the query tables match it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from data_access.setup_db import alembic_config, migrate
from data_access.tables import metadata
from tests.helpers import head_revision, recreate_database


@pytest.fixture(scope="module")
def empty_url(test_url):
    url = test_url.set(database=test_url.database.replace("_test", "_migrations_test"))
    recreate_database(url)
    yield url
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    engine.dispose()


def test_migrations_build_the_schema_from_empty_and_undo_it(empty_url):
    assert migrate(empty_url) == head_revision()
    engine = create_engine(empty_url)
    inspector = inspect(engine)
    tables = set(inspector.get_table_names())
    assert {t.name for t in metadata.tables.values() if t.name != "managed_counts"} <= tables
    with engine.connect() as conn:
        srids = dict(conn.execute(text(
            "SELECT f_table_name || '.' || f_geometry_column, srid FROM geometry_columns")).all())
        gist = {r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_indexes WHERE indexdef LIKE '%USING gist%'"))}
    assert srids == {"district.geom": 4326, "street.geom": 4326, "community.geom": 4326,
                     "enterprise.location": 4326, "mg_house.location": 4326}
    assert {"district", "street", "community", "enterprise"} <= gist

    from alembic import command

    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert "person" not in set(inspect(engine).get_table_names())
    assert migrate(empty_url) == head_revision()  # and up again
    engine.dispose()


def test_query_tables_name_only_columns_that_exist(engine):
    inspector = inspect(engine)
    for table in metadata.tables.values():
        existing = {c["name"] for c in inspector.get_columns(table.name)}
        assert {c.name for c in table.columns} <= existing, table.name


def test_one_set_up_at_a_time_on_the_server(test_url, engine):
    """Set-ups of two databases at once both created the server's service roles and one failed: a set-up waits
    for the server's set-up lock (held here, as another set-up would) and goes on when it is free."""
    import threading

    from data_access.setup_db import SETUP_LOCK

    admin = create_engine(test_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    done = threading.Event()
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(hashtext(:k))"), {"k": SETUP_LOCK})
            worker = threading.Thread(target=lambda: (migrate(test_url), done.set()))
            worker.start()
            assert not done.wait(2.0), "a set-up ran while another held the lock"
            conn.execute(text("SELECT pg_advisory_unlock(hashtext(:k))"), {"k": SETUP_LOCK})
        worker.join(120)
        assert done.is_set()
    finally:
        admin.dispose()
