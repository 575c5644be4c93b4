"""Oversight of the policies: per policy eligible, applied, approved, paid (count and yuan) and the median days
from application to payment; reach per community (paid ÷ eligible); enterprise money per street; ratings per
department and policy; the leader's overview (policies online, yuan paid, people and enterprises reached).

Eligibility of every person policy is counted in one scan of the register (one FILTER per policy)."""

from __future__ import annotations

from sqlalchemy import Connection, text

from data_access.policies.rules import AREA, FROM, LIVING, Compiled, in_area, needs_row, no_jit
from domain import clock


def settle(conn: Connection) -> None:
    """For the oversight's transaction: its sorts and hashes (a register's million rows, a few hundred thousand
    payment lines) in memory rather than on disk."""
    conn.execute(text("SET LOCAL work_mem = '64MB'"))


def eligible_by_community(conn: Connection, policies: list[dict], scope: str) -> list[dict]:
    """(community_code, policy_id, eligible) for every policy, one scan of each register."""
    out = []
    no_jit(conn)
    # Row-level security hides the register's size from the planner, which then sorts a million rows on disk
    # to group them by community: grouped by hash in memory instead (99 communities), for this query only.
    settle(conn)
    conn.execute(text("SET LOCAL enable_sort = off"))
    for target in ("person", "enterprise"):
        chosen = [p for p in policies if p["target"] == target]
        if not chosen:
            continue
        area, params = in_area(target, scope)
        columns = []
        for n, policy in enumerate(chosen):
            rule = Compiled(policy["rule"], target)
            sql = rule.sql
            for name in sorted(rule.params, key=len, reverse=True):
                sql = sql.replace(f":{name}", f":q{n}_{name}")
                params[f"q{n}_{name}"] = rule.params[name]
            # A rule that needs a side-table row is not evaluated for the many people without one.
            first = "a.id_number IS NOT NULL AND " if target == "person" and needs_row(policy["rule"]) else ""
            columns.append(f"count(*) FILTER (WHERE {first}coalesce({sql}, false)) AS c{n}")
        rows = conn.execute(text(f"""
            SELECT {AREA[target]} AS community_code, {', '.join(columns)} FROM {FROM[target]}
            WHERE {area} AND {LIVING[target]} GROUP BY 1"""), params).mappings()
        for row in rows:
            out.extend({"community_code": row["community_code"], "policy_id": p["id"], "eligible": row[f"c{n}"]}
                       for n, p in enumerate(chosen))
    conn.execute(text("SET LOCAL enable_sort = on"))
    return out


def policy_figures(conn: Connection, scope: str) -> list[dict]:
    """Per policy: applied, approved, paid beneficiaries and yuan, median days from application to payment."""
    rows = conn.execute(text("""
        WITH apps AS (
          SELECT policy_id, count(*) AS applied,
                 count(*) FILTER (WHERE state IN ('approved', 'paid')) AS approved,
                 count(*) FILTER (WHERE state = 'rejected') AS rejected
          FROM policy_application WHERE community_code LIKE :scope || '%' GROUP BY policy_id),
        paid AS (
          SELECT policy_id, count(DISTINCT beneficiary) AS paid, sum(amount) AS yuan
          FROM policy_payment WHERE status = 'paid' AND community_code LIKE :scope || '%' GROUP BY policy_id),
        days AS (
          SELECT a.policy_id,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM y.paid_at - a.filed_at) / 86400)
                   AS median_days
          FROM policy_application a JOIN policy_payment y ON y.application_id = a.id AND y.status = 'paid'
          WHERE a.community_code LIKE :scope || '%' GROUP BY a.policy_id)
        SELECT p.id, p.name, p.target, d.name AS department, coalesce(apps.applied, 0) AS applied,
               coalesce(apps.approved, 0) AS approved, coalesce(apps.rejected, 0) AS rejected,
               coalesce(paid.paid, 0) AS paid, coalesce(paid.yuan, 0) AS yuan, round(days.median_days::numeric, 1)
               AS median_days
        FROM policy p JOIN policy_department d ON d.code = p.department_code
        LEFT JOIN apps ON apps.policy_id = p.id LEFT JOIN paid ON paid.policy_id = p.id
        LEFT JOIN days ON days.policy_id = p.id
        ORDER BY p.target DESC, p.id"""), {"scope": scope}).mappings()
    return [dict(r) for r in rows]


def paid_by_community(conn: Connection, scope: str) -> dict[str, int]:
    """Paid (policy, person) pairs per community: the numerator of reach."""
    rows = conn.execute(text("""
        SELECT community_code, count(*) FROM (
          SELECT DISTINCT community_code, policy_id, beneficiary FROM policy_payment
          WHERE status = 'paid' AND target = 'person' AND community_code LIKE :scope || '%') d
        GROUP BY 1"""), {"scope": scope}).all()
    return dict(rows)


def enterprise_money_by_street(conn: Connection, scope: str) -> list[dict]:
    rows = conn.execute(text("""
        SELECT s.code, s.name, coalesce(sum(y.amount), 0) AS yuan, count(DISTINCT y.beneficiary) AS enterprises
        FROM street s LEFT JOIN policy_payment y ON left(y.community_code, 9) || '000' = s.code
             AND y.status = 'paid' AND y.target = 'enterprise'
        WHERE s.code LIKE left(:scope, 9) || '%' OR :scope LIKE left(s.code, 9) || '%'
        GROUP BY s.code, s.name ORDER BY yuan DESC"""), {"scope": scope}).mappings()
    return [dict(r) for r in rows]


def ratings(conn: Connection, scope: str) -> list[dict]:
    """Average rating and count per department and policy."""
    rows = conn.execute(text("""
        SELECT d.name AS department, p.name AS policy, count(*) AS ratings, round(avg(r.score), 2) AS average,
               count(*) FILTER (WHERE r.score <= 2) AS low
        FROM policy_rating r JOIN policy p ON p.id = r.policy_id JOIN policy_department d ON d.code = r.department_code
        WHERE r.community_code LIKE :scope || '%'
        GROUP BY d.name, p.name ORDER BY d.name, p.name"""), {"scope": scope}).mappings()
    return [dict(r) for r in rows]


def overview(conn: Connection, scope: str) -> dict:
    """The leader's sentences: per target, policies online today, yuan paid, beneficiaries reached."""
    rows = conn.execute(text("""
        WITH online AS (SELECT target, count(*) AS policies FROM policy
                        WHERE opens <= :today AND (closes IS NULL OR closes >= :today) GROUP BY target),
             paid AS (SELECT target, sum(amount) AS yuan, count(DISTINCT beneficiary) AS reached
                      FROM policy_payment WHERE status = 'paid' AND community_code LIKE :scope || '%'
                      GROUP BY target)
        SELECT t.target, coalesce(o.policies, 0) AS policies, coalesce(p.yuan, 0) AS yuan,
               coalesce(p.reached, 0) AS reached
        FROM (VALUES ('person'), ('enterprise')) t(target)
        LEFT JOIN online o ON o.target = t.target LEFT JOIN paid p ON p.target = t.target"""),
        {"scope": scope, "today": clock.today()}).mappings()
    return {r["target"]: dict(r) for r in rows}


def community_shapes(conn: Connection, scope: str) -> list[dict]:
    """The area's communities with their street's name and display GeoJSON (for the map of reach)."""
    rows = conn.execute(text("""
        SELECT c.code, c.name, s.name AS street, c.geojson FROM community c JOIN street s ON s.code = c.street_code
        WHERE c.code LIKE :scope || '%' ORDER BY c.code"""), {"scope": scope}).mappings()
    return [dict(r) for r in rows]


def data_version(conn: Connection) -> str:
    """Changes whenever a figure of the oversight tab may (policy_data_version), and with the day."""
    return conn.execute(text("SELECT policy_data_version() || '/' || current_date")).scalar_one()


def community_names(conn: Connection, scope: str) -> dict[str, str]:
    return dict(conn.execute(text("SELECT code, name FROM community WHERE code LIKE :scope || '%'"),
                             {"scope": scope}).all())
