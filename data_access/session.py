"""Units of work: a read-only transaction per request, and a scoped write transaction per command.

Both run as the web application's role and pass the actor's session secret in `sansetu.session` for the
transaction only. PostgreSQL looks the session up (a table the application cannot write) and takes the
area and the role from it, so row-level security restricts what is read (USING) and what may be written
(WITH CHECK) to what that login may: a transaction cannot widen its own area.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from data_access import audit_trail
from data_access.engine import app_engine, writer_engine
from domain.actor import Actor


class DataUnavailable(RuntimeError):
    """The database could not answer (down, unreachable, timed out). Callers show a message, not a trace."""


@contextmanager
def reading(actor: Actor) -> Iterator[Connection]:
    """A read-only transaction as the application role, seeing only the rows of the actor's area.

    The database enforces the area (row-level security, from the actor's session); the queries filter by it too.
    """
    try:
        with app_engine().connect() as conn, conn.begin():
            conn.execute(text("SET TRANSACTION READ ONLY"))
            enter(conn, actor)
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
            enter(conn, actor)
            yield UnitOfWork(conn, actor)
    except DBAPIError as exc:
        raise DataUnavailable(_first_line(exc)) from exc


def enter(conn: Connection, actor: Actor | None) -> None:
    """The actor's session for this transaction only (none: nothing of the registers is visible)."""
    if actor is not None and actor.session:
        conn.execute(text("SELECT set_config('sansetu.session', :s, true)"), {"s": actor.session})


@dataclass(frozen=True)
class SessionWriter:
    """The writer role's engine, each transaction entered with a session (an import's sender, or a system's
    token): what load_rows needs of an engine, with PostgreSQL checking every row against that area."""

    session: str
    engine: Engine | None = None  # the writer role's engine (default: the process's)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with (self.engine or writer_engine()).begin() as conn:
            conn.execute(text("SELECT set_config('sansetu.session', :s, true)"), {"s": self.session})
            yield conn


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
