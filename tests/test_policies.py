"""Policies (民生直达 and 亲清在线) on the real PostGIS: a rule finds exactly the people it should on a hand-made
register; applications are dispatched by their fields; PostgreSQL refuses a second payment across exclusive
policies and an overdrawn pool; a roll's XLSX sums are the database's; a returned bank file pays the good lines
and re-queues the failures; writes stay in the writer's area (also in SQL); the 'done when' path end to end."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from stdnum.cn import ric

from data_access.policies import applications, catalogue, oversight, payments, rules
from data_access.session import DataUnavailable, reading, writing
from domain import clock
from domain.policies import BadRule, check_rule, credit_code_error, period_of, step_error, words
from tests.builders import TEST_COMMUNITY, add_community, add_enterprise, credit_code
from tests.helpers import access_of

TZL = "330105005052"  # 台州路社区 (拱宸桥街道), the demo worker's
GCQ = "330105005000"  # 拱宸桥街道
_serial = iter(range(1, 10_000))


def born(day: date) -> str:
    """A valid ID number (a county the demo never uses) of someone born on the day."""
    body = f"110102{day:%Y%m%d}{next(_serial):03d}"
    return body + ric.calc_check_digit(body + "0")


def add_resident(conn, community: str, birth: date, residence: str = "permanent", **attributes) -> str:
    pid = born(birth)
    conn.execute(text("INSERT INTO person (id_number, name, residence_type, community_code)"
                      " VALUES (:i, '测试居民', :r, :c)"), {"i": pid, "r": residence, "c": community})
    if attributes:
        columns = ", ".join(attributes)
        values = ", ".join(f":{k}" for k in attributes)
        conn.execute(text(f"INSERT INTO person_attribute (id_number, community_code, {columns})"
                          f" VALUES (:i, :c, {values})"), {"i": pid, "c": community, **attributes})
    return pid


def demo_enterprises(conn, salt: str, n: int = 1, area: str = "330105", industry: str | None = None,
                     outside: str | None = None) -> list[str]:
    """Enterprises of the demo register with no policy data yet: tests that commit use these rather than add
    rows to the register (other tests count the register)."""
    return list(conn.execute(text("""
        SELECT e.credit_code FROM enterprise e
        WHERE e.community_code LIKE :area || '%' AND (CAST(:outside AS text) IS NULL
              OR e.community_code NOT LIKE :outside || '%')
          AND (CAST(:industry AS text) IS NULL OR e.industry = :industry)
          AND NOT EXISTS (SELECT 1 FROM policy_application a WHERE a.credit_code = e.credit_code)
          AND NOT EXISTS (SELECT 1 FROM enterprise_attribute ea WHERE ea.credit_code = e.credit_code)
        ORDER BY md5(e.credit_code || :salt) LIMIT :n"""),
        {"area": area, "outside": outside, "industry": industry, "salt": salt, "n": n}).scalars())


def demo_residents(conn, salt: str, n: int = 1, community: str = TZL) -> list[str]:
    """Residents of the demo register with no policy attributes, applications or payments."""
    return list(conn.execute(text("""
        SELECT p.id_number FROM person p WHERE p.community_code = :c
          AND NOT EXISTS (SELECT 1 FROM person_attribute a WHERE a.id_number = p.id_number)
          AND NOT EXISTS (SELECT 1 FROM policy_application x WHERE x.id_number = p.id_number)
          AND NOT EXISTS (SELECT 1 FROM policy_payment y WHERE y.id_number = p.id_number)
        ORDER BY md5(p.id_number || :salt) LIMIT :n"""), {"c": community, "salt": salt, "n": n}).scalars())


def policy_id(conn, code: str) -> int:
    return conn.execute(text("SELECT id FROM policy WHERE code = :c"), {"c": code}).scalar_one()


# --- the rule language ---------------------------------------------------------------------------------

def test_a_rule_finds_exactly_the_people_it_should_on_a_hand_made_register(conn):
    add_community(conn)
    today = clock.today()
    sixty_today = date(today.year - 60, today.month, min(today.day, 28))
    poor_old = add_resident(conn, TEST_COMMUNITY, sixty_today, income_per_head=900)
    add_resident(conn, TEST_COMMUNITY, date(today.year - 59, 12, 31), income_per_head=900)  # 59: too young
    add_resident(conn, TEST_COMMUNITY, date(today.year - 70, 1, 1), income_per_head=1800)  # income too high
    add_resident(conn, TEST_COMMUNITY, date(today.year - 70, 1, 1), residence="temporary",
                 income_per_head=900)  # not permanent
    add_resident(conn, TEST_COMMUNITY, date(today.year - 70, 1, 1))  # no income known: not found
    disabled_old = add_resident(conn, TEST_COMMUNITY, date(today.year - 80, 5, 5), income_per_head=1700,
                                disabled=True, disability_grade=1)
    rule = {"all": [{"attr": "age", "op": ">=", "value": 60},
                    {"attr": "residence_type", "op": "=", "value": "permanent"},
                    {"any": [{"attr": "income_per_head", "op": "<", "value": 1150},
                             {"all": [{"attr": "disabled", "op": "is", "value": True},
                                      {"attr": "income_per_head", "op": "<", "value": 1725}]}]}]}
    policy = {"id": -1, "target": "person", "rule": rule}
    found = {r["key"] for r in rules.eligible_unreached(conn, policy, TEST_COMMUNITY)}
    assert found == {poor_old, disabled_old}
    counts = rules.eligible_counts(conn, policy, TEST_COMMUNITY)
    assert counts == {"eligible": 2, "unreached": 2}


def test_an_age_bound_is_exact_to_the_day(conn):
    add_community(conn)
    today = clock.today()
    turns_18_today = add_resident(conn, TEST_COMMUNITY, date(today.year - 18, today.month, today.day)
                                  if (today.month, today.day) != (2, 29) else date(today.year - 18, 2, 28))
    turns_18_tomorrow = add_resident(conn, TEST_COMMUNITY, date.fromordinal(
        date(today.year - 18, today.month, min(today.day, 28)).toordinal() + 1))
    adults = {"id": -1, "target": "person", "rule": {"attr": "age", "op": ">=", "value": 18}}
    minors = {"id": -1, "target": "person", "rule": {"attr": "age", "op": "<", "value": 18}}
    assert {r["key"] for r in rules.eligible_unreached(conn, adults, TEST_COMMUNITY)} == {turns_18_today}
    assert {r["key"] for r in rules.eligible_unreached(conn, minors, TEST_COMMUNITY)} == {turns_18_tomorrow}


def test_an_enterprise_rule_reads_certifications_staff_and_industry(conn):
    add_community(conn)
    small_cert = add_enterprise(conn, [], TEST_COMMUNITY)
    big_cert = add_enterprise(conn, [], TEST_COMMUNITY)
    uncertified = add_enterprise(conn, [], TEST_COMMUNITY)
    for code, staff, certs in ((small_cert, 5, ["high_tech"]), (big_cert, 80, ["high_tech", "digital"]),
                               (uncertified, 80, [])):
        conn.execute(text("INSERT INTO enterprise_attribute (credit_code, community_code, staff, certifications)"
                          " VALUES (:c, :m, :s, :z)"), {"c": code, "m": TEST_COMMUNITY, "s": staff, "z": certs})
    rule = {"all": [{"attr": "certifications", "op": "has", "value": "high_tech"},
                    {"attr": "staff", "op": ">=", "value": 10}, {"attr": "industry", "op": "in", "value": ["制造业"]}]}
    policy = {"id": -1, "target": "enterprise", "rule": rule}
    assert {r["key"] for r in rules.eligible_unreached(conn, policy, TEST_COMMUNITY)} == {big_cert}


def test_a_bad_rule_is_refused_and_a_good_one_is_worded():
    for bad in ({"attr": "age", "op": "has", "value": 3}, {"attr": "industry", "op": "=", "value": "x"},
                {"all": []}, {"attr": "age", "op": ">=", "value": "60; DROP TABLE person"}, [1]):
        with pytest.raises(BadRule):
            check_rule(bad, "person")
    assert words({"all": [{"attr": "age", "op": ">=", "value": 60}, {"not": {"attr": "veteran", "op": "is",
                                                                              "value": True}}]}) == \
        ["all", [["cond", "age", ">=", 60], ["not", ["cond", "veteran", "is", True]]]]


def test_the_credit_code_check_digit_is_gb_32100():
    good = credit_code()
    assert credit_code_error(good) is None
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert credit_code_error(wrong) == "credit_checksum"
    assert credit_code_error(good[:17]) == "credit_length"
    assert credit_code_error(good[:10] + "IOSVZ" + good[15:]) == "credit_format"
    assert step_error("submitted", "approved", None) == "step"
    assert step_error("accepted", "rejected", " ") == "reason"


# --- applications and dispatch --------------------------------------------------------------------------

def _apply(conn, policy: int, code: str, fields: dict, address: str = "10.0.0.1") -> dict:
    conn.execute(text("""
        INSERT INTO policy_application (ref, policy_id, target, credit_code, community_code, department_code, channel,
                                        contact_name, contact_phone, fields, period, filed_by, submitted_from)
        VALUES (:ref, :p, 'enterprise', :c, '000000000000', 'civil', 'public', '王经理', '13900000000',
                CAST(:f AS jsonb), '2026-11', 'public:' || :c, CAST(:a AS inet))"""),
        {"ref": applications.new_ref(), "p": policy, "c": code, "f": json.dumps(fields), "a": address})
    return dict(conn.execute(text("SELECT * FROM policy_application WHERE credit_code = :c AND policy_id = :p"),
                             {"c": code, "p": policy}).mappings().one())


def test_an_application_is_dispatched_to_the_department_its_fields_name(conn):
    talent = policy_id(conn, "talent_incentive")
    a_level = _apply(conn, talent, add_enterprise(conn, [], TZL), {"talent_level": "A"})
    c_level = _apply(conn, talent, add_enterprise(conn, [], TZL), {"talent_level": "C"})
    assert (a_level["department_code"], c_level["department_code"]) == ("talent", "hr")
    assert a_level["community_code"] == TZL and a_level["state"] == "submitted"
    # by the register's field (industry), for another policy
    tech = policy_id(conn, "tech_sme")
    code = add_enterprise(conn, [], TZL)
    conn.execute(text("UPDATE enterprise SET industry = '科学研究和技术服务业' WHERE credit_code = :c"), {"c": code})
    assert _apply(conn, tech, code, {})["department_code"] == "science"
    nodes = conn.execute(text("SELECT step, actor FROM policy_application_node WHERE application_id = :i ORDER BY id"),
                         {"i": a_level["id"]}).all()
    assert [tuple(n) for n in nodes] == [("submitted", f"public:{a_level['credit_code']}"), ("dispatched", "system")]


def test_a_new_dispatch_rule_changes_where_applications_go_without_code(conn):
    talent = policy_id(conn, "talent_incentive")
    conn.execute(text("INSERT INTO policy_dispatch_rule (priority, policy_id, field, value, department_code)"
                      " VALUES (1, :p, 'talent_level', 'C', 'economy')"), {"p": talent})
    assert _apply(conn, talent, add_enterprise(conn, [], TZL), {"talent_level": "C"})["department_code"] == "economy"


def test_the_public_channel_takes_five_submissions_in_ten_minutes_from_one_address(conn):
    talent = policy_id(conn, "canal_vip")
    for _ in range(5):
        _apply(conn, talent, add_enterprise(conn, [], TZL), {}, address="10.9.9.9")
    with pytest.raises(DBAPIError, match="policy_throttled"):
        _apply(conn, talent, add_enterprise(conn, [], TZL), {}, address="10.9.9.9")


def test_steps_follow_the_allowed_path_in_the_database(conn):
    app = _apply(conn, policy_id(conn, "digital"), add_enterprise(conn, [], TZL), {})
    with pytest.raises(DBAPIError, match="policy_bad_step"):
        conn.execute(text("UPDATE policy_application SET state = 'approved' WHERE id = :i"), {"i": app["id"]})


# --- money: exclusive policies, pools -------------------------------------------------------------------

def test_nobody_is_paid_by_two_exclusive_policies_in_one_period(conn):
    pid = add_resident(conn, TZL, date(1960, 1, 1), income_per_head=1000, household_size=1)
    line = "INSERT INTO policy_payment (policy_id, period, target, id_number, community_code, amount)" \
           " VALUES (:p, '2026-02', 'person', :i, :c, 100)"
    conn.execute(text(line), {"p": policy_id(conn, "dibao"), "i": pid, "c": TZL})
    conn.execute(text("SAVEPOINT s"))
    with pytest.raises(DBAPIError, match="policy_payment_exclusive_idx"):
        conn.execute(text(line), {"p": policy_id(conn, "dibian"), "i": pid, "c": TZL})
    conn.execute(text("ROLLBACK TO SAVEPOINT s"))
    with pytest.raises(DBAPIError, match="policy_payment_once_idx"):
        conn.execute(text(line), {"p": policy_id(conn, "dibao"), "i": pid, "c": TZL})


def test_a_fund_pool_cannot_go_below_zero_and_always_adds_up(conn):
    pool = conn.execute(text("INSERT INTO policy_fund_pool (name, budget) VALUES ('测试池', 500)"
                             " RETURNING id")).scalar()
    pid = conn.execute(text("""
        INSERT INTO policy (code, name, target, department_code, amount_kind, amount, fund_pool_id, opens, rule,
                            created_by)
        VALUES ('test_pool', '测试政策', 'person', 'civil', 'fixed', 300, :f, '2026-01-01',
                '{"attr": "age", "op": ">=", "value": 60}', 'test') RETURNING id"""), {"f": pool}).scalar()
    people = [add_resident(conn, TZL, date(1950, 1, 1)) for _ in range(2)]
    line = ("INSERT INTO policy_payment (policy_id, period, target, id_number, community_code, roll_id, status,"
            " paid_at) VALUES (:p, '2026-03', 'person', :i, :c, NULL, 'queued', NULL) RETURNING id")
    first, second = (conn.execute(text(line), {"p": pid, "i": i, "c": TZL}).scalar() for i in people)
    roll = conn.execute(text("INSERT INTO policy_roll (policy_id, period, created_by) VALUES (:p, '2026-03', 't')"
                             " RETURNING id"), {"p": pid}).scalar()
    conn.execute(text("UPDATE policy_payment SET roll_id = :r WHERE policy_id = :p"), {"r": roll, "p": pid})
    conn.execute(text("UPDATE policy_payment SET status = 'paid', paid_at = now() WHERE id = :i"), {"i": first})
    assert tuple(conn.execute(text("SELECT spent, remaining FROM policy_fund_pool WHERE id = :f"), {"f": pool}).one()) \
        == (Decimal("300.00"), Decimal("200.00"))
    conn.execute(text("SAVEPOINT s"))
    with pytest.raises(DBAPIError, match="policy_fund_pool_not_overspent"):
        conn.execute(text("UPDATE policy_payment SET status = 'paid', paid_at = now() WHERE id = :i"), {"i": second})
    conn.execute(text("ROLLBACK TO SAVEPOINT s"))
    with pytest.raises(DBAPIError, match="remaining"):
        conn.execute(text("UPDATE policy_fund_pool SET remaining = 1000 WHERE id = :f"), {"f": pool})


# --- area: writes checked by PostgreSQL ----------------------------------------------------------------

@pytest.fixture(scope="module")
def other_street_application(engine):
    """A submitted application of a community outside 拱宸桥街道 (committed: the role's sessions must see it)."""
    with engine.begin() as conn:
        firm = demo_enterprises(conn, "other street", outside=GCQ[:9])[0]
        app = _apply(conn, policy_id(conn, "high_tech_award"), firm, {},
                     address="10.1.1.1")
    return app


def test_a_street_official_cannot_step_another_streets_application_even_in_sql(other_street_application, engine):
    gcq = access_of("gcq.official")
    with writing(gcq) as work:
        assert applications.take_step(work, other_street_application["id"], "accepted", None) is False
    with writing(gcq) as work:  # the same in plain SQL: the row is not there for this session
        done = work.conn.execute(text("UPDATE policy_application SET state = 'accepted' WHERE id = :i"),
                                 {"i": other_street_application["id"]}).rowcount
        assert done == 0
    with engine.connect() as conn:
        assert conn.execute(text("SELECT state FROM policy_application WHERE id = :i"),
                            {"i": other_street_application["id"]}).scalar() == "submitted"


def test_a_community_worker_files_only_for_people_of_their_community(engine):
    with engine.begin() as conn:
        own = demo_residents(conn, "filing")[0]
        conn.execute(text("INSERT INTO person_attribute (id_number, community_code, income_per_head)"
                          " VALUES (:i, :c, 800)"), {"i": own, "c": TZL})
        other = conn.execute(text("SELECT id_number FROM person WHERE community_code LIKE '330105%'"
                                  " AND community_code <> :c LIMIT 1"), {"c": TZL}).scalar()
        temp = policy_id(conn, "temp_relief")
    worker = access_of("tzl.worker")
    with writing(worker) as work:
        ref = applications.file_for_person(work, temp, own, "2026-11")
    with reading(worker) as conn:
        mine = applications.applications(conn, worker.scope.prefix, policy_id=temp)
    assert ref in {a["ref"] for a in mine} and all(a["community_code"] == TZL for a in mine)
    with pytest.raises(DataUnavailable, match="row-level security"), writing(worker) as work:
        applications.file_for_person(work, temp, other, "2026-11")


def test_nobody_logged_in_can_write_only_a_public_enterprise_application(engine):
    with engine.connect() as conn:
        person = conn.execute(text("SELECT id_number FROM person WHERE community_code = :c LIMIT 1"),
                              {"c": TZL}).scalar()
        temp = policy_id(conn, "temp_relief")
    with pytest.raises(DataUnavailable, match="row-level security"), writing(None) as work:
        work.conn.execute(text("""INSERT INTO policy_application (ref, policy_id, target, id_number, community_code,
            department_code, channel, period, filed_by) VALUES ('ABCDEFGHJK23', :p, 'person', :i, :c, 'civil',
            'community', '2026-11', 'x')"""), {"p": temp, "i": person, "c": TZL})


# --- the 'done when' path ----------------------------------------------------------------------------

def _return_file(lines: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{"line": str(x["id"]), "amount": f"{x['amount']:.2f}", "result": x["result"],
                          "reason": x.get("reason", "")} for x in lines])


def test_define_find_apply_dispatch_approve_roll_return_rate_and_oversee(engine):
    official = access_of("official")
    code = f"test_{next(_serial)}"
    rule = {"all": [{"attr": "certifications", "op": "has", "value": "testcert"},
                    {"attr": "staff", "op": ">=", "value": 3}]}
    with writing(official) as work:
        pid = catalogue.define_policy(work, {"code": code, "name": f"测试惠企政策{code}", "target": "enterprise",
                                             "department": "economy", "amount": 50000, "budget": 120000,
                                             "opens": date(2026, 1, 1), "rule": rule, "materials": ["营业执照"]})
    with engine.begin() as conn:
        firms = demo_enterprises(conn, "done when", 3)
        for firm, staff in zip(firms, (5, 9, 1), strict=True):
            conn.execute(text("INSERT INTO enterprise_attribute (credit_code, community_code, staff, certifications)"
                              " SELECT :c, community_code, :s, ARRAY['testcert'] FROM enterprise"
                              " WHERE credit_code = :c"), {"c": firm, "s": staff})
    with reading(official) as conn:
        policy = catalogue.policy(conn, pid)
        assert {r["key"] for r in rules.eligible_unreached(conn, policy, official.scope.prefix)} == set(firms[:2])
    ref = applications.submit_public(pid, firms[0], "王经理", "13912345678", {}, "2026-11", "10.2.2.2")
    with reading(official) as conn:
        app = next(a for a in applications.applications(conn, official.scope.prefix, policy_id=pid))
        assert app["ref"] == ref and app["department"] == "区经信局"
        assert {r["key"] for r in rules.eligible_unreached(conn, policy, official.scope.prefix)} == {firms[1]}
    with pytest.raises(applications.Refused) as refused:  # not decided yet: no rating
        applications.rate_public(ref, firms[0], 5, "")
    assert refused.value.key == "rating_unknown"
    for step in ("accepted", "approved"):
        with writing(official) as work:
            assert applications.take_step(work, app["id"], step, None)
    with writing(official) as work:
        assert payments.queue_eligible(work, policy, "2026-11") == 1  # 直达: the one who did not apply
        roll = payments.make_roll(work, pid, "2026-11")
    with reading(official) as conn:
        lines = payments.roll_lines(conn, roll)
        content, _ = payments.roll_xlsx(conn, roll)
        count, total = payments.roll_totals(conn, roll)
    assert (count, total) == (2, Decimal("100000.00"))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    amounts = [row[6] for row in sheet.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)]
    totals = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "合计")
    assert sum(amounts) == float(total) == totals[6] and len(amounts) == count
    assert any("审核人" in str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    paid_line = next(x for x in lines if x["identity"] == firms[0])
    failed_line = next(x for x in lines if x["identity"] == firms[1])
    returned = _return_file([{**paid_line, "result": "成功"},
                             {**failed_line, "result": "失败", "reason": "户名不符"}])
    with writing(official) as work:
        result = payments.apply_returns(work, returned)
    assert result.errors == [] and result.paid == 1 and [f["id"] for f in result.failed] == [failed_line["id"]]
    with engine.connect() as conn:
        pool = conn.execute(text("SELECT budget, spent, remaining FROM policy_fund_pool f JOIN policy p"
                                 " ON p.fund_pool_id = f.id WHERE p.id = :p"), {"p": pid}).one()
        assert tuple(pool) == (Decimal("120000.00"), Decimal("50000.00"), Decimal("70000.00"))
        requeued = conn.execute(text("SELECT status, roll_id, amount FROM policy_payment WHERE requeued_from = :i"),
                                {"i": failed_line["id"]}).one()
        assert tuple(requeued) == ("queued", None, Decimal("50000.00"))
        assert conn.execute(text("SELECT state FROM policy_application WHERE ref = :r"), {"r": ref}).scalar() == "paid"
    with reading(official) as conn:
        steps = [n["step"] for n in applications.timeline(conn, app["id"])]
        assert steps == ["submitted", "dispatched", "accepted", "approved", "paid"]
        assert payments.failed_lines(conn, official.scope.prefix)[0]["failure_reason"] == "户名不符"
    applications.rate_public(ref, firms[0], 4, "办理很快")
    with pytest.raises(applications.Refused) as twice:
        applications.rate_public(ref, firms[0], 5, "")
    assert twice.value.key == "rating_twice"
    with reading(official) as conn:
        figures = next(f for f in oversight.policy_figures(conn, official.scope.prefix) if f["id"] == pid)
        assert (figures["applied"], figures["approved"], figures["paid"], figures["yuan"]) == \
            (1, 1, 1, Decimal("50000.00"))
        rated = oversight.ratings(conn, official.scope.prefix)
        assert any(r["policy"] == policy["name"] and r["average"] == 4 for r in rated)


def test_a_returned_file_with_a_bad_row_writes_nothing(engine):
    official = access_of("official")
    with engine.connect() as conn:
        line = conn.execute(text("SELECT id, amount FROM policy_payment WHERE status = 'queued' AND roll_id IS NULL"
                                 " LIMIT 1")).mappings().first()
    bad = _return_file([{"id": 99_999_999, "amount": 1, "result": "成功"}])
    with writing(official) as work:
        result = payments.apply_returns(work, bad)
    assert result.errors and "99999999" in result.errors[0] and result.paid == 0
    if line:  # a line not in a roll is not the bank's to return
        with writing(official) as work:
            assert payments.apply_returns(work, _return_file([{**line, "result": "成功"}])).errors


def test_the_overview_counts_policies_online_money_and_reach(engine):
    leader = access_of("leader")
    with reading(leader) as conn:
        view = oversight.overview(conn, leader.scope.prefix)
        with engine.connect() as owner:
            paid = dict(owner.execute(text("SELECT target, sum(amount) FROM policy_payment WHERE status = 'paid'"
                                           " GROUP BY target")).all())
    assert view["person"]["policies"] >= 17 and view["enterprise"]["policies"] >= 10
    assert view["person"]["yuan"] == paid["person"] and view["person"]["reached"] > 0


def test_eligibility_by_community_matches_the_single_rule_query(engine):
    official = access_of("official")
    with reading(official) as conn:
        chosen = [p for p in catalogue.policies(conn) if p["code"] in ("retiree_festival", "elderly_80", "digital")]
        by_community = oversight.eligible_by_community(conn, chosen, official.scope.prefix)
        for p in chosen:
            assert sum(r["eligible"] for r in by_community if r["policy_id"] == p["id"]) == \
                rules.eligible_counts(conn, p, official.scope.prefix)["eligible"]


def test_period_of_a_day():
    assert period_of(date(2026, 3, 9)) == "2026-03"


# --- the public enterprise page (no login) ---------------------------------------------------------------

def _public_form(client) -> str:
    import re

    page = client.get("/apply")
    assert page.status_code == 200 and "亲清在线" in page.data.decode()
    return re.search(r'name="csrf" value="([^"]+)"', page.data.decode()).group(1)


def test_the_public_page_refuses_a_bad_credit_code_in_chinese_and_writes_nothing(app_module, engine):
    with engine.begin() as conn:
        firm = demo_enterprises(conn, "public page", industry="制造业")[0]
        digital = policy_id(conn, "digital")
    client = app_module.server.test_client()
    csrf = _public_form(client)
    wrong = firm[:17] + ("0" if firm[17] != "0" else "1")
    form = {"csrf": csrf, "form": "apply", "policy": str(digital), "contact_name": "王经理",
            "contact_phone": "13912345678"}
    for code, said in ((wrong, "校验位不对"), (firm[:16], "应为18位"), ("91330105MA2GOOOOOX", "不允许的字符")):
        answer = client.post("/apply", data={**form, "credit_code": code})
        assert answer.status_code == 400 and said in answer.data.decode()
    assert client.post("/apply", data={**form, "credit_code": firm, "csrf": "forged"}).status_code == 400
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM policy_application WHERE credit_code = :c"),
                            {"c": firm}).scalar() == 0
    done = client.post("/apply", data={**form, "credit_code": firm.lower()})
    assert done.status_code == 200 and "受理编号" in done.data.decode()
    again = client.post("/apply", data={**form, "credit_code": firm})
    assert again.status_code == 400 and "已有此政策的申请在办理中" in again.data.decode()
    with engine.connect() as conn:
        row = conn.execute(text("SELECT channel, department_code, state FROM policy_application"
                                " WHERE credit_code = :c"), {"c": firm}).one()
    assert tuple(row) == ("public", "economy", "submitted")  # 制造业 → 区经信局 (a dispatch rule)


def test_the_public_page_needs_no_login_but_nothing_else_of_the_module_opens(app_module):
    client = app_module.server.test_client()
    assert client.get("/apply").status_code == 200
    assert client.get("/policies").status_code == 302
    assert client.get("/export/policy-roll.xlsx?roll=1").status_code == 401
    assert client.get("/apply/x").status_code == 401


def test_rolls_and_direct_payments_are_the_districts_even_in_sql(engine):
    gcq = access_of("gcq.official")
    with engine.connect() as conn:
        retiree = policy_id(conn, "retiree_festival")
    with pytest.raises(DataUnavailable, match="row-level security"), writing(gcq) as work:
        work.conn.execute(text("INSERT INTO policy_roll (policy_id, period, created_by)"
                               " VALUES (:p, '2000-01', 'gcq.official')"), {"p": retiree})
    with writing(gcq) as work:
        assert work.conn.execute(text("UPDATE policy_payment SET status = 'paid', paid_at = now()"
                                      " WHERE status = 'queued'")).rowcount == 0


def test_a_departments_official_sees_and_handles_only_what_was_dispatched_to_the_department(engine):
    from tests.helpers import signed_in

    member = signed_in("jxj.official.test", "区经信局经办", "official", "330105000000")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO policy_department_member (username, department_code)"
                          " VALUES ('jxj.official.test', 'economy') ON CONFLICT DO NOTHING"))
        other = _apply(conn, policy_id(conn, "talent_incentive"), demo_enterprises(conn, "member")[0],
                       {"talent_level": "A"}, address="10.4.4.4")  # → 区委人才办
    with reading(member) as conn:
        seen = applications.applications(conn, member.scope.prefix, limit=10_000)
    assert seen and {a["department"] for a in seen} == {"区经信局"}
    with writing(member) as work:
        assert applications.take_step(work, other["id"], "accepted", None) is False


def test_the_demo_has_every_state_money_that_adds_up_and_misfits_to_find(engine):
    with engine.connect() as conn:
        states = set(conn.execute(text("SELECT DISTINCT state FROM policy_application")).scalars())
        pools = conn.execute(text("""SELECT f.spent, coalesce(sum(y.amount) FILTER (WHERE y.status = 'paid'), 0)
            FROM policy_fund_pool f JOIN policy p ON p.fund_pool_id = f.id
            LEFT JOIN policy_payment y ON y.policy_id = p.id WHERE p.created_by = 'demo' GROUP BY f.id""")).all()
        counts = conn.execute(text("SELECT target, count(*) FROM policy WHERE created_by = 'demo' GROUP BY 1")).all()
        failed = conn.execute(text("SELECT count(*) FROM policy_payment WHERE status = 'failed'")).scalar()
        dibian = {"id": policy_id(conn, "dibian"), "target": "person",
                  "rule": conn.execute(text("SELECT rule FROM policy WHERE code = 'dibian'")).scalar()}
        misfits = rules.ineligible_applicants(conn, dibian, "330105")
    assert states == {"submitted", "accepted", "more_info", "approved", "rejected", "paid"}
    assert all(spent == paid for spent, paid in pools)
    assert dict(counts) == {"person": 17, "enterprise": 10}
    assert failed > 0 and misfits and all(m["failing"] == 0 for m in misfits)


def _roll_of_two(engine) -> tuple[int, list[dict]]:
    """A roll of two queued lines of a test policy (owner: set-up only)."""
    with engine.begin() as conn:
        pool = conn.execute(text("INSERT INTO policy_fund_pool (name, budget) VALUES (:n, 10000) RETURNING id"),
                            {"n": f"回盘测试池{next(_serial)}"}).scalar()
        pid = conn.execute(text("""
            INSERT INTO policy (code, name, target, department_code, amount_kind, amount, fund_pool_id, opens, rule,
                                created_by)
            VALUES (:c, :c, 'person', 'civil', 'fixed', 120, :f, '2026-01-01',
                    '{"attr": "age", "op": ">=", "value": 60}', 'test') RETURNING id"""),
            {"c": f"returns_{next(_serial)}", "f": pool}).scalar()
        for person in demo_residents(conn, f"roll {pid}", 2):
            conn.execute(text("INSERT INTO policy_payment (policy_id, period, target, id_number, community_code)"
                              " VALUES (:p, '2026-10', 'person', :i, :c)"), {"p": pid, "i": person, "c": TZL})
        roll = conn.execute(text("INSERT INTO policy_roll (policy_id, period, created_by) VALUES (:p, '2026-10', 't')"
                                 " RETURNING id"), {"p": pid}).scalar()
        conn.execute(text("UPDATE policy_payment SET roll_id = :r WHERE policy_id = :p"), {"r": roll, "p": pid})
        lines = [dict(r) for r in conn.execute(text(
            "SELECT id, amount FROM policy_payment WHERE roll_id = :r ORDER BY id"), {"r": roll}).mappings()]
    return pid, lines


def test_the_bank_file_through_the_import_tab_pays_fails_and_requeues_as_the_writer(engine):
    import data_access.policies.returns  # noqa: F401  (registers the kind)
    from data_access.importing.base import ImportRequest
    from data_access.importing.load import run

    operator = access_of("operator")
    pid, lines = _roll_of_two(engine)

    def load(body: str):
        return run(ImportRequest("payment_returns", "回盘.csv", body.encode("utf-8"), operator.username,
                                 operator.org_code, session=operator.session))

    head = "流水号,金额,结果,失败原因\n"
    bad = load(head + f"{lines[0]['id']},{lines[0]['amount']},成功,\n{lines[1]['id']},999.00,成功,\n")
    assert bad.result == "rejected" and [e.reason for e in bad.errors] == ["payment_amount_mismatch"]
    good = load(head + f"{lines[0]['id']},{lines[0]['amount']},成功,\n"
                       f"{lines[1]['id']},{lines[1]['amount']},失败,户名不符\n")
    assert good.result == "loaded", good.message
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT status, failure_reason, requeued_from FROM policy_payment WHERE policy_id = :p"
                                 " ORDER BY id"), {"p": pid}).all()
        spent = conn.execute(text("SELECT f.spent FROM policy_fund_pool f JOIN policy p ON p.fund_pool_id = f.id"
                                  " WHERE p.id = :p"), {"p": pid}).scalar()
    assert [tuple(r) for r in rows] == [("paid", None, None), ("failed", "户名不符", None),
                                        ("queued", None, lines[1]["id"])]
    assert spent == Decimal("120.00")
    again = load(head + f"{lines[0]['id']},{lines[0]['amount']},成功,\n")
    assert again.result == "rejected" and again.errors[0].reason == "payment_answered"
