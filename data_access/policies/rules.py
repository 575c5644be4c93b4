"""An eligibility rule (domain.policies) compiled to one set-based SQL condition over the register and its side
tables, and the lists it gives: who is eligible and has neither applied nor been paid (the 直达 list), and the
applicants the data says are not eligible, with the first condition they fail.

Attribute expressions are fixed SQL per attribute; every value is a bound parameter.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text

from domain import clock
from domain.policies import ATTRIBUTES, ENTERPRISE, LIST_ATTRIBUTE, PERSON, as_condition, check_rule, top_conditions

BIRTH = "substr(p.id_number, 7, 8)"  # YYYYMMDD: ages compare as text against a birthday bound
EXPRESSIONS = {
    "sex": "CASE WHEN substr(p.id_number, 17, 1)::int % 2 = 1 THEN 'male' ELSE 'female' END",
    "residence_type": "p.residence_type",
    "household_size": "a.household_size",
    "income_per_head": "a.income_per_head",
    "disabled": "coalesce(a.disabled, false)",
    "disability_grade": "a.disability_grade",
    "veteran": "coalesce(a.veteran, false)",
    "retired_enterprise": "coalesce(a.retired_enterprise, false)",
    "unemployed": "coalesce(a.unemployed, false)",
    # On a department's list as last received (data_access.policies.namelists keeps them).
    **{attr: f"EXISTS (SELECT 1 FROM policy_name_list l WHERE l.id_number = p.id_number AND l.list = '{name}')"
       for name, attr in LIST_ATTRIBUTE.items()},
    "industry": "e.industry",
    "staff": "coalesce(ea.staff, 0)",
    "talents": "coalesce(ea.talents, 0)",
    "revenue": "coalesce(ea.revenue, 0)",
    "certifications": "coalesce(ea.certifications, '{}')",
}
SQL_OPS = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
FROM = {
    PERSON: "person p LEFT JOIN person_attribute a ON a.id_number = p.id_number",
    ENTERPRISE: "enterprise e LEFT JOIN enterprise_attribute ea ON ea.credit_code = e.credit_code",
}
KEY = {PERSON: "p.id_number", ENTERPRISE: "e.credit_code"}
NAME = {PERSON: "p.name", ENTERPRISE: "e.name"}
AREA = {PERSON: "p.community_code", ENTERPRISE: "e.community_code"}


def no_jit(conn: Connection) -> None:
    """A rule's query is one scan of the register joined by hash to its side table. The area's row-level
    security hides the row counts from the planner (it guesses a few dozen rows and loops over the side table
    for each, or walks the area's million index entries to the heap one by one), and compiling the scan (JIT)
    costs more than running it: all three off for this transaction (a bitmap scan reads the heap in order;
    at 1.05 million residents one rule's count went from 2.4 s to 1.0 s)."""
    conn.execute(text("SET LOCAL jit = off"))
    conn.execute(text("SET LOCAL enable_nestloop = off"))
    conn.execute(text("SET LOCAL enable_indexscan = off"))


def in_area(target: str, scope: str) -> tuple[str, dict]:
    """The area as a range of community codes as well as a prefix: the range is an index condition, so rows
    outside the area are never read (the person register's row-level security would test each of them)."""
    column = AREA[target]
    high = scope[:-1] + chr(ord(scope[-1]) + 1)
    return (f"{column} >= :area_low AND {column} < :area_high AND {column} LIKE :scope || '%'",
            {"area_low": scope, "area_high": high, "scope": scope})


class Compiled:
    """A rule's SQL text and its parameters (named r0, r1, ...)."""

    def __init__(self, rule: dict, target: str, today: date | None = None) -> None:
        check_rule(rule, target)
        self.params: dict[str, object] = {}
        self.today = today or clock.today()
        self.sql = self._part(rule)

    def _param(self, value: object) -> str:
        name = f"r{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def _part(self, rule: dict) -> str:
        if "all" in rule or "any" in rule:
            joiner = " AND " if "all" in rule else " OR "
            return "(" + joiner.join(self._part(r) for r in rule.get("all", rule.get("any"))) + ")"
        if "not" in rule:
            return f"(NOT coalesce({self._part(rule['not'])}, false))"
        c = as_condition(rule)
        if c.attr == "age":
            return self._age(c.op, c.value)
        expr = EXPRESSIONS[c.attr]
        kind = ATTRIBUTES[c.attr][1]
        if c.op == "between":
            return f"({expr} BETWEEN {self._param(c.value[0])} AND {self._param(c.value[1])})"
        if c.op == "in":
            return f"({expr} = ANY({self._param(list(c.value))}))"
        if c.op == "has":
            return f"({self._param(c.value)} = ANY({expr}))"
        if kind == "flag":
            return f"({expr} = {self._param(c.value)})"
        return f"({expr} {SQL_OPS[c.op]} {self._param(c.value)})"

    def _born_by(self, years: float) -> str:
        """The latest birthday (as YYYYMMDD) of someone at least `years` old today."""
        whole = int(years)
        try:
            day = self.today.replace(year=self.today.year - whole)
        except ValueError:  # 29 February
            day = self.today.replace(year=self.today.year - whole, day=28)
        return f"{day:%Y%m%d}"

    def _age(self, op: str, value) -> str:
        def at_least(n):  # age >= n
            return f"({BIRTH} <= {self._param(self._born_by(n))})"

        def below(n):  # age < n
            return f"({BIRTH} > {self._param(self._born_by(n))})"

        n = value
        return {">=": lambda: at_least(n), ">": lambda: at_least(int(n) + 1), "<": lambda: below(n),
                "<=": lambda: below(int(n) + 1), "=": lambda: f"({at_least(n)} AND {below(int(n) + 1)})",
                "!=": lambda: f"({below(n)} OR {at_least(int(n) + 1)})",
                "between": lambda: f"({at_least(n[0])} AND {below(int(n[1]) + 1)})"}[op]()


def eligible_unreached(conn: Connection, policy: dict, scope: str, limit: int | None = 500) -> list[dict]:
    """The people or enterprises of the area the rule finds, who have no open application for the policy and
    no payment from it (the 直达 list); at most `limit` rows, by community."""
    target = policy["target"]
    rule = Compiled(policy["rule"], target)
    area, bounds = in_area(target, scope)
    sql = f"""
        SELECT {KEY[target]} AS key, {NAME[target]} AS name, {AREA[target]} AS community_code
        FROM {FROM[target]}
        WHERE {area} AND coalesce({rule.sql}, false)
          AND NOT EXISTS (SELECT 1 FROM policy_application x WHERE x.policy_id = :pid
                          AND coalesce(x.id_number, x.credit_code) = {KEY[target]} AND x.state <> 'rejected')
          AND NOT EXISTS (SELECT 1 FROM policy_payment y WHERE y.policy_id = :pid
                          AND y.beneficiary = {KEY[target]} AND y.status <> 'failed')
        ORDER BY {AREA[target]}, {KEY[target]}""" + (" LIMIT :limit" if limit else "")
    params = {**rule.params, **bounds, "pid": policy["id"], "limit": limit}
    no_jit(conn)
    return [dict(r) for r in conn.execute(text(sql), params).mappings()]


def eligible_counts(conn: Connection, policy: dict, scope: str) -> dict:
    """How many of the area the rule finds, and how many of them have neither applied nor been paid."""
    target = policy["target"]
    rule = Compiled(policy["rule"], target)
    area, bounds = in_area(target, scope)
    sql = f"""
        SELECT count(*) AS eligible,
               count(*) FILTER (WHERE NOT EXISTS (
                   SELECT 1 FROM policy_application x WHERE x.policy_id = :pid
                     AND coalesce(x.id_number, x.credit_code) = {KEY[target]} AND x.state <> 'rejected')
                 AND NOT EXISTS (SELECT 1 FROM policy_payment y WHERE y.policy_id = :pid
                     AND y.beneficiary = {KEY[target]} AND y.status <> 'failed')) AS unreached
        FROM {FROM[target]}
        WHERE {area} AND coalesce({rule.sql}, false)"""
    no_jit(conn)
    return dict(conn.execute(text(sql), {**rule.params, **bounds, "pid": policy["id"]}).mappings().one())


def ineligible_applicants(conn: Connection, policy: dict, scope: str) -> list[dict]:
    """Open applications of the area whose applicant the rule does not find, with the index of the first
    top-level condition they fail (domain.policies.top_conditions)."""
    target = policy["target"]
    parts = top_conditions(policy["rule"])
    compiled = Compiled({"all": parts}, target)
    params = dict(compiled.params)
    checks = []
    for i, part in enumerate(parts):
        one = Compiled(part, target)
        renamed = one.sql
        for name in sorted(one.params, key=len, reverse=True):
            renamed = renamed.replace(f":{name}", f":f{i}_{name}")
            params[f"f{i}_{name}"] = one.params[name]
        checks.append(f"WHEN NOT coalesce({renamed}, false) THEN {i}")
    join = "x.id_number = p.id_number" if target == PERSON else "x.credit_code = e.credit_code"
    sql = f"""
        SELECT x.id, x.ref, x.state, {KEY[target]} AS key, {NAME[target]} AS name, x.community_code,
               CASE {' '.join(checks)} END AS failing
        FROM policy_application x JOIN {FROM[target]} ON {join}
        WHERE x.policy_id = :pid AND x.state NOT IN ('rejected', 'paid')
          AND x.community_code LIKE :scope || '%' AND NOT coalesce({compiled.sql}, false)
        ORDER BY x.id"""
    no_jit(conn)
    return [dict(r) for r in conn.execute(text(sql), {**params, "scope": scope, "pid": policy["id"]}).mappings()]
