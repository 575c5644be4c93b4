"""Warnings followed to the end: the open warnings of an area, their counts and ages per street, and the
steps a community worker records (PostgreSQL checks each against the recorder's area and rights)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from domain.divisions import Scope
from domain.warnings import Step


class StepRefused(ValueError):
    """The enterprise is not in the recorder's area, or the step does not fit its warning now."""


OPEN_WARNINGS = text("""
    SELECT w.credit_code, e.name, w.community_code, c.name AS community_name, s.name AS street_name, w.stage,
           w.employees_red, w.warned_since, w.notified_at, w.method, w.recipient, w.note, w.recorded_by
    FROM enterprise_warning_state w
    JOIN enterprise e ON e.credit_code = w.credit_code
    JOIN community c ON c.code = w.community_code
    JOIN street s ON s.code = c.street_code
    WHERE w.community_code LIKE :prefix
    ORDER BY array_position(ARRAY['unnotified', 'notified', 'awaiting_reopening'], w.stage),
             w.warned_since NULLS LAST, w.credit_code""")

STREET_SUMMARY = text("""
    SELECT s.code, s.name,
           count(w.credit_code)::int AS open,
           count(*) FILTER (WHERE w.stage = 'unnotified')::int AS unnotified,
           count(*) FILTER (WHERE w.stage = 'notified')::int AS notified,
           count(*) FILTER (WHERE w.stage = 'awaiting_reopening')::int AS awaiting_reopening,
           floor(extract(epoch FROM :now - min(w.warned_since) FILTER (WHERE w.stage = 'unnotified'))
                 / 86400)::int AS oldest_unnotified_days,
           round((extract(epoch FROM avg(:now - w.warned_since)) / 86400)::numeric, 1)::float AS mean_age_days
    FROM street s
    JOIN community c ON c.street_code = s.code
    LEFT JOIN enterprise_warning_state w ON w.community_code = c.code
    WHERE c.code LIKE :prefix
    GROUP BY s.code, s.name
    ORDER BY s.code""")

RECORD = text("""
    INSERT INTO warning_step (community_code, credit_code, step, happened_at, method, recipient, note, recorded_by)
    SELECT e.community_code, e.credit_code, :step, :happened_at, :method, :recipient, :note, :recorded_by
    FROM enterprise e WHERE e.credit_code = :credit_code AND e.community_code LIKE :prefix
    RETURNING community_code, id""")


def open_warnings(conn: Connection, scope: Scope) -> list[dict]:
    """Every open warning of the area: not yet given first, then the oldest."""
    return [dict(r) for r in conn.execute(OPEN_WARNINGS, {"prefix": scope.prefix + "%"}).mappings()]


def street_summary(conn: Connection, scope: Scope, now: datetime) -> list[dict]:
    """Per street of the area: open warnings by stage, the oldest not yet given and the mean age, in days."""
    return [dict(r) for r in conn.execute(STREET_SUMMARY, {"prefix": scope.prefix + "%", "now": now}).mappings()]


def record_step(conn: Connection, scope: Scope, step: Step, recorded_by: str) -> str:
    """Record one step of an enterprise's warning; returns the enterprise's community code.

    StepRefused when the enterprise is not in the area or the step does not fit (checked by PostgreSQL too).
    """
    params = {"step": step.step, "happened_at": step.happened_at, "method": step.method,
              "recipient": step.recipient, "note": step.note, "recorded_by": recorded_by,
              "credit_code": step.credit_code, "prefix": scope.prefix + "%"}
    try:
        row = conn.execute(RECORD, params).first()
    except IntegrityError as exc:  # the database's check (check_warning_step): the step does not fit
        raise StepRefused(str(exc.orig).splitlines()[0]) from exc
    if row is None:
        raise StepRefused(step.credit_code)
    return row.community_code
