"""Warnings followed to the end: a warned enterprise is listed for its community worker as not yet given; the
worker records the warning given, then the reopening once all staff are green; every step audited, scoped and
checked by PostgreSQL (row-level security on the write); the map draws a warned enterprise without a warning
given apart; counts and ages per street."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from callbacks.colour_map.view import view_outputs
from callbacks.warnings.steps import record
from data_access.session import DataUnavailable, reading, writing
from data_access.warnings import steps
from domain.clock import now
from domain.divisions import Scope
from domain.warnings import StepError, age_days, step_from_form
from layouts.map_figure import STATUS_COLOURS
from layouts.view import View
from tests import builders
from tests.helpers import access_of, signed_in

TZL = "330105005052"  # 台州路社区, the demo worker's community
GCQ = "330105005000"  # its street
NOTICE = {"when": None, "method": "phone", "recipient": "张经理（负责人）", "note": "已电话告知停工"}


@pytest.fixture
def warned(engine):
    """An enterprise of 台州路社区 with one employee whose code turned red three days ago (committed, then removed)."""
    with engine.begin() as conn:
        code = builders.credit_code()
        conn.execute(text("INSERT INTO enterprise (credit_code, name, industry, location, community_code)"
                          " SELECT :c, '警告跟进测试企业', '制造业', ST_PointOnSurface(geom), code FROM community"
                          " WHERE code = :m"), {"c": code, "m": TZL})
        pid = builders.add_person(conn)
        builders.employ(conn, code, pid)
        conn.execute(text("INSERT INTO health_code (id_number, colour, changed_at, source)"
                          " VALUES (:p, 'red', now() - interval '3 days 1 hour', 'test')"), {"p": pid})
    yield code, pid
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM enterprise WHERE credit_code = :c"), {"c": code})


def _state(actor, code: str) -> dict | None:
    with reading(actor) as conn:
        return next((r for r in steps.open_warnings(conn, actor.scope) if r["credit_code"] == code), None)


def _last_audit(engine, action: str) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(text(
            "SELECT username, area, detail->>'enterprise', detail->>'recipient' FROM audit_log WHERE action = :a"
            " ORDER BY id DESC LIMIT 1"), {"a": action}).one())


def test_a_warning_is_followed_from_red_staff_to_the_reopening_confirmed(engine, warned):
    code, pid = warned
    worker = access_of("tzl.worker")
    state = _state(worker, code)
    assert state["stage"] == "unnotified" and state["employees_red"] == 1
    assert age_days(state["warned_since"], now()) == 3

    assert record(worker, "notified", {"credit_code": code, **NOTICE}) == "已登记警告送达。"
    state = _state(worker, code)
    assert (state["stage"], state["method"], state["recipient"], state["recorded_by"]) == (
        "notified", "phone", "张经理（负责人）", "tzl.worker")
    assert _last_audit(engine, "warning_notified") == ("tzl.worker", TZL, code, "张经理（负责人）")

    # still red: no reopening yet
    assert "无法确认复工" in record(worker, "reopened", {"credit_code": code, **NOTICE})
    with engine.begin() as conn:
        builders.set_colour(conn, pid, "green")
    assert _state(worker, code)["stage"] == "awaiting_reopening"
    done = record(worker, "reopened", {"credit_code": code, **NOTICE, "note": "复查全员绿码"})
    assert done == "已确认复工，该警告已结束。"
    assert _state(worker, code) is None
    assert _last_audit(engine, "reopening_confirmed")[:3] == ("tzl.worker", TZL, code)


def test_a_new_red_code_after_the_reopening_opens_a_new_warning_not_yet_given(engine, warned):
    code, pid = warned
    worker = access_of("tzl.worker")
    record(worker, "notified", {"credit_code": code, **NOTICE})
    with engine.begin() as conn:
        builders.set_colour(conn, pid, "green")
    record(worker, "reopened", {"credit_code": code, **NOTICE})
    with engine.begin() as conn:
        builders.set_colour(conn, pid, "red")
    assert _state(worker, code)["stage"] == "unnotified"


def test_a_step_outside_the_recorders_area_or_rights_is_refused_by_postgresql(engine, warned):
    code, _ = warned
    other = signed_in("qt.worker", "其他社区网格员", "community_worker", "330105005051")
    assert "无法登记" in record(other, "notified", {"credit_code": code, **NOTICE})
    leader = access_of("leader")  # sees the warning, may not record it
    assert record(leader, "notified", {"credit_code": code, **NOTICE}) == "您的角色不能登记警告送达或确认复工。"
    row = {"m": TZL, "c": code, "u": "leader"}
    insert = text("INSERT INTO warning_step (community_code, credit_code, step, happened_at, method, recipient,"
                  " recorded_by) VALUES (:m, :c, 'notified', now(), 'phone', '某人', :u)")
    for actor, values in ((leader, row), (other, {**row, "u": "qt.worker"}),
                          (access_of("tzl.worker"), {**row, "u": "somebody.else"})):
        with pytest.raises(DataUnavailable, match=r"row-level security|not in community"), writing(actor) as work:
            work.conn.execute(insert, values)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM warning_step WHERE credit_code = :c"), {"c": code}).scalar() == 0


def test_a_step_is_history_nobody_changes(engine, warned):
    code, _ = warned
    record(access_of("tzl.worker"), "notified", {"credit_code": code, **NOTICE})
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text("UPDATE warning_step SET recipient = '别人' WHERE credit_code = :c"), {"c": code})


def test_a_warning_given_needs_a_warned_enterprise_a_way_and_a_recipient():
    moment = now()
    with pytest.raises(StepError, match="recipient"):
        step_from_form("notified", "X", None, "phone", " ", "", moment)
    with pytest.raises(StepError, match="method"):
        step_from_form("notified", "X", None, "fax", "张三", "", moment)
    with pytest.raises(StepError, match="when"):
        step_from_form("notified", "X", (moment + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), "phone", "张三", "",
                       moment)
    given = step_from_form("notified", "X", moment.strftime("%Y-%m-%dT%H:%M"), "visit", "张三", "", moment)
    assert given.happened_at.utcoffset() == timedelta(hours=8)


def test_the_map_draws_a_warned_enterprise_without_a_warning_given_apart(engine, warned):
    code, _ = warned
    worker = access_of("tzl.worker")

    def drawn() -> tuple[str, str]:
        figure = view_outputs(View(street=GCQ, community=TZL), [], worker)[2]
        dots = next(t for t in figure["data"] if t.get("mode") == "markers")
        i = [d[4] for d in dots["customdata"]].index(code)
        return dots["marker"]["color"][i], dots["customdata"][i][1]

    assert drawn() == (STATUS_COLOURS["warned_unnotified"], "警告（未送达）")
    record(worker, "notified", {"credit_code": code, **NOTICE})
    assert drawn() == (STATUS_COLOURS["warned"], "警告")
    assert STATUS_COLOURS["warned_unnotified"] != STATUS_COLOURS["warned"]


def test_counts_and_ages_per_street_equal_a_recount(engine, warned):
    official = access_of("official")
    with reading(official) as conn:
        summary = {r["code"]: r for r in steps.street_summary(conn, Scope("330105000000"), now())}
        rows = steps.open_warnings(conn, Scope("330105000000"))
    assert len(summary) == 10
    for street, row in summary.items():
        mine = [r for r in rows if r["community_code"].startswith(street[:9])]
        assert row["open"] == len(mine)
        assert row["unnotified"] == sum(r["stage"] == "unnotified" for r in mine)
    with engine.connect() as conn:  # independent: enterprises with a red employee now, from the base tables
        warned_now = conn.execute(text(
            "SELECT count(DISTINCT e.credit_code) FROM enterprise e JOIN employment em USING (credit_code)"
            " JOIN health_code h USING (id_number) WHERE h.colour = 'red' AND e.community_code LIKE '330105005%'"
        )).scalar()
    assert summary[GCQ]["unnotified"] == warned_now
    assert summary[GCQ]["oldest_unnotified_days"] >= 3
