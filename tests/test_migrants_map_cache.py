"""The oversight map's layers of new residents (the area's density of cells, a community's rental houses) are
drawn once per area, role, question and migrants' data version (the shared answer cache), and anew as soon as a
house is added through the review of a landlord's declaration; the cached answer is the drawn one."""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy import text

from callbacks import answers
from callbacks.migrants import page
from data_access import cache as answers_cache
from data_access.migrants import maps
from data_access.session import reading
from tests.helpers import access_of
from tests.test_migrants import TZL, house_in


@pytest.fixture
def drawn(monkeypatch):
    """The cache as a dict in this process; counts how often the map is drawn."""
    kept: dict[str, bytes] = {}
    count = {"drawn": 0, "kept": kept}
    monkeypatch.setattr(answers_cache, "get", kept.get)
    monkeypatch.setattr(answers_cache, "put", lambda name, value, seconds=0: kept.__setitem__(name, value))
    real = page.map_outputs

    def counting(*args):
        count["drawn"] += 1
        return real(*args)

    monkeypatch.setattr(page, "map_outputs", counting)
    return count


def _json(outputs) -> list:
    return orjson.loads(orjson.dumps(list(outputs)))


def _plain(outputs) -> list:
    return orjson.loads(b"[" + b",".join(answers.encoded(v) for v in outputs) + b"]")


def _points(figure: dict) -> int:
    return sum(len(d.get("lon") or []) for d in figure["data"] if d["type"] == "scattermap")


def test_each_layer_is_drawn_once_and_served_from_the_cache_as_drawn(engine, drawn):
    official = access_of("gcq.official")
    density = _json(page.cached_map(official, None, "houses"))
    assert drawn["drawn"] == 1 and len(drawn["kept"]) == 1
    assert _json(page.cached_map(official, None, "houses")) == density and drawn["drawn"] == 1
    houses = _json(page.cached_map(official, TZL, "houses"))
    assert drawn["drawn"] == 2 and _json(page.cached_map(official, TZL, "houses")) == houses and drawn["drawn"] == 2
    page.cached_map(access_of("leader"), None, "houses")  # the district's: another area, another answer
    page.cached_map(official, None, "migrants")  # another weight
    assert drawn["drawn"] == 4 and len(drawn["kept"]) == 4
    assert density == _plain(page.map_view(official, None, "houses"))  # drawn afresh: the same
    assert houses == _plain(page.map_view(official, TZL, "houses")) and houses != density


def test_a_house_accepted_in_review_moves_the_version_and_is_on_the_next_map(app_module, engine, drawn):
    official = access_of("gcq.official")
    with reading(official) as conn:
        before = maps.data_version(conn)
    first = _json(page.cached_map(official, TZL, "migrants"))
    code = house_in(app_module, engine, TZL, "tzl.worker")  # the landlord's declaration, accepted
    with reading(official) as conn:
        assert maps.data_version(conn) != before
    again = _json(page.cached_map(official, TZL, "migrants"))
    assert drawn["drawn"] == 2 and _points(again[0]) == _points(first[0]) + 1
    with engine.connect() as conn:
        address = conn.execute(text("SELECT address FROM mg_house WHERE house_code = :c"), {"c": code}).scalar()
    assert address in str(again[0]) and address not in str(first[0])


def test_the_version_is_the_same_for_every_area_and_the_web_role_cannot_move_it(engine):
    with reading(access_of("leader")) as district, reading(access_of("tzl.worker")) as community:
        assert maps.data_version(district) == maps.data_version(community)
    with engine.connect() as conn:
        assert not conn.execute(text("SELECT has_table_privilege('sansetu_app', 'mg_data_version', 'UPDATE')"
                                     " OR has_function_privilege('sansetu_app', 'mg_bump_data_version()',"
                                     " 'EXECUTE')")).scalar()
