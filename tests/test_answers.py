"""The map's answers: the same question is answered once for every process (Redis), never across areas or
rights, anew when the data changes, and without Redis as well; the data's time as row-level security sees it."""

from __future__ import annotations

import json
import time

import orjson
import pytest
from sqlalchemy import func, select, text

from callbacks import answers
from callbacks.colour_map.view import cached_view_outputs, view_outputs
from data_access import aggregates
from data_access import cache as answers_cache
from data_access.session import reading
from data_access.tables import health_code
from domain import clock
from layouts.view import View
from tests.helpers import OUTPUTS, access_of, logged_in_client, shown_codes, view_callback_body


@pytest.fixture
def counting(monkeypatch):
    """The cache as a dict in this process, counting what it was asked (Redis itself is tested below)."""
    kept: dict[str, bytes] = {}
    asked = {"get": 0, "hit": 0}
    monkeypatch.setattr(answers, "_versions", {})

    def get(name):
        asked["get"] += 1
        asked["hit"] += name in kept
        return kept.get(name)

    monkeypatch.setattr(answers_cache, "get", get)
    monkeypatch.setattr(answers_cache, "put", lambda name, value, seconds=0: kept.__setitem__(name, value))
    return asked


def _json(outputs) -> list:
    """The outputs as the browser receives them (the cached answer is orjson fragments)."""
    return orjson.loads(orjson.dumps(list(outputs)))


def _drawn(view: View, user: str) -> dict:
    return dict(zip(OUTPUTS, _json(cached_view_outputs(view, [], access_of(user))), strict=True))


def test_a_cached_answer_is_the_plain_json_of_the_drawn_one(engine, counting):
    fresh = answers.plain(list(view_outputs(View(street="330105005000"), [], access_of("official"))))
    first = cached_view_outputs(View(street="330105005000"), [], access_of("official"))
    again = cached_view_outputs(View(street="330105005000"), [], access_of("official"))
    assert counting == {"get": 2, "hit": 1}
    assert _json(first) == _json(again) == _json(fresh)


def test_the_same_view_is_never_answered_across_areas_or_rights(engine, counting):
    district = _drawn(View(), "official")
    street = _drawn(View(), "gcq.official")  # his own street, not the district's cached answer
    assert len(shown_codes(district["figure"])) == 99
    assert len(shown_codes(street["figure"])) == 8
    with engine.connect() as conn:
        code, community = conn.execute(text("SELECT credit_code, community_code FROM enterprise_stats"
                                             " WHERE status <> 'cleared' ORDER BY credit_code LIMIT 1")).one()
    view = View(street=community[:9] + "000", community=community, enterprise=code)
    staff = json.dumps(_drawn(view, "official")["side"], ensure_ascii=False)
    counts_only = json.dumps(_drawn(view, "operator")["side"], ensure_ascii=False)  # no people, same area
    assert staff != counts_only
    assert "****" in staff and "****" not in counts_only


def test_a_changed_colour_is_a_new_question(engine, counting):
    before = _drawn(View(street="330105005000"), "official")
    with engine.begin() as conn:
        person = conn.execute(text(
            "SELECT h.id_number FROM health_code h JOIN person p USING (id_number)"
            " WHERE h.colour = 'green' AND p.community_code LIKE '330105005%' ORDER BY 1 LIMIT 1")).scalar()
        conn.execute(text("UPDATE health_code SET colour = 'red', changed_at = now() WHERE id_number = :p"),
                     {"p": person})
    try:
        time.sleep(answers.VERSION_SECONDS)  # how long a process may answer from the version it last read
        after = _drawn(View(street="330105005000"), "official")
        assert after["version"] != before["version"]
        assert after["kpis"] != before["kpis"]
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE health_code SET colour = 'green', changed_at = now() WHERE id_number = :p"),
                         {"p": person})


def test_without_redis_every_answer_is_computed_and_none_fails(engine, monkeypatch):
    import redis

    monkeypatch.setattr(answers_cache, "_client", redis.Redis(port=1, socket_connect_timeout=0.2))
    monkeypatch.setattr(answers_cache, "_down_until", 0.0)
    drawn = _drawn(View(), "official")
    assert len(shown_codes(drawn["figure"])) == 99 and drawn["message"] == ""
    assert answers_cache._down_until > 0  # left alone for a while: no request waits for a dead Redis


def test_redis_keeps_an_answer_for_every_process(engine):
    name = answers_cache.key("test", "redis round trip")
    answers_cache.put(name, b"answer", seconds=5)
    if answers_cache.get(name) is None:
        pytest.skip("Redis is not running here")
    assert answers_cache.get(name) == b"answer"


def test_the_callback_over_http_answers_the_same_from_the_cache(app_module):
    client = logged_in_client(app_module, "official")
    bodies = [client.post("/_dash-update-component", json=view_callback_body("?street=330105005000")).data
              for _ in range(2)]
    assert bodies[0] == bodies[1]
    assert len(shown_codes(json.loads(bodies[1])["response"]["community-map-drawn"]["data"])) == 8


@pytest.mark.parametrize("user", ["official", "gcq.official", "tzl.worker"])
def test_the_data_time_is_the_newest_colour_row_level_security_shows(engine, user):
    with reading(access_of(user)) as conn:
        visible = conn.execute(select(func.max(health_code.c.changed_at))).scalar()
        assert aggregates.data_time(conn) == visible


def test_the_data_time_needs_a_session(engine):
    with engine.connect() as conn:
        assert aggregates.data_time(conn) is None


def test_the_data_version_turns_with_the_beijing_day_whatever_the_sessions_time_zone(engine):
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) are never on the same date: a version built on the
    session's date would differ between them (and keep yesterday's managed counts until 08:00 in Beijing)."""
    versions = set()
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"):
        with engine.connect() as conn, conn.begin():
            conn.execute(text(f"SET LOCAL TimeZone = '{zone}'"))
            versions.add(aggregates.data_version(conn))
    assert len(versions) == 1
    assert versions.pop().endswith("/" + clock.today().isoformat())


def test_an_answer_is_encoded_as_its_plain_json_byte_for_byte(engine):
    """encoded lets orjson ask for each component as it meets it (no walk of the figures' arrays in Python):
    the bytes are those of the plain walk's values, for every output of a community's view (components,
    figure, numbers) and for a numeric from the database."""
    from decimal import Decimal

    outputs = list(view_outputs(View(street="330105005000", community="330105005051"), [], access_of("official")))
    outputs.append({"share": Decimal("0.125"), "rows": ((1, "一"), (2, None))})
    for value in outputs:
        reference = orjson.dumps(answers.plain(value), option=orjson.OPT_NON_STR_KEYS,
                                 default=float)  # only a Decimal is left
        for unsafe, safe in answers.ESCAPES:
            reference = reference.replace(unsafe, safe)
        assert answers.encoded(value) == reference
