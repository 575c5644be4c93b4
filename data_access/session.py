"""Units of work: a read-only transaction per request, and a scoped write transaction per command.

Both run as the web application's role and set the area in `sansetu.scope` for the transaction only, so
row-level security restricts what is read (USING) and what may be written (WITH CHECK) to that area.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from data_access import audit_trail
from data_access.engine import app_engine
from domain.actor import Actor
from domain.divisions import Scope


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
            _set_scope(conn, scope)
            yield conn
    except DBAPIError as exc:
        raise DataUnavailable(_first_line(exc)) from exc


@dataclass(frozen=True)
class UnitOfWork:
    """One transaction of one actor's command: its writes, checked by the database against the actor's
    area, and its audit rows, committed together or not at all."""

    conn: Connection
    actor: Actor | None

    def audit(self, action: str, area: str | None = None, detail: dict | None = None) -> None:
        actor = self.actor
        audit_trail.record(self.conn, actor.username if actor else "-", actor.role if actor else None, action,
                           area, detail, actor.address if actor else None)


@contextmanager
def writing(actor: Actor | None) -> Iterator[UnitOfWork]:
    """A transaction as the application role, writing within the actor's area.

    `actor` None is a request with nobody logged in yet (a login attempt): no area is set, so the row-level
    security policies let it write nothing but the audit log.
    """
    try:
        with app_engine().connect() as conn, conn.begin():
            if actor is not None:  # one round trip for both settings
                conn.execute(text("SELECT set_config('sansetu.scope', :prefix, true),"
                                  " set_config('sansetu.actor', :name, true)"),
                             {"prefix": actor.scope.prefix, "name": actor.username})
            yield UnitOfWork(conn, actor)
    except DBAPIError as exc:
        raise DataUnavailable(_first_line(exc)) from exc


def _set_scope(conn: Connection, scope: Scope) -> None:
    conn.execute(text("SELECT set_config('sansetu.scope', :prefix, true)"), {"prefix": scope.prefix})


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
