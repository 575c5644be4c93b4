"""The audit log as the auditor reads it: newest first, filtered by action, user and day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

MOST_ROWS = 10_000


def audit_rows(conn: Connection, action: str | None = None, username: str | None = None,
               since: datetime | None = None, limit: int = 1000) -> list[dict]:
    """The newest audit rows first, filtered."""
    return [dict(r) for r in conn.execute(text(
        "SELECT at, username, role, action, area, detail::text AS detail, address FROM audit_log"
        " WHERE (CAST(:a AS text) IS NULL OR action = :a) AND (CAST(:u AS text) IS NULL OR username = :u)"
        " AND (CAST(:s AS timestamptz) IS NULL OR at >= :s) ORDER BY at DESC, id DESC LIMIT :n"),
        {"a": action, "u": username, "s": since, "n": max(1, min(limit, MOST_ROWS))}).mappings()]
