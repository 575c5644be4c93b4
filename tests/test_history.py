"""Looking back in time: the map's figures at the end of a past day equal a recount from the history, for hand-built
colours whose answer is known and for the whole demo district; the URL keeps the day; today's path is unchanged."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import text

from data_access import aggregates
from data_access.colour_map.queries import enterprise_points
from data_access.session import enter
from domain.clock import BEIJING, next_day, today
from domain.divisions import Scope
from layouts.view import View, parse_view, view_search
from tests import builders
from tests.helpers import access_of, signed_in

T = today()


def _at(days_ago: int, hour: int = 10) -> datetime:
    return datetime.combine(T - timedelta(days=days_ago), time(hour), BEIJING)


def _colour(conn, pid: str, colour: str, when: datetime) -> None:
    """A colour set at a time of the past: the history records it (the triggers write changed_at)."""
    conn.execute(text("INSERT INTO health_code (id_number, colour, changed_at, source) VALUES (:i, :c, :t, 'test')"
                      " ON CONFLICT (id_number) DO UPDATE SET colour = excluded.colour,"
                      " changed_at = excluded.changed_at"), {"i": pid, "c": colour, "t": when})


@pytest.fixture
def district(conn):
    """The test's transaction entered with a district-wide session: a day's figures are those of its area."""
    enter(conn, access_of("leader"))
    return conn


@pytest.fixture
def known(district):
    """Four residents of a community of our own and an enterprise employing the first two:
    a red 3 days ago, green yesterday; b yellow 2 days ago; c never a record; d green 5 days ago, red today."""
    conn = district
    community = builders.add_community(conn)
    a, b, c, d = (builders.add_person(conn, community) for _ in range(4))
    _colour(conn, a, "red", _at(3))
    _colour(conn, b, "yellow", _at(2))
    _colour(conn, d, "green", _at(5))
    _colour(conn, a, "green", _at(1))
    _colour(conn, d, "red", datetime.combine(T, time(0, 30), BEIJING))
    enterprise = builders.add_enterprise(conn, [], community)
    builders.employ(conn, enterprise, a)
    builders.employ(conn, enterprise, b)
    conn.execute(text("INSERT INTO managed_person (id_number, kind, community_code, start_date, end_date)"
                      " VALUES (:p, 'home_isolation', :c, :s, :e)"),
                 {"p": c, "c": community, "s": T - timedelta(days=4), "e": T - timedelta(days=2)})
    return conn, community, enterprise


def _counts(conn, community: str, day) -> tuple:
    row = aggregates.community_map_rows(conn, Scope(community), day)[0]
    return (row["residents_green"], row["residents_yellow"], row["residents_red"], row["residents_none"],
            row["enterprises_warned"], row["enterprises_caution"], row["enterprises_incomplete"], row["managed_total"])


@pytest.mark.parametrize(("days_ago", "expected"), [
    #            green yellow red none | warned caution incomplete | managed
    (4, (1, 0, 0, 3, 0, 0, 1, 1)),  # only d green; the enterprise's staff had no record; c under management
    (2, (1, 1, 1, 1, 1, 0, 0, 1)),  # a red (the enterprise warned), b yellow, d green
    (1, (2, 1, 0, 1, 0, 1, 0, 0)),  # a green again: the enterprise under caution; c's management ended
])
def test_a_past_day_shows_the_colours_and_statuses_of_its_end(known, days_ago, expected):
    conn, community, _ = known
    assert _counts(conn, community, T - timedelta(days=days_ago)) == expected


def test_today_is_the_maintained_figures_and_a_past_day_its_own(known):
    conn, community, _ = known
    assert _counts(conn, community, None) == (1, 1, 1, 1, 0, 1, 0, 0)  # d turned red after midnight
    totals = aggregates.area_totals(conn, Scope(community), T - timedelta(days=2))
    assert (totals["residents_red"], totals["residents_total"], totals["enterprises_warned"]) == (1, 4, 1)


def test_enterprise_points_carry_their_status_of_the_day(known):
    conn, community, enterprise = known
    status = {p["credit_code"]: p["status"] for p in enterprise_points(conn, Scope(community), T - timedelta(days=2))}
    assert status == {enterprise: "warned"}
    assert [p["status"] for p in enterprise_points(conn, Scope(community))] == ["caution"]


# An independent recount, person by person from the history: the colour of the last change before the day's end;
# for someone whose changes all came later, the colour before the first of them; for someone never changed, today's.
RECOUNT = """
WITH colour AS (
  SELECT p.id_number, p.community_code, coalesce(
    (SELECT h.colour FROM health_code_history h WHERE h.id_number = p.id_number AND h.changed_at < :end
     ORDER BY h.changed_at DESC, h.id DESC LIMIT 1),
    CASE WHEN EXISTS (SELECT 1 FROM health_code_history h WHERE h.id_number = p.id_number)
         THEN (SELECT h.previous_colour FROM health_code_history h WHERE h.id_number = p.id_number
               ORDER BY h.changed_at, h.id LIMIT 1)
         ELSE (SELECT hc.colour FROM health_code hc WHERE hc.id_number = p.id_number) END, 'none') AS colour
  FROM person p
), ent AS (
  SELECT e.community_code, enterprise_status(count(*) FILTER (WHERE c.colour = 'red')::int,
           count(*) FILTER (WHERE c.colour = 'yellow')::int, count(c.id_number) FILTER (WHERE c.colour = 'none')::int,
           count(c.id_number)::int) AS status
  FROM enterprise e LEFT JOIN employment em USING (credit_code) LEFT JOIN colour c ON c.id_number = em.id_number
  GROUP BY e.credit_code, e.community_code
)
SELECT m.code,
  (SELECT count(*) FROM colour c WHERE c.community_code = m.code AND c.colour = 'red') AS residents_red,
  (SELECT count(*) FROM colour c WHERE c.community_code = m.code AND c.colour = 'yellow') AS residents_yellow,
  (SELECT count(*) FROM colour c WHERE c.community_code = m.code AND c.colour = 'none') AS residents_none,
  (SELECT count(*) FROM ent WHERE ent.community_code = m.code AND ent.status = 'warned') AS enterprises_warned,
  (SELECT count(*) FROM ent WHERE ent.community_code = m.code AND ent.status = 'cleared') AS enterprises_cleared
FROM community m ORDER BY m.code
"""


@pytest.mark.parametrize("days_ago", [1, 7, 20])
def test_the_districts_figures_of_a_day_equal_a_recount_from_the_history(district, days_ago):
    conn = district
    # A day with at least one whole day of the demo's history after it: just after midnight in Beijing, yesterday's
    # end and now are minutes apart and may hold no change at all.
    day = T - timedelta(days=days_ago + 1)
    end = datetime.combine(day + timedelta(days=1), time(0), BEIJING)
    recount = {r.code: tuple(r[1:]) for r in conn.execute(text(RECOUNT), {"end": end})}
    rows = aggregates.community_map_rows(conn, Scope("330105000000"), day)
    shown = {r["code"]: (r["residents_red"], r["residents_yellow"], r["residents_none"], r["enterprises_warned"],
                         r["enterprises_cleared"]) for r in rows}
    assert shown == recount
    assert sum(v[0] for v in shown.values()) > 0  # the demo had red codes then
    now = {r["code"]: r["residents_red"] for r in aggregates.community_map_rows(conn, Scope("330105000000"))}
    assert {c: v[0] for c, v in shown.items()} != now  # and not the same as today


def test_a_day_shows_only_the_area_of_the_session(conn):
    """The figures functions run as their owner: they return only the rows of the session's area."""
    enter(conn, signed_in("gcq.history", "拱宸桥", "official", "330105005000"))
    rows = conn.execute(text("SELECT community_code FROM community_stats_as_of(:d)"), {"d": T - timedelta(days=3)})
    assert {r[0][:9] for r in rows} == {"330105005"}
    points = conn.execute(text("SELECT DISTINCT left(community_code, 9) FROM enterprise_stats_as_of(:d)"),
                          {"d": T - timedelta(days=3)}).scalars().all()
    assert points == ["330105005"]
    enter(conn, None)  # no session: nothing
    conn.execute(text("SELECT set_config('sansetu.session', '', true)"))
    assert conn.execute(text("SELECT count(*) FROM community_stats_as_of(:d)"), {"d": T}).scalar() == 0


def test_the_url_keeps_the_day_and_drops_a_day_that_is_not_past():
    day = T - timedelta(days=3)
    view = View(street="330105005000", day=day)
    assert parse_view(view_search(view)) == (view, [])
    assert f"day={day.isoformat()}" in view_search(view)
    for bad in (T.isoformat(), (T + timedelta(days=1)).isoformat(), "2026-02-30", "yesterday"):
        assert parse_view(f"?day={bad}") == (View(), ["day"])


def test_playback_steps_a_day_at_a_time_up_to_now():
    first = T - timedelta(days=3)
    assert next_day(None, first, T) == first
    assert next_day(first, first, T) == T - timedelta(days=2)
    assert next_day(T - timedelta(days=1), first, T) is None
    assert next_day(None, T - timedelta(days=90), T) == T - timedelta(days=30)  # from now: the last 30 days
