"""Oversight of appeals: received, reviewed (decided), converted, rejected, open; the review rate; median
and 95th-percentile hours from submission to decision; requests open past the deadline. For the area,
its streets and its communities, ranked by overdue then open."""

from __future__ import annotations

from sqlalchemy import Connection, text

from domain.divisions import Scope

_MEASURES = """
  count(*) AS received,
  count(*) FILTER (WHERE a.status IN ('converted', 'rejected')) AS reviewed,
  count(*) FILTER (WHERE a.status = 'converted') AS converted,
  count(*) FILTER (WHERE a.status = 'rejected') AS rejected,
  count(*) FILTER (WHERE a.status IN ('open', 'review')) AS open,
  count(*) FILTER (WHERE a.status IN ('open', 'review')
                   AND now() - a.submitted_at > make_interval(hours => :deadline)) AS overdue,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.decided_at - a.submitted_at) / 3600)
    FILTER (WHERE a.decided_at IS NOT NULL) AS median_hours,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM a.decided_at - a.submitted_at) / 3600)
    FILTER (WHERE a.decided_at IS NOT NULL) AS p95_hours"""


def _with_rate(row: dict) -> dict:
    row = dict(row)
    row["review_rate"] = row["reviewed"] / row["received"] if row["received"] else None
    return row


def appeal_totals(conn: Connection, scope: Scope, deadline_hours: int) -> dict:
    return _with_rate(conn.execute(text(f"SELECT {_MEASURES} FROM appeal a WHERE a.community_code LIKE :p"),
                                   {"p": scope.prefix + "%", "deadline": deadline_hours}).mappings().one())


def appeals_by_street(conn: Connection, scope: Scope, deadline_hours: int) -> list[dict]:
    rows = conn.execute(text(f"""
        SELECT s.code, s.name, {_MEASURES} FROM appeal a JOIN community c ON c.code = a.community_code
        JOIN street s ON s.code = c.street_code WHERE a.community_code LIKE :p
        GROUP BY s.code, s.name ORDER BY overdue DESC, open DESC, s.code"""),
        {"p": scope.prefix + "%", "deadline": deadline_hours}).mappings()
    return [_with_rate(r) for r in rows]


def appeals_by_community(conn: Connection, scope: Scope, deadline_hours: int) -> list[dict]:
    rows = conn.execute(text(f"""
        SELECT c.code, c.name, s.name AS street, {_MEASURES} FROM appeal a JOIN community c ON c.code = a.community_code
        JOIN street s ON s.code = c.street_code WHERE a.community_code LIKE :p
        GROUP BY c.code, c.name, s.name ORDER BY overdue DESC, open DESC, c.code"""),
        {"p": scope.prefix + "%", "deadline": deadline_hours}).mappings()
    return [_with_rate(r) for r in rows]
