"""An eligibility rule (domain.policies) compiled to one set-based SQL condition over the register and its side
tables, and the lists it gives: who is eligible and has neither applied nor been paid (the 直达 list), and the
applicants the data says are not eligible, with the first condition they fail.

Attribute expressions are fixed SQL per attribute; every value is a bound parameter.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text

from domain import clock
from domain.divisions import prefix_bounds
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
    low, high = prefix_bounds(scope)
    return (f"{column} >= :area_low AND {column} < :area_high AND {column} LIKE :scope || '%'",
            {"area_low": low, "area_high": high, "scope": scope})


class Compiled:
    """A rule's SQL text and its parameters (named r0, r1, ...)."""

    def __init__(self, rule: dict, target: str, today: date | None = None, prefix: str = "r") -> None:
        check_rule(rule, target)
        self.params: dict[str, object] = {}
        self.today = today or clock.today()
        self.prefix = prefix
        self.sql = self._part(rule)

    def _param(self, value: object) -> str:
        name = f"{self.prefix}{len(self.params)}"
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


# person_attribute's columns: a person without a row has none of them (NULL, or false where coalesced).
SIDE = frozenset(("household_size", "income_per_head", "disabled", "disability_grade", "veteran",
                  "retired_enterprise", "unemployed"))
LIVING = {PERSON: "a.deceased_on IS NULL", ENTERPRISE: "true"}  # the dead are never found
# The same without the side table's join (the few deaths: person_attribute_deceased_idx).
DEAD_AWAY = ("NOT EXISTS (SELECT 1 FROM person_attribute d WHERE d.id_number = p.id_number"
             " AND d.deceased_on IS NOT NULL)")


def needs_row(rule: dict) -> bool:
    """Whether the rule finds no one without a person_attribute row: a number of the side table compares
    NULL (not found), a flag of it is false. Conservative: a "not" says no."""
    if "all" in rule:
        return any(needs_row(r) for r in rule["all"])
    if "any" in rule:
        return all(needs_row(r) for r in rule["any"])
    if "not" in rule:
        return False
    c = as_condition(rule)
    if c.attr not in SIDE:
        return False
    return c.value is True if ATTRIBUTES[c.attr][1] == "flag" else True


def side_attributes(rule: dict) -> bool:
    """Whether the rule reads person_attribute at all."""
    if "all" in rule or "any" in rule:
        return any(side_attributes(r) for r in rule.get("all", rule.get("any")))
    if "not" in rule:
        return side_attributes(rule["not"])
    return as_condition(rule).attr in SIDE


def conditions(rule: dict, target: str) -> tuple[str, dict]:
    """The rule as separate conjuncts of a WHERE, one per term of a top-level "all" (a term that is NULL leaves
    the row out, as the whole rule's coalesce would), so the planner applies each term to the table it reads
    before any join (and a side table's condition makes its join an inner one)."""
    parts, params = [], {}
    for i, part in enumerate(top_conditions(rule)):
        compiled = Compiled(part, target, prefix=f"t{i}_")
        parts.append(compiled.sql)
        params.update(compiled.params)
    return " AND ".join(parts), params


def eligibility(conn: Connection, policy: dict, scope: str, limit: int | None = 500) -> tuple[dict, list[dict]]:
    """How many of the area the rule finds and how many of them have neither applied nor been paid, and the
    first `limit` of those (the 直达 list, by community; None: all), from one pass over the register.

    A person rule that needs a side-table row reads the side table first and looks the few people it finds
    up in the register by key, instead of reading the whole register (a million rows)."""
    target = policy["target"]
    where, params = conditions(policy["rule"], target)
    area, bounds = in_area(target, scope)
    by_side = target == PERSON and needs_row(policy["rule"])
    source, living = FROM[target], LIVING[target]
    if by_side:
        source = "person_attribute a JOIN person p ON p.id_number = a.id_number"
    elif target == PERSON and not side_attributes(policy["rule"]):  # age, sex, lists: the register alone
        source, living = "person p", DEAD_AWAY
    sql = f"""
        WITH found AS MATERIALIZED (
          SELECT {KEY[target]} AS key, {NAME[target]} AS name, {AREA[target]} AS community_code
          FROM {source} WHERE {area} AND {living} AND {where}),
        taken AS (
          SELECT coalesce(x.id_number, x.credit_code) AS key FROM policy_application x
          WHERE x.policy_id = :pid AND x.state <> 'rejected'
          UNION SELECT y.beneficiary FROM policy_payment y WHERE y.policy_id = :pid AND y.status <> 'failed'),
        marked AS MATERIALIZED (
          SELECT f.*, t.key IS NULL AS unreached FROM found f LEFT JOIN taken t ON t.key = f.key)
        SELECT c.eligible, c.unreached, l.key, l.name, l.community_code
        FROM (SELECT count(*) AS eligible, count(*) FILTER (WHERE unreached) AS unreached FROM marked) c
        LEFT JOIN LATERAL (SELECT key, name, community_code FROM marked WHERE unreached
                           ORDER BY community_code, key LIMIT :limit) l ON true"""
    conn.execute(text("SET LOCAL jit = off"))
    conn.execute(text("SET LOCAL work_mem = '64MB'"))  # the found set (up to a register's share) stays in memory
    if not by_side:  # the whole register: hash joins over a bitmap scan (see no_jit)
        no_jit(conn)
    rows = conn.execute(text(sql), {**params, **bounds, "pid": policy["id"], "limit": limit}).mappings().all()
    counts = {"eligible": rows[0]["eligible"], "unreached": rows[0]["unreached"]}
    listed = [{"key": r["key"], "name": r["name"], "community_code": r["community_code"]}
              for r in rows if r["key"] is not None]
    return counts, listed


def eligible_unreached(conn: Connection, policy: dict, scope: str, limit: int | None = 500) -> list[dict]:
    """The people or enterprises of the area the rule finds, who have no open application for the policy and
    no payment from it (the 直达 list); at most `limit` rows, by community."""
    return eligibility(conn, policy, scope, limit)[1]


def eligible_counts(conn: Connection, policy: dict, scope: str) -> dict:
    """How many of the area the rule finds, and how many of them have neither applied nor been paid."""
    return eligibility(conn, policy, scope, 0)[0]


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
