"""The import history an operator sees: runs of their area, newest first, and one run's errors."""

from __future__ import annotations

from sqlalchemy import Connection, text

from domain.divisions import Scope


def recent_runs(conn: Connection, scope: Scope, limit: int = 20) -> list[dict]:
    return [dict(r) for r in conn.execute(text("""
        SELECT id, finished_at, username, kind, file_name, left(file_sha256, 12) AS sha, rows_read, rows_written,
               rows_skipped, result, message, error_count
        FROM import_run WHERE org_code LIKE :prefix ORDER BY finished_at DESC, id DESC LIMIT :limit"""),
        {"prefix": scope.prefix + "%", "limit": limit}).mappings()]


def run_errors(conn: Connection, run_id: int) -> tuple[str, str, list[dict]] | None:
    """(org code, file name, errors) of a run, or None."""
    row = conn.execute(text("SELECT org_code, file_name, errors FROM import_run WHERE id = :i"),
                       {"i": run_id}).first()
    return (row[0], row[1], row[2]) if row else None
