"""The scoreboard, continued (#18): the day's brief on a schedule (an injected clock, never the wall clock:
nothing before the time, exactly one brief after it, a second server process makes no second one); the
daily snapshot and the day's changes on hand-made data; the rankings of enterprise applications overdue and
of people due a payment not yet paid, equal to counts made independently from the base tables; ties, one
format for scores, the weights in words."""

from __future__ import annotations

import threading
import time as wall
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import text

from callbacks.scoreboard import schedule
from callbacks.scoreboard.page import page_parts
from data_access.scoreboard_views import daily
from data_access.scoreboard_views.board import board
from data_access.session import reading
from data_access.settings import settings
from domain import clock
from domain.divisions import DISTRICT, Scope
from domain.scoreboard import brief_due, combined, parse_time_of_day, rank
from layouts.scoreboard.page import COMBINED, ranking_table, weights_line
from tests.helpers import access_of, texts

GCQ = "330105005000"


def _fake_pdf(page: str) -> bytes:
    return b"%PDF-1.4 scheduled " + str(len(page)).encode()


def _at(day: str, hh: int, mm: int) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hh, minute=mm, tzinfo=clock.BEIJING)


def _scheduled(engine, day: str) -> list:
    with engine.connect() as conn:
        return conn.execute(text("SELECT area, made_by, scheduled FROM scoreboard_brief WHERE day = :d"),
                            {"d": day}).all()


@pytest.fixture
def at_0730():
    schedule._made.clear()
    yield replace(settings(), brief_at=time(7, 30), brief_user="leader")
    schedule._made.clear()


def test_the_time_of_day_is_configuration_in_beijing_time():
    assert parse_time_of_day("07:30") == time(7, 30) and parse_time_of_day("off") is None
    with pytest.raises(ValueError):
        parse_time_of_day("7h30")
    assert not brief_due(_at("2031-03-05", 7, 29), time(7, 30))
    assert brief_due(_at("2031-03-05", 7, 30), time(7, 30)) and brief_due(_at("2031-03-05", 23, 59), time(7, 30))
    assert not brief_due(_at("2031-03-05", 12, 0), None)


def test_before_the_time_nothing_after_it_exactly_one_brief_for_the_day(engine, at_0730):
    day = "2031-03-05"
    assert schedule.run_due(_at(day, 7, 29), _fake_pdf, at_0730) == "not_due"
    assert _scheduled(engine, day) == []
    assert schedule.run_due(_at(day, 7, 30), _fake_pdf, at_0730) == "made"
    assert _scheduled(engine, day) == [("330105000000", "leader", True)]
    assert schedule.run_due(_at(day, 7, 31), _fake_pdf, at_0730) == "kept"  # this process knows
    schedule._made.clear()  # a process started later that day (or the other worker): the database knows
    assert schedule.run_due(_at(day, 9, 0), _fake_pdf, at_0730) == "kept"
    assert _scheduled(engine, day) == [("330105000000", "leader", True)]
    with engine.connect() as conn:
        audited = conn.execute(text(
            "SELECT count(*) FROM audit_log WHERE action = 'scoreboard_brief'"
            " AND detail->>'scheduled' = 'true' AND at > now() - interval '5 minutes'")).scalar()
        jobs = conn.execute(text("SELECT count(*), count(ended_at) FROM app_session WHERE username = 'leader'"
                                 " AND expires_at - started_at = interval '15 minutes'"
                                 " AND started_at > now() - interval '5 minutes'")).one()
        logins = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'login'"
                                   " AND detail->>'job' = 'scheduled_brief' AND at > now() - interval '5 minutes'"
                                   )).scalar()
    assert audited >= 1 and jobs[0] >= 2 and jobs[0] == jobs[1] == logins  # each job's session ends with it


def test_two_server_processes_at_the_time_make_one_brief(engine, at_0730):
    """Both workers' schedulers fire at 07:30: one prints (slowly), the other finds it being made and skips."""
    day, results = "2031-03-06", []

    def slow(page: str) -> bytes:
        wall.sleep(1.5)
        return _fake_pdf(page)

    def worker():
        results.append(schedule.run_due(_at(day, 7, 30), slow, at_0730))

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(results) == ["kept", "made"]
    assert len(_scheduled(engine, day)) == 1


def test_the_database_keeps_one_scheduled_brief_per_area_and_day(conn):
    row = {"a": "330105000000", "d": "2031-03-07", "m": "leader", "p": b"%PDF-x"}
    insert = text("INSERT INTO scoreboard_brief (area, day, made_by, pdf, sha256, scheduled)"
                  " VALUES (:a, :d, :m, :p, encode(sha256(:p), 'hex'), true)")
    conn.execute(insert, row)
    with pytest.raises(Exception, match="scoreboard_brief_scheduled_idx"), conn.begin_nested():
        conn.execute(insert, row)
    conn.execute(text("INSERT INTO scoreboard_brief (area, day, made_by, pdf, sha256)"
                      " VALUES (:a, :d, :m, :p, encode(sha256(:p), 'hex'))"), row)  # a click's: any number


def test_the_scheduler_fires_at_the_configured_beijing_time(monkeypatch, at_0730):
    monkeypatch.setattr(clock, "now", lambda: _at("2031-03-08", 6, 0))
    scheduler = schedule.start(at_0730)
    try:
        jobs = {j.id: j.next_run_time for j in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert schedule.JOB in jobs
    assert jobs[schedule.JOB + "_catch_up"] == _at("2031-03-08", 6, 1)  # a minute after start-up
    trigger = schedule.daily_trigger(time(7, 30))
    assert trigger.get_next_fire_time(None, _at("2031-03-08", 6, 0)) == _at("2031-03-08", 7, 30)
    assert trigger.get_next_fire_time(None, _at("2031-03-08", 7, 31)) == _at("2031-03-09", 7, 30)
    assert schedule.start(replace(at_0730, brief_at=None)) is None  # SANSETU_BRIEF_AT=off


def _as(conn, username: str) -> None:
    actor = access_of(username)
    conn.execute(text("SELECT set_config('sansetu.session', :s, true)"), {"s": actor.session})
    conn.execute(text("SET LOCAL ROLE sansetu_app"))


HANDMADE = [  # community, today (minutes, low is good), yesterday's snapshot
    ("330105005052", 10, 30), ("330105005051", 40, 20), ("330105005053", 25, 25), ("330105003051", 5, None)]


def test_the_days_changes_come_from_yesterdays_snapshot(conn):
    conn.execute(text("CREATE VIEW work_measure_handmade AS SELECT community_code::char(12) AS community_code,"
                      " 'minutes'::text AS measure, value::numeric AS value, 'low'::text AS good,"
                      " NULL::numeric AS week_ago FROM (VALUES " +
                      ", ".join(f"('{c}', {v})" for c, v, _ in HANDMADE) + ") v (community_code, value)"))
    conn.execute(text("CREATE VIEW headline_handmade AS SELECT NULL::text AS module, NULL::text AS key,"
                      " NULL::numeric AS value, NULL::timestamptz AS as_of WHERE false"))
    conn.execute(text("GRANT SELECT ON headline_handmade TO sansetu_app"))
    conn.execute(text("INSERT INTO scoreboard_source (module, headline_view, measure_view)"
                      " VALUES ('handmade', 'headline_handmade', 'work_measure_handmade')"))
    conn.execute(text("DELETE FROM scoreboard_day_measure WHERE day = scoreboard_today() - 1"))
    for code, _, before in HANDMADE:
        if before is not None:
            conn.execute(text("INSERT INTO scoreboard_day_measure (day, community_code, module, measure, value)"
                              " VALUES (scoreboard_today() - 1, :c, 'handmade', 'minutes', :v)"),
                         {"c": code, "v": before})
    received = conn.execute(text("SELECT count(*) FROM appeal WHERE community_code LIKE '330105005%'")).scalar()
    conn.execute(text("INSERT INTO scoreboard_day_headline (day, area, role, module, key, value, as_of) VALUES"
                      " (scoreboard_today() - 1, '330105005', 'official', 'appeals', 'received', :r, now()),"
                      " (scoreboard_today() - 1, '330105', 'leader', 'appeals', 'received', 1, now())"),
                 {"r": received - 3})
    _as(conn, "gcq.official")
    content = board(conn, Scope(GCQ), {})
    rows = {r["code"]: r for r in content["communities"]["handmade.minutes"]}
    assert rows["330105005052"]["day_change"] == -20 and rows["330105005052"]["day_better"] is True
    assert rows["330105005051"]["day_change"] == 20 and rows["330105005051"]["day_better"] is False
    assert rows["330105005053"]["day_change"] == 0 and rows["330105005053"]["day_better"] is None
    streets = {r["code"]: r for r in content["streets"]["handmade.minutes"]}
    assert float(streets[GCQ]["day_ago"]) == 25.0 and streets["330105003000"]["day_ago"] is None  # the mean
    appeals = next(s for s in content["sentences"] if s["module"] == "appeals")
    assert appeals["changes"] == {"received": 3.0}  # his area's and role's snapshot, not the leader's
    assert "较昨日：复核申请 +3" in texts(page_parts(content, COMBINED)[0])
    table = texts(page_parts(content, "handmade.minutes")[3])
    assert "较昨日" in table and "-20 ↑ 好转" in table and "+20 ↓ 变差" in table


def test_the_days_snapshot_is_taken_once_a_day_for_every_community_and_the_sessions_headlines(conn):
    conn.execute(text("DELETE FROM scoreboard_day_measure WHERE day = scoreboard_today()"))
    conn.execute(text("DELETE FROM scoreboard_day_headline WHERE day = scoreboard_today()"))
    _as(conn, "gcq.official")
    assert daily.take_day(conn) is True
    assert daily.take_day(conn) is False  # once a day
    headlines = conn.execute(text("SELECT count(*) FROM scoreboard_headline")).scalar()
    conn.execute(text("RESET ROLE"))
    taken = conn.execute(text("SELECT count(*), count(DISTINCT community_code) FROM scoreboard_day_measure"
                              " WHERE day = scoreboard_today()")).one()
    every = conn.execute(text("SELECT count(*), count(DISTINCT community_code) FROM scoreboard_measure_all")).one()
    assert taken == every and taken[1] == conn.execute(text("SELECT count(*) FROM community")).scalar()
    mine = conn.execute(text("SELECT area, role, count(*) FROM scoreboard_day_headline WHERE day = scoreboard_today()"
                             " GROUP BY 1, 2")).all()
    assert mine == [("330105005", "official", headlines)]


def test_a_session_may_not_write_another_areas_or_days_snapshot(conn):
    _as(conn, "gcq.official")
    for area, day in (("330105", "scoreboard_today()"), ("330105005", "scoreboard_today() - 1")):
        with pytest.raises(Exception, match="row-level security"), conn.begin_nested():
            conn.execute(text("INSERT INTO scoreboard_day_headline (day, area, role, module, key, value)"
                              f" VALUES ({day}, :a, 'official', 'appeals', 'received', 1)"), {"a": area})


def _latest(nodes: list, by=None):
    """The node an application stood at (by a time: the last begun by then)."""
    chosen = [n for n in nodes if by is None or n.at <= by]
    return max(chosen, key=lambda n: (n.at, n.id)) if chosen else None


def test_enterprise_applications_overdue_equal_a_count_from_the_base_tables(conn):
    app = conn.execute(text("SELECT id, community_code FROM policy_application WHERE target = 'enterprise'"
                            " ORDER BY id LIMIT 1")).one()
    conn.execute(text("INSERT INTO policy_application_node (application_id, community_code, department_code, step,"
                      " actor, at, due_at) SELECT id, community_code, department_code, 'accepted', 'test',"
                      " now() - interval '1 minute', now() - interval '1 second' FROM policy_application"
                      " WHERE id = :i"), {"i": app.id})  # its step now overdue
    now = conn.execute(text("SELECT now()")).scalar()
    nodes = defaultdict(list)
    for n in conn.execute(text("SELECT n.id, n.application_id, a.community_code, n.at, n.due_at"
                               " FROM policy_application_node n JOIN policy_application a ON a.id = n.application_id"
                               " WHERE a.target = 'enterprise'")):
        nodes[(n.application_id, n.community_code)].append(n)
    overdue, overdue_ago = defaultdict(int), defaultdict(int)
    for (_, community), mine in nodes.items():
        current, then = _latest(mine), _latest(mine, now - timedelta(days=7))
        overdue[community] += bool(current.due_at and current.due_at < now)
        overdue_ago[community] += bool(then and then.due_at and then.due_at < now - timedelta(days=7))
    shown = {r.community_code: (int(r.value), int(r.week_ago)) for r in conn.execute(text(
        "SELECT community_code, value, week_ago FROM work_measure_policies WHERE measure = 'applications_overdue'"))}
    assert len(shown) == conn.execute(text("SELECT count(*) FROM community")).scalar()  # every community
    expected = {c: (overdue[c], overdue_ago[c]) for c in set(overdue) | set(overdue_ago)}
    assert {c: v for c, v in shown.items() if v != (0, 0)} == {c: v for c, v in expected.items() if v != (0, 0)}
    assert shown[app.community_code][0] >= 1


def test_people_due_a_payment_not_yet_paid_equal_a_count_from_the_base_tables(conn):
    now = conn.execute(text("SELECT now()")).scalar()
    week = now - timedelta(days=7)
    owed = defaultdict(list)
    for line in conn.execute(text("SELECT community_code, policy_id, id_number, period, created_at, paid_at"
                                  " FROM policy_payment WHERE target = 'person'")):
        owed[(line.community_code, line.policy_id, line.id_number, line.period)].append(line)
    unpaid, unpaid_ago = defaultdict(set), defaultdict(set)
    for (community, _, person, _), lines in owed.items():
        if not any(x.paid_at for x in lines):
            unpaid[community].add(person)
        if min(x.created_at for x in lines) <= week and not any(x.paid_at and x.paid_at <= week for x in lines):
            unpaid_ago[community].add(person)
    shown = {r.community_code: (int(r.value), int(r.week_ago)) for r in conn.execute(text(
        "SELECT community_code, value, week_ago FROM work_measure_livelihood WHERE measure = 'unpaid_people'"))}
    expected = {c: (len(unpaid[c]), len(unpaid_ago[c])) for c in shown}
    assert shown == expected
    assert sum(v for v, _ in shown.values()) > 0  # the demo leaves some unpaid (queued and failed lines)


def test_both_new_rankings_are_on_the_leaders_board_as_counts_summed_per_street(engine):
    leader = access_of("leader")
    with reading(leader) as conn:
        content = board(conn, leader.scope, {})
    for key in ("policies.applications_overdue", "livelihood.unpaid_people"):
        assert key in content["streets"] and len(content["communities"][key]) == 99
        communities = content["communities"][key]
        for street in content["streets"][key]:
            assert street["value"] == sum(r["value"] for r in communities if r["code"][:9] == street["code"][:9])
    parts = page_parts(content, "livelihood.unpaid_people")
    assert "应发未发（人）" in texts(parts[2]) and "越低越好" in texts(parts[2])


def test_ties_share_a_place_and_a_score_at_the_top_and_the_bottom():
    rows = [{"code": c, "name": c, "value": v, "week_ago": None} for c, v in
            [("a", 100.0), ("b", 100), ("c", 52.2), ("d", 0), ("e", 0.0)]]
    ranked = rank(rows, "high")
    assert [(r["code"], r["place"], r["score"]) for r in ranked] == [
        ("a", 1, 100.0), ("b", 1, 100.0), ("c", 3, 33.3), ("d", 4, 0.0), ("e", 4, 0.0)]  # 100 × (4 − 3) ÷ (4 − 1)
    one = rank([{"code": c, "name": c, "value": v, "week_ago": None} for c, v in [("x", 1), ("y", 1), ("z", 2)]],
               "low")
    assert [(r["code"], r["place"]) for r in combined({"m.one": one}, {})] == [("x", 1), ("y", 1), ("z", 3)]


def test_scores_have_one_decimal_everywhere_and_the_weights_are_stated_in_words():
    rows = [{"code": c, "name": c, "value": v, "week_ago": None} for c, v in [("a", 53), ("b", 52.2), ("c", 100)]]
    shown = texts(ranking_table("街道排名", COMBINED, "high", rank(rows, "high")))
    assert "53.0" in shown and "52.2" in shown and "100.0" in shown and "52.20" not in shown
    measure = rank([{"code": "a", "name": "a", "value": 3.26, "week_ago": 3},
                    {"code": "b", "name": "b", "value": 4, "week_ago": None}], "low")
    shown = texts(ranking_table("街道排名", "appeals.review_hours", "low", measure))
    assert "3.3" in shown and "4.0" in shown and "100.0" in shown and "0.0" in shown  # one format a column
    line = weights_line({"appeals.backlog": 2.0, "proxy.coverage": 1.0, "appeals.review_hours": 1.0})
    assert "SANSETU" not in line and "申诉积压（未办结）权重为2" in line and "其余各项权重均为1" in line
    assert "各项指标权重相同" in weights_line({"appeals.backlog": 1.0, "proxy.coverage": 1.0})
    assert "代办申领率（%）不计入" in weights_line({"appeals.backlog": 1.0, "proxy.coverage": 0.0,
                                                  "appeals.review_hours": 1.0})
    assert DISTRICT.prefix == "330105"


def test_the_one_reading_of_the_measures_keeps_to_the_area_and_to_the_scoreboards_readers(conn):
    _as(conn, "gcq.official")
    kinds = dict(conn.execute(text("SELECT kind, count(DISTINCT code) FROM scoreboard_measures() GROUP BY kind")).all())
    outside = conn.execute(text("SELECT count(*) FROM scoreboard_measures() WHERE kind = 'community'"
                                " AND code NOT LIKE '330105005%'")).scalar()
    assert kinds["street"] == 10 and kinds["community"] > 0 and outside == 0
    conn.execute(text("RESET ROLE"))
    _as(conn, "tzl.worker")  # may read appeals, not the scoreboard
    assert conn.execute(text("SELECT count(*) FROM scoreboard_measures()")).scalar() == 0


def test_without_such_a_user_the_scheduled_brief_is_skipped_with_a_line(engine, at_0730):
    day = "2031-03-09"
    assert schedule.run_due(_at(day, 8, 0), _fake_pdf, replace(at_0730, brief_user="nobody")) == "skipped"
    assert _scheduled(engine, day) == []
