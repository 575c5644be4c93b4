"""Units of work: a read-only transaction per request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from data_access.engine import app_engine
from data_access.scope import Scope


class DataUnavailable(RuntimeError):
    """The database could not answer (down, unreachable, timed out). Callers show a message, not a trace."""


@contextmanager
def reading(scope: Scope) -> Iterator[Connection]:
    """A read-only transaction as the application role, seeing only the rows of scope's area.

    The database enforces the area (row-level security reads sansetu.scope); the queries filter by it too.
    """
    try:
        with app_engine().connect() as conn, conn.begin():
            conn.execute(text("SET TRANSACTION READ ONLY"))
            conn.execute(text("SELECT set_config('sansetu.scope', :prefix, true)"), {"prefix": scope.prefix})
            yield conn
    except DBAPIError as exc:
        raise DataUnavailable(_first_line(exc)) from exc


@contextmanager
def writing() -> Iterator[Connection]:
    """A transaction as the application role for what it may write: the audit log and users."""
    try:
        with app_engine().connect() as conn, conn.begin():
            yield conn
    except DBAPIError as exc:
        raise DataUnavailable(_first_line(exc)) from exc


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
