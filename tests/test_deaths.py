"""The deaths list (死亡人员名单, import kind deaths_list) on the real PostGIS: it sets the date of death (creating the
person's side row if need be), so no rule finds the person and the person's queued payments are held off rolls
(listed for the officials, paid history untouched); a row marked 撤销 takes a wrong entry back, and each change is
kept as an event; a bad ID number, a date in the future or before birth refuses the whole file and writes nothing;
an unknown ID, a name unlike the register's, a person listed twice and a 序号 used twice are warnings; a sender of
another area is refused. A repeated 序号 in the other name lists is a warning, not a refusal."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text

import data_access.policies.deaths
from data_access.demo.policy_lists import unknown_id
from data_access.importing.base import ImportRequest
from data_access.importing.load import run
from data_access.importing.reports import error_report, template
from data_access.policies import catalogue, payments, rules
from data_access.session import reading, writing
from domain import clock
from layouts.policies.page import held_rows
from tests.helpers import access_of, signed_in

assert data_access.policies.deaths.DEATHS_LIST
HEADER = "序号,身份证号码,姓名,死亡日期,注销原因,撤销"
_policies = iter(range(1, 1000))


def _living(engine, salt: str, n: int, with_row: bool | None = None) -> list[tuple[str, str, str]]:
    """n living residents of the demo with no payment and on no list: (id, name, community)."""
    side = {None: "", True: "AND EXISTS", False: "AND NOT EXISTS"}[with_row]
    side += " (SELECT 1 FROM person_attribute b WHERE b.id_number = p.id_number)" if with_row is not None else ""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"""
            SELECT p.id_number, p.name, p.community_code FROM person p WHERE p.community_code IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM person_attribute a WHERE a.id_number = p.id_number
                              AND a.deceased_on IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM policy_payment y WHERE y.id_number = p.id_number)
              AND NOT EXISTS (SELECT 1 FROM policy_name_list l WHERE l.id_number = p.id_number) {side}
            ORDER BY md5(p.id_number || :s) LIMIT :n"""), {"s": salt, "n": n})]


def _load(lines: list[tuple], user: str = "operator", kind: str = "deaths_list", header: str = HEADER,
          serials: list[int] | None = None, actor=None):
    operator = actor or access_of(user)
    serials = serials or list(range(1, len(lines) + 1))
    body = header + "\n" + "".join(",".join(str(x) for x in (serials[i], *line)) + "\n"
                                   for i, line in enumerate(lines))
    return run(ImportRequest(kind, f"{kind}-{clock.now().timestamp()}.csv", body.encode("utf-8"),
                             operator.username, operator.org_code, session=operator.session))


def _died(engine, ids: list[str]) -> dict[str, date | None]:
    with engine.connect() as conn:
        found = dict(conn.execute(text("SELECT id_number, deceased_on FROM person_attribute"
                                       " WHERE id_number = ANY(:i)"), {"i": ids}).all())
    return {i: found.get(i) for i in ids}


def _events(engine, ids: list[str]) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT id_number, deceased_on, previous, revoked, cause FROM person_death_event"
            " WHERE id_number = ANY(:i) ORDER BY id"), {"i": ids})]


def _found_by_rule(engine, person: tuple[str, str, str]) -> bool:
    """Whether a rule every resident meets (a man or a woman) finds the person in the person's community."""
    policy = {"id": -1, "target": "person", "rule": {"any": [{"attr": "sex", "op": "=", "value": "male"},
                                                           {"attr": "sex", "op": "=", "value": "female"}]}}
    with engine.connect() as conn:
        return person[0] in {r["key"] for r in rules.eligible_unreached(conn, policy, person[2], limit=100_000)}


def test_a_deaths_list_sets_the_date_so_no_rule_finds_the_dead_and_a_withdrawal_takes_it_back(engine):
    with_row = _living(engine, "deaths-row", 1, with_row=True)[0]
    without = _living(engine, "deaths-norow", 1, with_row=False)[0]
    ids = [with_row[0], without[0]]
    day = clock.today() - timedelta(days=3)
    assert _found_by_rule(engine, with_row) and _found_by_rule(engine, without)
    result = _load([(with_row[0], with_row[1], day.isoformat(), "死亡注销", ""),
                    (without[0], without[1], day.strftime("%Y/%m/%d"), "", "否")])
    assert result.result == "loaded", (result.message, result.errors)
    assert result.rows_written == 2 and result.warnings == []
    assert "已登记死亡 2 人" in " ".join(result.notes)
    assert _died(engine, ids) == {with_row[0]: day, without[0]: day}  # the side row made for the second
    assert not _found_by_rule(engine, with_row) and not _found_by_rule(engine, without)
    with engine.connect() as conn:
        audited = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'import'"
                                    " AND detail->>'run' = :r"), {"r": str(result.run_id)}).scalar()
    assert audited == 1

    # The first was a wrong entry: 撤销 = 是 (no date needed) clears it; withdrawing the never-dead is a warning.
    alive = _living(engine, "deaths-never", 1)[0]
    undo = _load([(with_row[0], with_row[1], "", "误报更正", "是"), (alive[0], alive[1], "", "误报", "是")])
    assert undo.result == "loaded", (undo.message, undo.errors)
    assert [(w.row, w.reason) for w in undo.warnings] == [(3, "death_not_recorded")]
    assert undo.rows_written == 1 and "撤销误报 1 人" in " ".join(undo.notes)
    assert _died(engine, ids) == {with_row[0]: None, without[0]: day}
    assert _found_by_rule(engine, with_row) and not _found_by_rule(engine, without)
    assert _events(engine, ids) == [(with_row[0], day, None, False, "死亡注销"), (without[0], day, None, False, None),
                                    (with_row[0], None, day, True, "误报更正")]
    _load([(without[0], without[1], "", "", "是")])  # the demo's residents as they were
    assert _died(engine, [without[0]]) == {without[0]: None}


def test_a_bad_id_a_future_date_or_a_death_before_birth_refuses_the_whole_file(engine):
    good = _living(engine, "deaths-bad", 2)
    broken = good[1][0][:17] + ("0" if good[1][0][17] != "0" else "1")  # the check character wrong
    tomorrow = (clock.today() + timedelta(days=2)).isoformat()
    before_birth = date(int(good[1][0][6:10]) - 1, 1, 1).isoformat()
    result = _load([(good[0][0], good[0][1], "2025-01-01", "", ""),  # a good row first: it is not written either
                    (broken, good[1][1], "2025-01-01", "", ""),
                    (good[1][0], good[1][1], tomorrow, "", ""),
                    (good[1][0], good[1][1], before_birth, "", ""),
                    (good[1][0], good[1][1], "", "", ""),  # a death without its date
                    (good[1][0], good[1][1], "2025-01-01", "", "也许")])
    assert result.result == "rejected"
    assert sorted((e.row, e.reason) for e in result.errors) == [
        (3, "id_checksum"), (4, "future_date"), (5, "death_before_birth"), (6, "required"), (7, "death_revoked")]
    assert _died(engine, [good[0][0], good[1][0]]) == {good[0][0]: None, good[1][0]: None}
    assert _events(engine, [good[0][0], good[1][0]]) == []
    report = error_report([e.as_dict() for e in result.errors], []).decode("utf-8-sig")
    assert "死亡日期早于身份证号中的出生日期" in report and "不能是将来的日期" in report


def test_an_unknown_id_another_name_a_person_listed_twice_and_a_repeated_serial_are_warnings(engine):
    p = _living(engine, "deaths-warn", 2)
    day = (clock.today() - timedelta(days=10)).isoformat()
    result = _load([(p[0][0], p[0][1], day, "", ""),  # row 2
                    (p[1][0], p[1][1][0] + "某某", day, "", ""),  # row 3: a name not the register's
                    (unknown_id(66), "钱某", day, "", ""),  # row 4: unknown
                    (p[0][0], p[0][1], "2020-01-01", "", "")],  # row 5: row 2 again (the first counts)
                   serials=[1, 2, 2, 3])  # row 4 repeats row 3's 序号
    assert result.result == "loaded", (result.message, result.errors)
    assert sorted((w.row, w.reason, w.detail) for w in result.warnings) == [
        (3, "list_other_name", ""), (4, "death_unknown_person", ""), (4, "list_serial_repeated", "3"),
        (5, "list_duplicate", "2")]
    assert _died(engine, [p[0][0], p[1][0]]) == {p[0][0]: date.fromisoformat(day), p[1][0]: date.fromisoformat(day)}
    report = error_report([w.as_dict() for w in result.warnings], []).decode("utf-8-sig")
    assert "未登记死亡" in report and "序号与文件中另一行相同" in report
    _load([(p[0][0], p[0][1], "", "", "是"), (p[1][0], p[1][1], "", "", "是")])


def test_a_street_operator_may_not_record_a_death_in_another_street(engine):
    with engine.connect() as conn:
        street = conn.execute(text("SELECT code FROM street ORDER BY code LIMIT 1")).scalar()
    outside = _living(engine, "deaths-scope", 50)
    other = next(x for x in outside if not x[2].startswith(street[:9]))
    operator = signed_in("deaths.street.operator", "测试", "data_operator", street)
    result = _load([(other[0], other[1], "2025-05-05", "", "")], actor=operator)
    assert result.result == "rejected" and [e.reason for e in result.errors] == ["out_of_scope"]
    assert _died(engine, [other[0]]) == {other[0]: None}


def test_the_queued_payments_of_the_dead_are_held_off_rolls_and_listed_until_the_death_is_withdrawn(engine):
    official = access_of("official")
    code = f"deaths_{next(_policies)}"
    with writing(official) as work:
        pid = catalogue.define_policy(work, {"code": code, "name": f"测试补贴{code}", "target": "person",
                                             "department": "civil", "amount": 300, "budget": 100000,
                                             "opens": date(2026, 1, 1),
                                             "rule": {"attr": "veteran", "op": "is", "value": True},
                                             "materials": []})
    dead, alive, sent = _living(engine, "deaths-pay", 3)

    def queue(*persons):  # queued lines, as an approval or the 直达 list leaves them
        with engine.begin() as conn:
            for person in persons:
                conn.execute(text("INSERT INTO policy_payment (policy_id, period, target, id_number, community_code,"
                                  " amount) VALUES (:p, '2026-10', 'person', :i, :c, 300)"),
                             {"p": pid, "i": person[0], "c": person[2]})

    queue(sent)
    with writing(official) as work:  # one already on a roll sent to the bank
        first = payments.make_roll(work, pid, "2026-10")
    queue(dead, alive)
    day = clock.today() - timedelta(days=1)
    assert _load([(dead[0], dead[1], day.isoformat(), "", ""), (sent[0], sent[1], day.isoformat(), "", "")]
                 ).result == "loaded"
    with writing(official) as work:
        roll = payments.make_roll(work, pid, "2026-11")
    with reading(official) as conn:
        assert [x["identity"] for x in payments.roll_lines(conn, roll)] == [alive[0]]
        held = [x for x in payments.held_lines(conn, official.scope.prefix) if x["policy"] == f"测试补贴{code}"]
    shown = [r["state"] for r in held_rows(held)]
    assert len(held) == 2 and all(r["deceased_on"] == day for r in held)
    assert sorted(shown) == [f"已在第 {first} 批发放名册中，请通知银行止付",
                                      "暂停发放，不列入新的发放名册"]
    assert _load([(dead[0], dead[1], "", "", "是"), (sent[0], sent[1], "", "", "是")]).result == "loaded"
    with writing(official) as work:
        again = payments.make_roll(work, pid, "2026-11")
    with reading(official) as conn:
        assert [x["identity"] for x in payments.roll_lines(conn, again)] == [dead[0]]
        assert not [x for x in payments.held_lines(conn, official.scope.prefix)
                    if x["policy"] == f"测试补贴{code}"]


def test_a_repeated_serial_in_a_civil_roll_is_a_warning_not_a_refusal(engine):
    p = _living(engine, "deaths-serial", 2)
    result = _load([(p[0][0], p[0][1], "低保"), (p[1][0], p[1][1], "低保")], kind="civil_roll",
                   header="序号,身份证号码,姓名,保障类别", serials=[7, 7])
    assert result.result == "loaded", (result.message, result.errors)
    assert [(w.row, w.reason, w.detail) for w in result.warnings] == [(3, "list_serial_repeated", "2")]
    assert result.rows_written == 2


def test_the_deaths_list_template_names_its_columns():
    header = template("deaths_list").decode("utf-8-sig").splitlines()[0]
    assert header == "序号,身份证号码*,姓名*,死亡日期,注销原因,信息来源,撤销"


def test_a_person_already_paid_by_another_policy_of_an_exclusive_group_is_warned_on_a_list(engine):
    """低保 and 低边 exclude each other: a person the 低边 allowance has paid, now on the 低保 roll, is a warning."""
    with engine.connect() as conn:
        paid = conn.execute(text("""
            SELECT p.id_number, p.name FROM policy_payment y JOIN policy q ON q.id = y.policy_id AND q.code = 'dibian'
            JOIN person p ON p.id_number = y.id_number
            WHERE y.status = 'paid' AND p.community_code IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM person_attribute a WHERE a.id_number = p.id_number
                              AND a.deceased_on IS NOT NULL)
            ORDER BY p.id_number LIMIT 1""")).one()
    other = _living(engine, "deaths-paid", 1)[0]
    result = _load([(*paid, "低保"), (other[0], other[1], "低保"), (*paid, "低边")], kind="civil_roll",
                   header="序号,身份证号码,姓名,保障类别")
    assert result.result == "loaded", (result.message, result.errors)
    warned = {(w.row, w.reason) for w in result.warnings}
    assert (2, "list_exclusive_paid") in warned and (4, "list_exclusive_paid") not in warned  # its own policy
    assert not {r for r, _ in warned} & {3}
    report = error_report([w.as_dict() for w in result.warnings], []).decode("utf-8-sig")
    assert "已领取同组互斥政策" in report


def test_the_demo_has_a_deaths_list_with_its_faults_and_a_held_payment_and_loads_once(engine):
    from data_access.demo.load import load_module_demos

    with engine.connect() as conn:
        reasons = {r[0] for r in conn.execute(text("""
            SELECT e->>'reason' FROM import_run r, jsonb_array_elements(r.errors) e
            WHERE r.kind = 'deaths_list' AND r.file_name = '死亡人员名单.csv' AND r.result = 'loaded'"""))}
        withdrawn = conn.execute(text("SELECT count(*) FROM person_death_event WHERE revoked")).scalar()
        held = conn.execute(text("""SELECT count(*) FROM policy_payment y JOIN person_attribute a USING (id_number)
                                    WHERE a.deceased_on IS NOT NULL AND y.status = 'queued'""")).scalar()
    assert reasons == {"list_other_name", "list_duplicate", "death_unknown_person", "list_serial_repeated"}
    assert withdrawn >= 1 and held >= 1
    assert "person_death_event" not in load_module_demos(engine)  # there already: not loaded twice
