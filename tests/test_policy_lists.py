"""The departments' name lists (民政低保/低边名册, 企退人员名单, 残联名单) on the real PostGIS: each fault of a list is
a row of its report (unknown ID, deceased, moved out, listed twice, on lists of policies that exclude each
other), only living residents are kept, a rule may ask "on the civil roll"; the demo's lists show every fault;
the civil affairs bureau's official sees only its department's applications; a public submission is audited as
"public" with the address, and that session may write no other audit row."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

import data_access.policies.namelists  # registers the kinds
from data_access.demo.policy_lists import unknown_id
from data_access.importing.base import ImportRequest
from data_access.importing.load import run
from data_access.importing.reports import error_report
from data_access.policies import applications, rules
from data_access.session import DataUnavailable, reading, writing
from domain import clock
from domain.policies import period_of
from tests.builders import TEST_COMMUNITY, add_community
from tests.helpers import access_of
from tests.test_policies import add_resident, demo_enterprises

assert data_access.policies.namelists.KINDS
FAULTS = {"list_unknown_person", "list_deceased", "list_moved_out", "list_duplicate", "list_exclusive"}


def _people(engine, salt: str) -> dict[str, tuple[str, str]]:
    """Three living residents, one deceased, one moved out of the district (demo rows: nothing added)."""
    with engine.connect() as conn:
        alive = conn.execute(text("""
            SELECT p.id_number, p.name FROM person p WHERE p.community_code IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM person_attribute a WHERE a.id_number = p.id_number)
            ORDER BY md5(p.id_number || :s) LIMIT 3"""), {"s": salt}).all()
        dead = conn.execute(text("SELECT p.id_number, p.name FROM person p JOIN person_attribute a USING (id_number)"
                                 " WHERE a.deceased_on IS NOT NULL LIMIT 1")).one()
        moved = conn.execute(text("SELECT id_number, name FROM person WHERE community_code IS NULL"
                                  " ORDER BY md5(id_number || :s) LIMIT 1"), {"s": salt}).one()
    return {"a": tuple(alive[0]), "b": tuple(alive[1]), "c": tuple(alive[2]), "dead": tuple(dead),
            "moved": tuple(moved)}


def _load(kind: str, lines: list[tuple], check_only: bool = False, user: str = "operator"):
    operator = access_of(user)
    header = "序号,身份证号码,姓名" + (",保障类别" if kind == "civil_roll" else "")
    body = header + "\n" + "".join(",".join(str(x) for x in (i + 1, *line)) + "\n" for i, line in enumerate(lines))
    return run(ImportRequest(kind, f"{kind}.csv", body.encode("utf-8"), operator.username, operator.org_code,
                             session=operator.session, check_only=check_only))


def _kept(engine, kind: str) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        return {tuple(r) for r in conn.execute(text(
            "SELECT id_number, category FROM policy_name_list WHERE list = :l"), {"l": kind})}


def test_a_civil_roll_lists_each_fault_by_row_and_keeps_only_the_living_residents(engine):
    p = _people(engine, "civil")
    unknown = unknown_id(77)
    result = _load("civil_roll", [
        (*p["a"], "低保"),  # row 2: fine
        (*p["b"], "低保"),  # row 3: fine
        (*p["dead"], "低保"),  # row 4: deceased
        (*p["moved"], "低保"),  # row 5: moved out of the district
        (unknown, "王某", "低保"),  # row 6: unknown ID
        (*p["a"], "低保"),  # row 7: row 2 again
        (*p["c"], "低保"),  # row 8: and row 9: on the 低保 and the 低边 roll (one exclusive group)
        (*p["c"], "低边"),
    ])
    assert result.result == "loaded", result.message
    assert result.errors == []
    found = sorted((w.row, w.reason, w.detail) for w in result.warnings)
    assert found == [(4, "list_deceased", ""), (5, "list_moved_out", ""), (6, "list_unknown_person", ""),
                     (7, "list_duplicate", "2"), (8, "list_exclusive", ""), (9, "list_exclusive", "")]
    assert result.rows_written == 4
    assert _kept(engine, "civil_roll") == {(p["a"][0], "低保"), (p["b"][0], "低保"), (p["c"][0], "低保"),
                                           (p["c"][0], "低边")}
    # The report the operator downloads: one line per fault, the reason in Chinese.
    report = error_report([w.as_dict() for w in result.warnings], []).decode("utf-8-sig")
    assert "4,身份证号码," + p["dead"][0] + ",警告：此人已登记死亡" in report
    assert "与第 2 行重复" in report and "迁出本区" in report and "不在人口库中" in report and "互斥政策" in report
    with engine.connect() as conn:
        run_row = conn.execute(text("SELECT result, error_count FROM import_run WHERE id = :i"),
                               {"i": result.run_id}).one()
    assert tuple(run_row) == ("loaded", 6)


def test_a_list_clashes_with_another_departments_kept_list_of_the_same_exclusive_group(engine):
    p = _people(engine, "across")
    assert _load("civil_roll", [(*p["a"], "低保"), (*p["b"], "低保")]).result == "loaded"
    with engine.begin() as conn:  # the retiree list stands for 低边 too, for this test only
        conn.execute(text("INSERT INTO policy_list_policy (list, category, policy_id)"
                          " SELECT 'retiree_list', '', id FROM policy WHERE code = 'dibian'"))
    try:
        trial = _load("retiree_list", [p["a"], p["c"]], check_only=True)
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM policy_list_policy WHERE list = 'retiree_list' AND policy_id ="
                              " (SELECT id FROM policy WHERE code = 'dibian')"))
    assert trial.result == "checked"
    assert [(w.row, w.reason) for w in trial.warnings] == [(2, "list_exclusive")]


def test_a_bad_category_refuses_the_file_and_writes_nothing(engine):
    p = _people(engine, "bad")
    before = _kept(engine, "civil_roll")
    result = _load("civil_roll", [(*p["a"], "特困")])
    assert result.result == "rejected" and [e.reason for e in result.errors] == ["list_category"]
    assert _kept(engine, "civil_roll") == before


def test_only_a_data_operator_writes_a_list_and_the_web_role_cannot_write_it_at_all(engine):
    p = _people(engine, "rls")
    refused = _load("disabled_list", [p["a"]], user="official")  # no data.import: the database refuses
    assert refused.result == "failed"
    official = access_of("official")
    with pytest.raises(DataUnavailable), writing(official) as work:
        work.conn.execute(text("INSERT INTO policy_name_list (list, community_code, id_number)"
                               " SELECT 'disabled_list', community_code, id_number FROM person"
                               " WHERE id_number = :i"), {"i": p["a"][0]})


def test_a_rule_may_ask_whether_a_person_is_on_the_civil_roll(conn):
    add_community(conn)
    today = clock.today()
    on_roll = add_resident(conn, TEST_COMMUNITY, date(today.year - 40, 1, 1))
    add_resident(conn, TEST_COMMUNITY, date(today.year - 40, 1, 1))  # not on it
    on_other = add_resident(conn, TEST_COMMUNITY, date(today.year - 40, 1, 1))
    conn.execute(text("INSERT INTO policy_name_list (list, community_code, id_number, category) VALUES"
                      " ('civil_roll', :c, :a, '低保'), ('retiree_list', :c, :b, '')"),
                 {"c": TEST_COMMUNITY, "a": on_roll, "b": on_other})
    policy = {"id": -1, "target": "person", "rule": {"attr": "on_civil_roll", "op": "is", "value": True}}
    assert {r["key"] for r in rules.eligible_unreached(conn, policy, TEST_COMMUNITY)} == {on_roll}
    assert rules.eligible_counts(conn, policy, TEST_COMMUNITY) == {"eligible": 1, "unreached": 1}


def test_the_demo_lists_show_every_fault_in_their_reports(engine):
    with engine.connect() as conn:
        rows = conn.execute(text("""
            SELECT r.kind, e->>'reason' FROM import_run r, jsonb_array_elements(r.errors) e
            WHERE r.kind IN ('civil_roll', 'retiree_list', 'disabled_list') AND r.file_name LIKE '%名%'
              AND r.username = 'operator' AND r.result = 'loaded'""")).all()
    by_kind: dict[str, set[str]] = {}
    for kind, reason in rows:
        by_kind.setdefault(kind, set()).add(reason)
    assert set(by_kind) == {"civil_roll", "retiree_list", "disabled_list"}
    assert by_kind["civil_roll"] >= FAULTS
    assert FAULTS - {"list_exclusive"} <= by_kind["retiree_list"] & by_kind["disabled_list"]


def test_the_civil_affairs_official_sees_only_applications_dispatched_to_civil_affairs(engine):
    member, district = access_of("civil.official"), access_of("official")
    with reading(member) as conn:
        mine = applications.applications(conn, member.scope.prefix)
    with reading(district) as conn:
        every = applications.applications(conn, district.scope.prefix)
    assert mine and len(mine) < len(every)
    with engine.connect() as conn:
        departments = set(conn.execute(text("SELECT DISTINCT department_code FROM policy_application"
                                            " WHERE id = ANY (:i)"), {"i": [r["id"] for r in mine]}).scalars())
    assert departments == {"civil"}


def test_a_public_submission_is_audited_as_public_with_its_address_and_nothing_else_may_be(engine):
    with engine.connect() as conn:
        policy = conn.execute(text("SELECT id FROM policy WHERE code = 'high_tech_award'")).scalar_one()
        firm = demo_enterprises(conn, "audit-public")[0]
    ref = applications.submit_public(policy, firm, "李经理", "13900001111", {}, period_of(clock.today()),
                                     "10.77.1.9")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT username, role, address, detail->>'ref' FROM audit_log"
                                " WHERE action = 'policy_public_submitted' AND detail->>'ref' = :r"),
                           {"r": ref}).one()
    assert tuple(row) == ("public", None, "10.77.1.9", ref)
    with pytest.raises(DataUnavailable), writing(None) as work:  # nobody logged in: no other action
        work.conn.execute(text("INSERT INTO audit_log (username, action, address) VALUES ('public', 'export', 'x')"))
    with pytest.raises(DataUnavailable), writing(None) as work:  # nor in another name
        work.conn.execute(text("INSERT INTO audit_log (username, action, address)"
                               " VALUES ('admin', 'policy_public_submitted', 'x')"))


def test_the_direct_list_never_finds_the_dead_by_either_path(conn):
    add_community(conn)
    today = clock.today()
    alive = add_resident(conn, TEST_COMMUNITY, date(today.year - 85, 1, 1), income_per_head=900)
    dead = add_resident(conn, TEST_COMMUNITY, date(today.year - 85, 1, 1), income_per_head=900)
    conn.execute(text("UPDATE person_attribute SET deceased_on = :d WHERE id_number = :i"), {"d": today, "i": dead})
    by_register = {"id": -1, "target": "person", "rule": {"attr": "age", "op": ">=", "value": 80}}
    by_side_table = {"id": -1, "target": "person", "rule": {"attr": "income_per_head", "op": "<", "value": 1150}}
    assert not rules.needs_row(by_register["rule"]) and rules.needs_row(by_side_table["rule"])
    for policy in (by_register, by_side_table):
        counts, listed = rules.eligibility(conn, policy, TEST_COMMUNITY)
        assert counts == {"eligible": 1, "unreached": 1} and [r["key"] for r in listed] == [alive]
