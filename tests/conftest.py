"""Test database: a fresh PostGIS database per run, migrated and loaded with a small demo district.

DATABASE_URL must name a database ending in _test (make test sets it): the fixture drops and recreates it.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from data_access.demo.load import LoadReport, load_demo
from data_access.engine import get_engine
from data_access.settings import database_url
from data_access.setup_db import migrate, postgis_available
from tests.browser import browser, server  # noqa: F401 (fixtures offered to every test module)
from tests.helpers import recreate_database

SCALE = 0.02
SEED = 7
# No brief on a schedule in a test's app or its served copies (they inherit this): tests drive it with a clock.
os.environ.setdefault("SANSETU_BRIEF_AT", "off")



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


@pytest.fixture(scope="session")
def app_module(demo):
    import app

    return app


@pytest.fixture
def as_user(app_module):
    """Run code as a demo user: a request context with that user logged in (a live session; for callbacks)."""
    from contextlib import contextmanager

    from flask_login import login_user

    from callbacks.auth import SessionUser
    from data_access.users import sessions
    from tests.helpers import signed_in

    @contextmanager
    def run_as(username: str):
        with get_engine().connect() as conn:
            found = conn.execute(text("SELECT display_name, role, org_code FROM app_user WHERE username = :u"),
                                 {"u": username}).one()
        actor = signed_in(username, *found)
        user = sessions.session_user(actor.session)
        with app_module.server.test_request_context("/"):
            login_user(SessionUser(user, actor.session))
            yield user

    return run_as

