"""Test database: a fresh PostGIS database per run, migrated and loaded with a small demo district.

DATABASE_URL must name a database ending in _test (make test sets it): the fixture drops and recreates it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL

from data_access.config import database_url
from data_access.demo.load import LoadReport, load_demo
from data_access.engine import get_engine
from data_access.setup_db import migrate, postgis_available

SCALE = 0.02
SEED = 7


def recreate_database(url: URL) -> None:
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()

@pytest.fixture(scope="session")
def test_url() -> URL:
    url = database_url()
    if not (url.database or "").endswith("_test"):
        pytest.exit(f"refusing to recreate {url.database!r}: DATABASE_URL must name a *_test database", 2)
    return url

@pytest.fixture(scope="session")
def demo(test_url: URL) -> LoadReport:
    recreate_database(test_url)
    assert postgis_available(test_url)
    migrate(test_url)
    report = load_demo(get_engine(), scale=SCALE, seed=SEED)
    assert report.loaded
    return report

@pytest.fixture(scope="session")
def engine(demo: LoadReport) -> Engine:
    return get_engine()

@pytest.fixture
def conn(engine: Engine):
    """A connection whose transaction is rolled back after the test: hand-built rows leave no trace."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()
