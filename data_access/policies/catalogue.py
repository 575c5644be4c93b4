"""The policy catalogue: policies with their departments, pools and rules; defining one (district officials)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import Connection, text

from data_access.session import UnitOfWork
from domain.policies import check_rule

COLUMNS = """p.id, p.code, p.name, p.target, p.department_code, d.name AS department, p.amount_kind, p.amount,
    p.bands, p.amount_basis, p.fund_pool_id, p.opens, p.closes, p.materials, p.rule, p.exclusive_group,
    p.description"""


def policies(conn: Connection, target: str | None = None, open_on: date | None = None) -> list[dict]:
    """The catalogue (one target, or both; only the policies open on a day, if given), by target and name."""
    rows = conn.execute(text(f"""
        SELECT {COLUMNS}, f.budget, f.spent, f.remaining
        FROM policy p JOIN policy_department d ON d.code = p.department_code
        LEFT JOIN policy_fund_pool f ON f.id = p.fund_pool_id
        WHERE (CAST(:t AS text) IS NULL OR p.target = :t)
          AND (CAST(:d AS date) IS NULL OR (p.opens <= :d AND (p.closes IS NULL OR p.closes >= :d)))
        ORDER BY p.target DESC, p.id"""), {"t": target, "d": open_on}).mappings()
    return [dict(r) for r in rows]


def policy(conn: Connection, policy_id: int) -> dict | None:
    row = conn.execute(text(f"""SELECT {COLUMNS} FROM policy p JOIN policy_department d ON d.code = p.department_code
                                WHERE p.id = :i"""), {"i": policy_id}).mappings().first()
    return dict(row) if row else None


def departments(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(text("SELECT code, name FROM policy_department ORDER BY code")).mappings()]


def fund_pools(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(text(
        "SELECT id, name, budget, spent, remaining FROM policy_fund_pool ORDER BY id")).mappings()]


def define_policy(work: UnitOfWork, fields: dict) -> int:
    """A new policy with its own fund pool; PostgreSQL refuses it outside a district official's session."""
    check_rule(fields["rule"], fields["target"])
    conn = work.conn
    pool = conn.execute(text("INSERT INTO policy_fund_pool (name, budget) VALUES (:n, :b) RETURNING id"),
                        {"n": fields["name"] + "资金池", "b": fields["budget"]}).scalar_one()
    policy_id = conn.execute(text("""
        INSERT INTO policy (code, name, target, department_code, amount_kind, amount, fund_pool_id, opens, closes,
                            materials, rule, exclusive_group, description, created_by)
        VALUES (:code, :name, :target, :department, 'fixed', :amount, :pool, :opens, :closes, :materials,
                CAST(:rule AS jsonb), :group, :description, :by)
        RETURNING id"""), {**fields, "pool": pool, "rule": json.dumps(fields["rule"], ensure_ascii=False),
                           "materials": fields.get("materials", []), "group": fields.get("exclusive_group"),
                           "closes": fields.get("closes"), "description": fields.get("description"),
                           "by": work.actor.username}).scalar_one()
    work.audit("policy_defined", None, {"policy": policy_id, "name": fields["name"]})
    return policy_id
