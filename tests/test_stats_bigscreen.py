"""The 30-day trend against the history read directly, and the big screen's refresh and rotation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from callbacks.bigscreen.screen import current_area, draw_screen, screen_options
from data_access.aggregates import colour_trend, data_version
from data_access.reference import divisions
from domain.divisions import DISTRICT, Scope
from layouts.bigscreen.page import VERSION_PATH
from tests.helpers import access_of, logged_in_client, texts

CST = timezone(timedelta(hours=8))


def test_trend_ends_with_today_and_agrees_with_the_history_on_every_day(conn):
    today = datetime.now(CST).date()
    series = colour_trend(conn, Scope("330105000000"), today)
    assert [s["day"] for s in series] == [today - timedelta(days=29 - i) for i in range(30)]
    now = conn.execute(text("SELECT sum(residents_red), sum(residents_yellow) FROM community_stats")).one()
    assert (series[-1]["red"], series[-1]["yellow"]) == tuple(now)
    for point in series[::7]:
        direct = conn.execute(text("""
            SELECT count(*) FILTER (WHERE last.colour = 'red'), count(*) FILTER (WHERE last.colour = 'yellow')
            FROM person p JOIN LATERAL (
              SELECT colour FROM health_code_history h WHERE h.id_number = p.id_number
                AND h.changed_at < (CAST(:day AS date) + interval '1 day') AT TIME ZONE 'Asia/Shanghai'
              ORDER BY changed_at DESC, id DESC LIMIT 1) last ON true
            WHERE p.community_code IS NOT NULL"""), {"day": point["day"]}).one()
        assert (point["red"], point["yellow"]) == tuple(direct), point["day"]


def test_data_version_changes_when_a_colour_changes(conn):
    before = data_version(conn)
    person = conn.execute(text("SELECT id_number FROM health_code h JOIN person p USING (id_number)"
                               " WHERE colour = 'green' AND p.community_code IS NOT NULL LIMIT 1")).scalar()
    conn.execute(text("SELECT pg_sleep(0.01)"))
    conn.execute(text("UPDATE health_code SET colour = 'red', changed_at = clock_timestamp()"
                      " WHERE id_number = :p"), {"p": person})
    assert data_version(conn) != before


@pytest.mark.parametrize(("search", "expected"), [
    ("", {"refresh": 1, "rotate": 0, "street": None}),
    ("?refresh=0&rotate=99999&street=330105005000", {"refresh": 1, "rotate": 3600, "street": "330105005000"}),
    ("?refresh=abc&street=bogus", {"refresh": 1, "rotate": 0, "street": None}),
])
def test_screen_options_are_read_and_bounded(search, expected):
    assert screen_options(search) == expected


def test_rotation_moves_through_the_streets_at_the_chosen_pace():
    options = {"refresh": 1, "rotate": 60, "street": None}
    streets = [d.code for d in divisions() if d.level == "street"]
    assert current_area(options, 0, streets) == current_area(options, 59, streets) == "330105001000"
    assert current_area(options, 60, streets) == "330105002000"
    assert current_area(options, 60 * len(streets), streets) == streets[0]
    assert current_area({**options, "rotate": 0}, 600, streets) == DISTRICT.code
    assert current_area(options, 60, streets, "330105005052") == "330105005052"  # a worker sees their own


def test_the_version_check_names_the_area_and_stays_the_same_while_nothing_changes(app_module):
    client = logged_in_client(app_module, "leader")
    first = client.get(VERSION_PATH).get_json()
    assert first["area"] == DISTRICT.code and client.get(VERSION_PATH).get_json() == first
    street = client.get(VERSION_PATH + "?street=330105005000").get_json()
    assert street["area"] == "330105005000" and street["key"] != first["key"]
    worker = logged_in_client(app_module, "tzl.worker").get(VERSION_PATH + "?street=330105005000").get_json()
    assert worker["area"] == "330105005052"
    assert app_module.server.test_client().get(VERSION_PATH).status_code == 401


WANTED = {"key": "v1|330105000000|day", "area": DISTRICT.code, "size": [1920, 1080], "at": 1}


def test_the_screen_draws_the_wanted_picture_with_a_legend_units_and_data_time(as_user):
    with as_user("leader"):
        title, kpis, figure, legend, ranking, trend, shown, hidden = draw_screen(WANTED)
    assert title == "拱墅区三色图指挥大屏" and len(kpis) == 6 and len(trend["data"]) == 2 and len(ranking) == 2
    assert figure["layout"]["map"]["style"]["layers"][0]["type"] == "background"  # dark, offline
    assert sum(len(t["locations"]) for t in figure["data"] if t["type"] == "choroplethmap") == 99
    words = texts(legend)
    assert "红码率（%）" in words and "≤ 0.1%" in words and "> 5%" in words and "数据时间：" in words
    assert shown == {"key": WANTED["key"], "at": 1, "size": [1920, 1080], "ok": True} and hidden is True


def test_an_area_outside_the_users_own_is_not_drawn(as_user):
    with as_user("tzl.worker"):
        title = draw_screen({**WANTED, "size": "huge"})[0]
    assert title == "拱宸桥街道台州路社区三色图指挥大屏"


def test_statistics_rank_streets_at_district_level_and_compare_communities_in_a_street(engine):
    from callbacks.statistics.charts import statistics_figures
    from layouts.view import View

    ranking, trend, third = statistics_figures(View(), access_of("leader"))
    assert len(ranking["data"][0]["y"]) == 20 and len(third["data"][0]["y"]) == 10
    assert "各街道" in third["layout"]["title"]["text"]
    ranking, trend, third = statistics_figures(View("330105005000"), access_of("leader"))
    assert len(ranking["data"][0]["y"]) == 8 and len(third["data"][0]["x"]) == 8
    assert len(trend["data"][0]["y"]) == 30
