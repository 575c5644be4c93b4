"""Plans of the queries a request runs: which statements ran, and whether a plan reads a table whole.

For the test and the benchmark that hold the map's hot path to plans that do not flip with the data's size
(under row-level security, a plan that hashes a policy's subquery reads every person of the district).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, event


@contextmanager
def recorded(engine: Engine) -> Iterator[list[tuple[str, object]]]:
    """The reading statements run on the engine inside the block, with their parameters."""
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and "set_config" not in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def whole_scans(conn: Connection, statements: list[tuple[str, object]], table: str = "person") -> list[str]:
    """The plans (EXPLAIN, in the caller's transaction and role) that scan the table sequentially."""
    cursor = conn.connection.driver_connection.cursor()
    found = []
    for statement, parameters in statements:
        cursor.execute("EXPLAIN " + statement, parameters)
        plan = "\n".join(r[0] for r in cursor.fetchall())
        if f"Seq Scan on {table} " in plan + " ":
            found.append(statement[:120] + " ...\n" + plan)
    return found
