"""Writing the audit log: one row per thing a person or a system did. The log is append-only (a trigger
refuses UPDATE and DELETE; the web role has no grant for them)."""

from __future__ import annotations

import json

from sqlalchemy import Connection, text


def record(conn: Connection, username: str, role: str | None, action: str, area: str | None = None,
           detail: dict | None = None, address: str | None = None) -> None:
    """One row of the audit log, in the caller's transaction."""
    conn.execute(text("INSERT INTO audit_log (username, role, action, area, detail, address)"
                      " VALUES (:u, :r, :a, :area, CAST(:d AS jsonb), :addr)"),
                 {"u": username, "r": role, "a": action, "area": area,
                  "d": json.dumps(detail or {}, ensure_ascii=False, default=str), "addr": address})
