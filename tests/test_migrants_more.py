"""新拱墅人一码通, more: the oversight map's layers (the area's density per cell, a community's rental houses by
occupancy, both within the viewer's area), the landlord's house placed on the public form's small map (the
point checked in the community by PostgreSQL, kept through review), migrants linked to the person register,
the public house search throttled per address, and the landlord's receipt that promises no QR code."""

from __future__ import annotations

import re
from itertools import count

import pytest
from sqlalchemy import text

from data_access.migrants import maps
from domain.divisions import Scope
from tests.builders import id_number
from tests.helpers import access_of
from tests.test_migrants import (
    TZL,
    csrf_of,
    declare_migrant,
    green_resident,
    house_in,
    phone_client,
    post,
    waiting_id,
)

GCQ = "330105005000"  # 拱宸桥街道, gcq.official's street
_addresses = count(1)


def _svg_size(page: str) -> tuple[int, int]:
    width, height = re.search(r'<svg width="(\d+)" height="(\d+)"', page).groups()
    return int(width), int(height)


def _hidden(page: str) -> dict:
    return dict(re.findall(r'name="(lon|lat|map_view)" value="([^"]*)"', page))


def _alert(page: str) -> str:
    found = re.search(r'role="alert">([^<]*)', page)
    return found.group(1) if found else ""


def _landlord(**extra) -> dict:
    return {"kind": "landlord", "id_number": id_number(), "name": "房东乙", "phone": "13900002222",
            "address": f"地图路{next(_addresses)}号", "rooms": "2", **extra}


def _community_centre(engine, community: str) -> tuple[float, float]:
    with engine.connect() as conn:
        return tuple(conn.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p"
                                       " FROM community WHERE code = :c) x"), {"c": community}).one())


def _elsewhere(engine) -> str:
    """A community of another street than 台州路社区's."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT min(code) FROM community WHERE street_code <> :s"), {"s": GCQ}).scalar()


def _tap(client, form: dict, view: dict, x: float, y: float):
    return client.post("/m/declare?kind=landlord", data={**form, **view, "pick.x": str(x), "pick.y": str(y)})


# -- the oversight map --------------------------------------------------------------------------------------

def test_the_density_cells_count_every_house_and_migrant_of_the_area_once(engine):
    with engine.connect() as conn:
        for scope in (Scope("330105000000"), Scope(GCQ)):
            cells = maps.density_cells(conn, scope)
            houses, migrants = conn.execute(text(
                "SELECT (SELECT count(*) FROM mg_house WHERE community_code LIKE :p),"
                " (SELECT count(*) FROM mg_migrant WHERE house_id IS NOT NULL AND community_code LIKE :p)"),
                {"p": scope.prefix + "%"}).one()
            assert sum(c["houses"] for c in cells) == houses and sum(c["migrants"] for c in cells) == migrants
            assert 0 < len(cells) < houses  # aggregated, not a point a house
            inside = conn.execute(text(
                "SELECT count(*) FROM unnest(CAST(:x AS float8[]), CAST(:y AS float8[])) AS p(x, y)"
                " WHERE EXISTS (SELECT 1 FROM community c WHERE c.code LIKE :p AND ST_DWithin(c.geom,"
                " ST_SetSRID(ST_MakePoint(x, y), 4326), 0.003))"),
                {"x": [c["lon"] for c in cells], "y": [c["lat"] for c in cells], "p": scope.prefix + "%"}).scalar()
            assert inside == len(cells)  # a street's cells lie on the street, not elsewhere in the district


def test_a_communitys_houses_are_coloured_by_occupancy_with_the_landlord_masked(conn):
    landlord = conn.execute(text("INSERT INTO mg_landlord (community_code, id_number, name, phone) VALUES"
                                 " (:c, :i, '欧阳明华', '13900003333') RETURNING id"),
                            {"c": TZL, "i": id_number()}).scalar()
    codes = {}
    for code, tenants in (("TESTA001", 0), ("TESTA002", 2), ("TESTA003", 3)):  # capacity 2 each
        house = conn.execute(text(
            "INSERT INTO mg_house (community_code, house_code, landlord_id, address, rooms, capacity, location)"
            " SELECT :c, :code, :l, '占用测试路', 1, 2, ST_PointOnSurface(geom) FROM community WHERE code = :c"
            " RETURNING id"), {"c": TZL, "code": code, "l": landlord}).scalar()
        for _ in range(tenants):
            conn.execute(text("INSERT INTO mg_migrant (community_code, id_number, name, house_id)"
                              " VALUES (:c, :i, '租客', :h)"), {"c": TZL, "i": id_number(), "h": house})
        codes[code] = house
    houses = {h["house_code"]: h for h in maps.community_houses(conn, Scope(GCQ), TZL)}
    assert [houses[c]["occupancy"] for c in codes] == ["empty", "within", "over"]
    assert houses["TESTA003"]["tenants"] == 3 and houses["TESTA003"]["landlord"] == "欧***"
    assert maps.community_houses(conn, Scope("330105001000"), TZL) == []  # another street's official: nothing


def test_the_leader_gets_the_density_and_a_street_official_only_his_streets_houses(app_module, engine):
    from callbacks.migrants.page import map_view

    figure, legend, message = map_view(access_of("leader"), None, "houses")
    density = next(d for d in figure["data"] if d["type"] == "densitymap")
    with engine.connect() as conn:
        assert sum(density["z"]) == conn.execute(text("SELECT count(*) FROM mg_house")).scalar()
        other = conn.execute(text("SELECT min(code) FROM community WHERE street_code <> :s"), {"s": GCQ}).scalar()
    assert message == "" and "出租房屋密度" in str(legend)
    figure, legend, message = map_view(access_of("gcq.official"), TZL, "migrants")
    names = [d.get("name", "") for d in figure["data"] if d["type"] == "scattermap"]
    assert any(n.startswith("超员") for n in names) and "台州路社区出租房屋" in str(legend)
    assert {loc[:9] for d in figure["data"] if d["type"] == "choroplethmap" for loc in d["locations"]} == {GCQ[:9]}
    figure, legend, message = map_view(access_of("gcq.official"), other, "migrants")
    assert message == "所选社区不在您的辖区，显示您辖区的分布"
    assert any(d["type"] == "densitymap" for d in figure["data"])


# -- the landlord's point on the public form's map ----------------------------------------------------------

def test_a_landlords_tapped_point_becomes_the_houses_location_after_review(app_module, engine):
    from callbacks.migrants.page import decide

    client = phone_client(app_module)
    page = client.get("/m/declare?kind=landlord").data.decode()
    assert "<script" not in page and "<svg" in page and 'type="image"' in page
    form = {"csrf": csrf_of(client, "landlord"), **_landlord(community_code="")}
    lon, lat = _community_centre(engine, TZL)
    # the district's map: tap 台州路社区, whose outline the page then shows with the point
    from callbacks.migrants.public import landlord_view

    _outlines, view, _chosen = landlord_view(None)
    answer = _tap(client, form, _hidden(page), *view.pixel(lon, lat))
    page = answer.data.decode()
    assert answer.status_code == 200 and _alert(page) == ""
    assert re.search(rf'<option value="{TZL}" selected', page) and _hidden(page)["map_view"] == TZL
    # a finer tap on the community's own map
    _outlines, view, _chosen = landlord_view(TZL)
    x, y = view.pixel(lon, lat)
    page = _tap(client, {**form, "community_code": TZL}, _hidden(page), x, y).data.decode()
    tapped = _hidden(page)
    assert abs(float(tapped["lon"]) - lon) < 2e-5 and abs(float(tapped["lat"]) - lat) < 2e-5
    assert "已标注位置" in page and "<circle" in page
    # Enter in a field submits through the map's picture at (0, 0): that is the declaration, not a tap
    answer = _tap(client, {**form, "community_code": TZL}, tapped, 0, 0)
    assert answer.status_code == 303
    assert decide(access_of("tzl.worker"), waiting_id(engine, form["id_number"]), "accept").startswith("已审核")
    with engine.connect() as conn:
        x_, y_ = conn.execute(text("SELECT ST_X(h.location), ST_Y(h.location) FROM mg_house h JOIN mg_landlord l"
                                   " ON l.id = h.landlord_id WHERE l.id_number = :i"),
                              {"i": form["id_number"]}).one()
    assert (round(x_, 6), round(y_, 6)) == (float(tapped["lon"]), float(tapped["lat"]))


def test_a_point_outside_the_chosen_community_is_refused_in_chinese_and_writes_nothing(app_module, engine):

    client = phone_client(app_module)
    form = {"csrf": csrf_of(client, "landlord"), **_landlord(community_code=TZL)}
    before = _hidden(client.get("/m/declare?kind=landlord").data.decode())
    answer = _tap(client, form, {**before, "map_view": TZL}, 1, 1)  # the map's corner: outside the outline
    assert answer.status_code == 400 and _alert(answer.data.decode()).startswith("所点位置不在所选社区范围内")
    other = _community_centre(engine, _elsewhere(engine))
    answer = client.post("/m/declare?kind=landlord", data={**form, "lon": str(other[0]), "lat": str(other[1])})
    assert answer.status_code == 400 and _alert(answer.data.decode()).startswith("所点位置不在所选社区范围内")
    answer = client.post("/m/declare?kind=landlord", data={**form, "lon": "abc", "lat": "30.3"})
    assert answer.status_code == 400 and "地图位置无效" in _alert(answer.data.decode())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM mg_declaration WHERE id_number = :i"),
                            {"i": form["id_number"]}).scalar() == 0


def test_a_declared_point_outside_the_community_is_refused_again_at_review(app_module, engine):
    from callbacks.migrants.page import decide

    number = id_number()
    other = _community_centre(engine, _elsewhere(engine))
    with engine.begin() as conn:  # as if written before the community's outline moved
        declaration = conn.execute(text(
            "INSERT INTO mg_declaration (community_code, kind, id_number, name, phone, fields) VALUES (:c, 'landlord',"
            " :i, '房东丙', '13900004444', CAST(:f AS jsonb)) RETURNING id"),
            {"c": TZL, "i": number,
             "f": f'{{"address": "界外路1号", "rooms": 2, "lon": {other[0]}, "lat": {other[1]}}}'}).scalar()
    assert decide(access_of("tzl.worker"), declaration, "accept").startswith("标注的位置不在该社区范围内")
    with engine.connect() as conn:
        state = conn.execute(text("SELECT state FROM mg_declaration WHERE id = :d"), {"d": declaration}).scalar()
        landlords = conn.execute(text("SELECT count(*) FROM mg_landlord WHERE id_number = :i"), {"i": number}).scalar()
    assert (state, landlords) == ("waiting", 0)


def test_without_a_point_the_house_lies_somewhere_in_its_community(app_module, engine):
    house = house_in(app_module, engine, TZL, "tzl.worker")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT ST_Covers(c.geom, h.location) FROM mg_house h JOIN community c"
                                 " ON c.code = h.community_code WHERE h.house_code = :h"), {"h": house}).scalar()


# -- the person register, the search throttle, the receipt ---------------------------------------------------

def test_an_accepted_migrant_is_linked_to_the_person_register_when_it_holds_the_id(app_module, engine):
    from callbacks.migrants.page import decide
    from data_access.migrants import review
    from data_access.session import reading

    house = house_in(app_module, engine, TZL, "tzl.worker", rooms=3)
    resident, name = green_resident(engine)
    stranger = id_number()
    for number, who in ((resident, name), (stranger, "外来丁")):
        assert declare_migrant(app_module, number, who, house).status_code == 303
        assert decide(access_of("tzl.worker"), waiting_id(engine, number), "accept") == "已审核：已通过"
    with engine.connect() as conn:
        links = dict(conn.execute(text("SELECT id_number, person_id_number FROM mg_migrant"
                                       " WHERE id_number IN (:a, :b)"), {"a": resident, "b": stranger}).all())
    assert links == {resident: resident, stranger: None}
    with reading(access_of("tzl.worker")) as conn:
        rows = {r["id_number"][-4:]: r["in_register"] for r in review.migrants(conn, Scope(TZL), house)}
    assert rows == {resident[-4:]: True, stranger[-4:]: False}


def test_the_public_house_search_is_throttled_per_address(app_module, engine):
    with engine.connect() as conn:
        address = conn.execute(text("SELECT address FROM mg_house ORDER BY id LIMIT 1")).scalar()
    client = phone_client(app_module)
    for _ in range(30):
        assert client.get(f"/m/declare?kind=migrant&q={address[:4]}").status_code == 200
    answer = client.get(f"/m/declare?kind=migrant&q={address[:4]}")
    page = answer.data.decode()
    assert answer.status_code == 429 and _alert(page) == "查找过于频繁，请稍后再试"
    assert 'class="mgp-found"' not in page and "没有找到" not in page
    assert phone_client(app_module).get(f"/m/declare?kind=migrant&q={address[:4]}").status_code == 200  # another
    assert client.get("/m/declare?kind=migrant").status_code == 200  # the form itself stays open


def test_the_landlords_receipt_promises_no_qr_code_and_the_migrants_does(app_module, engine):
    client = phone_client(app_module)
    answer = post(client, "landlord", **{k: v for k, v in _landlord(community_code=TZL).items() if k != "kind"})
    assert answer.status_code == 303
    receipt = client.get(answer.headers["Location"]).data.decode()
    assert "申报已提交" in receipt and "二维码" not in receipt
    house = house_in(app_module, engine, TZL, "tzl.worker")
    number, name = green_resident(engine)
    answer = declare_migrant(app_module, number, name, house, client)
    assert "个人二维码" in client.get(answer.headers["Location"]).data.decode()


@pytest.mark.parametrize("weight", ["migrants", "houses"])
def test_the_density_layer_is_small_whatever_its_weight(app_module, weight):
    import json

    from callbacks.migrants.page import map_view

    figure, _legend, _message = map_view(access_of("leader"), None, weight)
    density = next(d for d in figure["data"] if d["type"] == "densitymap")
    assert len(json.dumps(density)) < 60_000 and all(len(str(v)) <= 10 for v in density["lon"][:50])
