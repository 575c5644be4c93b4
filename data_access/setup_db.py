"""Make the database at a URL ready: exists, has PostGIS, migrated to the newest schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from data_access.settings import SERVICE_ROLES, settings
from domain.audit import AUDIT_ACTIONS
from domain.permissions import PERMISSIONS

ROOT = Path(__file__).resolve().parent.parent


class SetupError(RuntimeError):
    """A set-up problem the user must fix; the message says what (one line, Chinese)."""


def ensure_database(url: URL) -> bool:
    """Create the database if it does not exist; True when it was created."""
    try:
        _connect_once(url)
        return False
    except OperationalError as exc:
        if "does not exist" not in str(exc.orig):
            raise
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 5})
    with admin.connect() as conn:
        name = url.database.replace('"', '""')
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return True


def postgis_available(url: URL) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    with engine.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")).first()
    engine.dispose()
    return found is not None


def migrate(url: URL, revision: str = "head") -> str:
    """Apply migrations up to revision, then give the service roles their password and PostgreSQL the
    permission table the application's gate uses (domain.permissions).

    Returns the revision the database is at afterwards.
    """
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    with one_setup_at_a_time(url), engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        for role in SERVICE_ROLES:
            if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
                # psycopg2 quotes the value on the client: ALTER ROLE itself takes no bind parameters
                conn.exec_driver_sql(f"ALTER ROLE {role} LOGIN PASSWORD %s", (settings().app_password,))
        if conn.execute(text("SELECT to_regclass('permission')")).scalar():
            sync_permissions(conn)
        if conn.execute(text("SELECT to_regclass('audit_action')")).scalar():
            sync_audit_actions(conn)
        if conn.execute(text("SELECT to_regproc('health_code_history_months')")).scalar():
            history_months_ahead(conn)
        if conn.execute(text("SELECT to_regproc('managed_daily_extend')")).scalar():
            managed_days_ahead(conn)
    engine.dispose()
    return current


SETUP_LOCK = "sansetu.setup-db"


@contextmanager
def one_setup_at_a_time(url: URL) -> Iterator[None]:
    """Hold the server's set-up lock for the block: the service roles are the server's, not one database's, so
    two set-ups of two new databases at once both found a role missing and one failed creating it. The lock
    is an advisory lock taken in the `postgres` database (an advisory lock is per database), which every
    set-up on the server shares."""
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 5})
    try:
        conn = admin.connect()
    except OperationalError:  # no `postgres` database to meet in: running one set-up at a time is the operator's
        conn = None
    try:
        if conn is not None:
            conn.execute(text("SELECT pg_advisory_lock(hashtext(:k))"), {"k": SETUP_LOCK})
        yield
    finally:
        if conn is not None:
            conn.execute(text("SELECT pg_advisory_unlock(hashtext(:k))"), {"k": SETUP_LOCK})
            conn.close()
        admin.dispose()


def sync_permissions(conn) -> None:
    """The permission table in the database: exactly domain.permissions.PERMISSIONS."""
    conn.execute(text("DELETE FROM permission"))
    conn.execute(text("INSERT INTO permission (action, role) VALUES (:a, :r)"),
                 [{"a": action, "r": role} for action, roles in PERMISSIONS.items() for role in sorted(roles)])


def history_months_ahead(conn) -> None:
    """The colour history's monthly partitions two years ahead of today (Beijing): a change of a month with
    no partition would land in the catch-all partition, whose indexes are not small."""
    conn.execute(text("SELECT health_code_history_months((now() AT TIME ZONE 'Asia/Shanghai')::date,"
                      " ((now() AT TIME ZONE 'Asia/Shanghai') + interval '2 years')::date)"))


def managed_days_ahead(conn) -> None:
    """The managed persons' kept counts a month back and three ahead of today (Beijing), recounted when less
    than a month is left ahead: a day outside them is counted live (right, slower)."""
    conn.execute(text("SELECT managed_daily_extend()"))


def sync_audit_actions(conn) -> None:
    """The audit_action table holds every action of domain.audit.AUDIT_ACTIONS. Actions are only ever added: the
    log is append-only, and its old rows keep the actions they were written with."""
    conn.execute(text("INSERT INTO audit_action (action) VALUES (:a) ON CONFLICT DO NOTHING"),
                 [{"a": action} for action in AUDIT_ACTIONS])


def alembic_config() -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "data_access" / "migrations"))
    return config


def _connect_once(url: URL) -> None:
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()
