"""Coverage of proxy applications: the list's reconciliation, the application rate (applied ÷ needing) by
community and street, the daily progress, computed from the list (proxy_person) at read time: a hundred
thousand rows at full scale, one pass."""

from __future__ import annotations

from sqlalchemy import Connection, text

from domain.divisions import Scope
from domain.proxy import FOLLOW_UP_DAYS, NOT_NEEDING, rate

# Each listed person's counts, the same for every grouping below.
_COUNTS = """
  count(pp.id_number) AS listed,
  count(*) FILTER (WHERE pp.on_city_list AND pp.on_register) AS both_lists,
  count(*) FILTER (WHERE pp.on_city_list AND NOT pp.on_register) AS city_only,
  count(*) FILTER (WHERE pp.on_register AND NOT pp.on_city_list) AS register_only,
  count(*) FILTER (WHERE pp.id_number IS NOT NULL AND coalesce(pp.outcome, '') <> ALL (:nn)) AS needing,
  count(*) FILTER (WHERE pp.outcome = 'applied') AS applied,
  count(*) FILTER (WHERE pp.card_number IS NOT NULL) AS cards,
  count(*) FILTER (WHERE pp.id_number IS NOT NULL AND coalesce(pp.outcome, '') <> ALL (:nn)
                   AND pp.outcome IS DISTINCT FROM 'applied'
                   AND coalesce(pp.last_contact_at, pp.listed_at) < now() - make_interval(days => :days)) AS overdue
"""


def _with_rate(rows) -> list[dict]:
    return [{**r, "rate": rate(r["applied"], r["needing"])} for r in rows]


def _params(scope: Scope) -> dict:
    return {"prefix": scope.prefix + "%", "nn": list(NOT_NEEDING), "days": FOLLOW_UP_DAYS}


def coverage_totals(conn: Connection, scope: Scope) -> dict:
    row = conn.execute(text(f"SELECT {_COUNTS} FROM proxy_person pp WHERE pp.community_code LIKE :prefix"),
                       _params(scope)).mappings().one()
    return _with_rate([row])[0]


# The list counted once per community (one pass over the area's rows, materialised), then joined to the
# communities and rolled up to the streets: joined row by row, the planner (one community expected) scanned
# the list again for every street, 2.3 s for the district at full scale.
_COLUMNS = ("listed", "both_lists", "city_only", "register_only", "needing", "applied", "cards", "overdue")
_PER_COMMUNITY = f"""per AS MATERIALIZED (
  SELECT pp.community_code, {_COUNTS} FROM proxy_person pp WHERE pp.community_code LIKE :prefix
  GROUP BY pp.community_code)"""


def coverage_by_community(conn: Connection, scope: Scope) -> list[dict]:
    """Every community of the area (none listed: rate None), with its street."""
    counts = ", ".join(f"coalesce(per.{k}, 0) AS {k}" for k in _COLUMNS)
    return _with_rate(conn.execute(text(f"""
        WITH {_PER_COMMUNITY}
        SELECT c.code, c.name, s.name AS street, {counts}
        FROM community c JOIN street s ON s.code = c.street_code LEFT JOIN per ON per.community_code = c.code
        WHERE c.code LIKE :prefix ORDER BY c.code"""), _params(scope)).mappings())


def coverage_by_street(conn: Connection, scope: Scope) -> list[dict]:
    counts = ", ".join(f"coalesce(sum(per.{k}), 0)::bigint AS {k}" for k in _COLUMNS)
    return _with_rate(conn.execute(text(f"""
        WITH {_PER_COMMUNITY}
        SELECT s.code, s.name, {counts}
        FROM street s JOIN community c ON c.street_code = s.code LEFT JOIN per ON per.community_code = c.code
        WHERE c.code LIKE :prefix GROUP BY s.code, s.name ORDER BY s.code"""), _params(scope)).mappings())


def daily_progress(conn: Connection, scope: Scope) -> list[dict]:
    """Per day (Beijing) since the first application: applied that day and in all, of those needing today."""
    return [dict(r) for r in conn.execute(text("""
        WITH days AS (
          SELECT (applied_at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*) AS applied
          FROM proxy_person WHERE community_code LIKE :prefix AND outcome = 'applied' GROUP BY 1)
        SELECT day, applied, sum(applied) OVER (ORDER BY day) AS total FROM days ORDER BY day"""),
        _params(scope)).mappings()]
