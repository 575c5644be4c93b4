"""Units of work: a read-only transaction per request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from data_access.engine import get_engine


class DataUnavailable(RuntimeError):
    """The database could not answer (down, unreachable, timed out). Callers show a message, not a trace."""


@contextmanager
def reading() -> Iterator[Connection]:
    """A read-only transaction on the application's engine; closed (rolled back) at the end."""
    try:
        with get_engine().connect() as conn, conn.begin():
            conn.execute(text("SET TRANSACTION READ ONLY"))
            yield conn
    except DBAPIError as exc:
        raise DataUnavailable(str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)) from exc
