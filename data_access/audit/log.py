"""The audit log as the auditor reads it: newest first, filtered by action, user and day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

MOST_ROWS = 10_000


def audit_rows(conn: Connection, action: str | None = None, username: str | None = None,
               since: datetime | None = None, limit: int = 1000) -> list[dict]:
    """The newest audit rows first, filtered; area_name names the area (街道 and 社区 for a community)."""
    return [dict(r) for r in conn.execute(text(
        "SELECT l.at, l.username, l.role, l.action, l.area, coalesce(cs.name || c.name, s.name, d.name) AS area_name,"
        " l.detail::text AS detail, l.address FROM audit_log l"
        " LEFT JOIN community c ON c.code = l.area LEFT JOIN street cs ON cs.code = c.street_code"
        " LEFT JOIN street s ON s.code = l.area LEFT JOIN district d ON d.code = l.area"
        " WHERE (CAST(:a AS text) IS NULL OR l.action = :a) AND (CAST(:u AS text) IS NULL OR l.username = :u)"
        " AND (CAST(:s AS timestamptz) IS NULL OR l.at >= :s) ORDER BY l.at DESC, l.id DESC LIMIT :n"),
        {"a": action, "u": username, "s": since, "n": max(1, min(limit, MOST_ROWS))}).mappings()]
