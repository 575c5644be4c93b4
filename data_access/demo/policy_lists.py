"""Demo name lists from other departments (民政低保/低边名册, 人社企退人员名单, 残联名单), one of each, loaded through
the import kinds' own steps (checked, staged, reviewed, merged, recorded in the import history as the data
operator's), each with the faults such lists really have so its report shows every one: ID numbers the register
does not know, a person who has died, one who has moved out of the district, a person listed twice, a name that
is not the register's, and (the civil roll) a person on both the 低保 and the 低边 roll, which exclude each other.
And a deaths list (死亡人员名单) with its faults and a withdrawn wrong entry (load_demo_deaths).
Also: which policy each list stands for, and the civil affairs bureau's own official (civil.official).
"""

from __future__ import annotations

import csv
import io

import pandas as pd
from sqlalchemy import Connection, text

from data_access.importing.base import ImportRequest, ImportResult, RowError
from data_access.importing.load import insert_run
from data_access.importing.rows import check_rows
from data_access.importing.staging import stage_rows
from data_access.policies.deaths import DEATHS_LIST
from data_access.policies.namelists import CIVIL_ROLL, DISABLED_LIST, RETIREE_LIST
from domain import clock
from domain.divisions import Scope

DISTRICT = "330105000000"
# (list, category, policy code): what a list's rows stand for.
LIST_POLICIES = [("civil_roll", "低保", "dibao"), ("civil_roll", "低边", "dibian"),
                 ("retiree_list", "", "retiree_festival"), ("disabled_list", "", "disabled_living"),
                 ("disabled_list", "", "disabled_care")]
DEPARTMENT_MEMBERS = [("civil.official", "civil")]  # data_access/demo/users.py has the user
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
UNKNOWN_NAMES = ["周桂英", "钱建国", "吴秀兰"]


def unknown_id(n: int) -> str:
    """A valid ID number of a county the demo register never uses (so the register cannot know it)."""
    body = f"110102{1950 + n:04d}0{n % 9 + 1}1{n % 9 + 1}{n:03d}"  # county, birth date, serial
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def load_demo_name_lists(conn: Connection, seed: int) -> dict[str, int]:
    """The three lists (nothing if a list is already kept); returns the rows kept."""
    if conn.execute(text("SELECT EXISTS (SELECT 1 FROM policy_name_list)")).scalar():
        return {}
    for list_name, category, code in LIST_POLICIES:
        conn.execute(text("INSERT INTO policy_list_policy (list, category, policy_id)"
                          " SELECT :l, :c, id FROM policy WHERE code = :p"), {"l": list_name, "c": category, "p": code})
    conn.execute(text("INSERT INTO policy_department_member (username, department_code) VALUES (:u, :d)"
                      " ON CONFLICT DO NOTHING"), [{"u": u, "d": d} for u, d in DEPARTMENT_MEMBERS])
    s = str(seed)
    moved = [tuple(r) for r in conn.execute(text(
        "SELECT id_number, name FROM person WHERE community_code IS NULL ORDER BY md5(id_number || :s) LIMIT 3"),
        {"s": s})]
    pools = {
        "civil_roll": ("a.income_per_head < 1150", "低保"),
        "retiree_list": ("a.retired_enterprise", ""),
        "disabled_list": ("a.disabled", ""),
    }
    kept = 0
    for n, (kind, file_name) in enumerate([(CIVIL_ROLL, "民政低保低边名册.csv"), (RETIREE_LIST, "企退人员名单.csv"),
                                           (DISABLED_LIST, "残联名单.csv")]):
        where, category = pools[kind.name]
        members = [list(r) for r in conn.execute(text(f"""
            SELECT p.id_number, p.name, :cat FROM person p JOIN person_attribute a USING (id_number)
            WHERE {where} AND a.deceased_on IS NULL ORDER BY md5(p.id_number || :s) LIMIT 40"""),
            {"s": s + kind.name, "cat": category})]
        if kind is CIVIL_ROLL:  # the 低边 roll too, and one of the 低保 roll on it as well (they exclude each other)
            members += [list(r) for r in conn.execute(text("""
                SELECT p.id_number, p.name, '低边' FROM person p JOIN person_attribute a USING (id_number)
                WHERE a.income_per_head >= 1150 AND a.income_per_head < 1725 AND a.deceased_on IS NULL
                ORDER BY md5(p.id_number || :s) LIMIT 20"""), {"s": s})]
            members.append([members[1][0], members[1][1], "低边"])
        if len(members) < 4 or not moved:
            continue
        dead = members[2][0]
        conn.execute(text("UPDATE person_attribute SET deceased_on = :d WHERE id_number = :i"),
                     {"d": clock.today().replace(day=1), "i": dead})
        members.append(list(members[3]))  # listed twice
        members.append([*moved[n % len(moved)], category])
        members += [[unknown_id(10 * n + k), UNKNOWN_NAMES[k], category] for k in range(2)]
        if kind is RETIREE_LIST:
            members[5][1] = members[5][1][0] + "某某"  # a name the register does not have
        kept += _load(conn, kind, file_name, [{"id_number": m[0], "name": m[1], "category": m[2]} for m in members])
    return {"policy_name_list": kept}


def load_demo_deaths(conn: Connection, seed: int) -> dict[str, int]:
    """One deaths list (民政死亡人员名单) in the import history, unless one is there: three deaths, one of a person
    whose re-queued payment is then held, a withdrawal of an earlier wrong entry, and the faults such lists have
    (an ID number the register does not know, a name that is not the register's, a person listed twice, a
    序号 used twice)."""
    if conn.execute(text("SELECT EXISTS (SELECT 1 FROM import_run WHERE kind = 'deaths_list')")).scalar():
        return {}
    s = str(seed)
    paid_for = conn.execute(text("""
        SELECT p.id_number, p.name FROM policy_payment y JOIN person p USING (id_number)
        WHERE y.status = 'queued' AND y.roll_id IS NULL AND p.community_code IS NOT NULL
        ORDER BY md5(p.id_number || :s) LIMIT 1"""), {"s": s}).all()
    others = conn.execute(text("""
        SELECT p.id_number, p.name FROM person p WHERE p.community_code IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM person_attribute a WHERE a.id_number = p.id_number
                          AND a.deceased_on IS NOT NULL)
          AND NOT EXISTS (SELECT 1 FROM policy_payment y WHERE y.id_number = p.id_number)
        ORDER BY md5(p.id_number || :s || 'deaths') LIMIT 3"""), {"s": s}).all()
    if len(others) < 3:
        return {}
    wrong = others[2]  # recorded dead by mistake last month: this list withdraws it
    conn.execute(text("""
        INSERT INTO person_attribute (id_number, community_code, deceased_on)
        SELECT id_number, community_code, :d FROM person WHERE id_number = :i
        ON CONFLICT (id_number) DO UPDATE SET deceased_on = excluded.deceased_on"""),
        {"i": wrong[0], "d": clock.today().replace(day=1)})
    day = clock.today().replace(day=1).isoformat()
    dead = [*paid_for, *others[:2]]
    rows = [{"id_number": i, "name": n, "died": day, "cause": "死亡注销", "source": "区公安分局"} for i, n in dead]
    rows[-1]["name"] = rows[-1]["name"][0] + "某"  # a name the register does not have
    rows.append(dict(rows[0]))  # listed twice
    rows.append({"id_number": unknown_id(55), "name": "孙玉珍", "died": day, "cause": "死亡注销", "source": "区民政局"})
    rows.append({"id_number": wrong[0], "name": wrong[1], "died": "", "cause": "误报更正", "source": "区公安分局",
                 "revoked": "是"})
    serials = [str(i + 1) for i in range(len(rows))]
    serials[-1] = serials[-2]  # the sender numbered two rows alike
    return {"person_death_event": _load(conn, DEATHS_LIST, "死亡人员名单.csv", rows, serials)}


def _load(conn: Connection, kind, file_name: str, members: list[dict], serials: list[str] | None = None) -> int:
    """One list through the kind's steps, recorded in the import history with its report."""
    fields = [f.name for f in kind.fields]
    serials = serials or [str(i + 1) for i in range(len(members))]
    raw = pd.DataFrame([{f: "" for f in fields} | m | {"serial": serials[i]} for i, m in enumerate(members)]
                       )[fields].assign(row=range(2, len(members) + 2))
    body = io.StringIO()
    csv.writer(body).writerows([[f.header for f in kind.fields], *raw[fields].to_numpy().tolist()])
    request = ImportRequest(kind.name, file_name, body.getvalue().encode("utf-8"), "operator", DISTRICT)
    started = clock.now()
    clean, errors = check_rows(raw, kind)
    errors += kind.request_checks(request, clean) if kind.request_checks else []
    assert not errors, errors  # the demo's rows are well formed; their faults are the register's
    stage_rows(conn, kind, clean)
    prefix = Scope(DISTRICT).prefix
    kind.verify(conn, prefix, True)
    _, warnings = kind.review(conn, request, prefix)
    written, _ = kind.merge(conn, file_name)
    result = ImportResult("loaded", rows_read=len(raw), rows_written=written, file_format="csv", encoding="utf-8",
                          warnings=[RowError(r, c, str(v), why, str(more[0]) if more else "")
                                    for r, c, v, why, *more in warnings])
    insert_run(conn, request, result, started)
    conn.execute(text("DROP TABLE stage, stage_key, name_list_area"))
    conn.execute(text("DROP TABLE IF EXISTS death_change"))
    return written
