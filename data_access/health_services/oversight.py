"""Oversight of appeals: received, reviewed (decided), converted, rejected, open; the review rate; median
and 95th-percentile hours from submission to decision; requests open past the deadline. For the area,
its streets and its communities, ranked by overdue then open."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text

from data_access.masking import mask_id_number
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


def open_by_community(conn: Connection, scope: Scope) -> list[dict]:
    """Every community of the area with its open requests (open or in review; none: 0), for the map."""
    return [dict(r) for r in conn.execute(text("""
        SELECT c.code, c.name, s.name AS street, count(a.id) AS open
        FROM community c JOIN street s ON s.code = c.street_code
        LEFT JOIN appeal a ON a.community_code = c.code AND a.status IN ('open', 'review')
        WHERE c.code LIKE :p GROUP BY c.code, c.name, s.name ORDER BY c.code"""),
        {"p": scope.prefix + "%"}).mappings()]


def decisions_of_day(conn: Connection, scope: Scope, day: date) -> list[dict]:
    """The requests of the area decided on a day (Beijing), in order: who decided is the last tier's reviewer.
    The ID number comes masked: the list goes to the city platform, which has the request number."""
    rows = conn.execute(text("""
        SELECT a.id, coalesce(a.external_ref, '') AS external_ref, a.id_number, p.name, c.name AS community,
               a.current_colour, a.requested_colour, a.status, a.decided_at, r.reviewer AS decided_by
        FROM appeal a JOIN person p USING (id_number) JOIN community c ON c.code = a.community_code
        LEFT JOIN LATERAL (SELECT reviewer FROM appeal_review WHERE appeal_id = a.id
                           ORDER BY reviewed_at DESC, id DESC LIMIT 1) r ON true
        WHERE a.community_code LIKE :p AND a.status IN ('converted', 'rejected')
          AND a.decided_at >= (:day)::timestamp AT TIME ZONE 'Asia/Shanghai'
          AND a.decided_at < ((:day)::timestamp + interval '1 day') AT TIME ZONE 'Asia/Shanghai'
        ORDER BY a.decided_at, a.id"""), {"p": scope.prefix + "%", "day": day}).mappings()
    return [{**r, "id_number": mask_id_number(r["id_number"])} for r in rows]
