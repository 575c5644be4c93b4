"""Every download route of the app (/export/...) stands behind the one door (callbacks.door): a request naming
no area gets 400 with a line of Chinese, an area outside the user's rights gets 403 and an audited refusal. The
routes are found in the app's URL map, so a new export route that skips the door fails here."""

from __future__ import annotations

from sqlalchemy import text

from callbacks.door import Door
from tests.helpers import logged_in_client

OTHER_STREET = "330105001000"  # 米市巷街道: not gcq.official's street
OTHER_COMMUNITY = "330105001001"


def _export_routes(app_module) -> dict[str, str]:
    """Every /export route's URL (its variables filled in: a file kind) by endpoint."""
    server = app_module.server
    return {rule.endpoint: rule.build({name: "xlsx" for name in rule.arguments})[1]
            for rule in server.url_map.iter_rules() if rule.rule.startswith("/export")}


def _door(app_module, endpoint: str) -> Door | None:
    return getattr(app_module.server.view_functions[endpoint], "door", None)


def _refusals(engine, username: str) -> list[tuple[str | None, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT area, detail->>'asked' FROM audit_log WHERE action = 'refused' AND username = :u ORDER BY id"),
            {"u": username})]


def test_the_app_has_its_export_routes(app_module):
    assert set(_export_routes(app_module)) >= {
        "export_enterprises", "export_appeal_decisions", "export_keyperson_records", "export_keyperson_overdue",
        "export_policy_roll", "export_audit", "export_migrant_houses"}


def test_every_export_route_stands_behind_the_door(app_module):
    assert [e for e in _export_routes(app_module) if not isinstance(_door(app_module, e), Door)] == []


def test_every_export_route_refuses_a_request_that_names_no_area(app_module):
    official = logged_in_client(app_module, "official")  # the district: every area is within its rights
    asked = {e: url for e, url in _export_routes(app_module).items() if _door(app_module, e).param}
    assert len(asked) >= 5
    for endpoint, url in asked.items():
        door = _door(app_module, endpoint)
        for bad in ("", "abc", "33010500500", "3301050050000", "33010500500x"):
            response = official.get(url, query_string={door.param: bad})
            assert (response.status_code, response.mimetype) == (400, "text/plain"), (endpoint, bad)
            assert response.data.decode() == ("导出参数无效：" + door.param if door.bad == "export.bad_request"
                                              else "请选择您辖区内的社区"), endpoint


def test_every_export_route_refuses_an_area_outside_the_users_rights_and_audits_it(app_module, engine):
    street = logged_in_client(app_module, "gcq.official")  # an official of one street
    for endpoint, url in _export_routes(app_module).items():
        door = _door(app_module, endpoint)
        area = (OTHER_COMMUNITY if door.community else OTHER_STREET) if door.param else None
        before = _refusals(engine, "gcq.official")
        response = street.get(url, query_string={door.param: area} if door.param else {})
        assert (response.status_code, response.data.decode()) == (403, "无权访问。"), endpoint
        asked = url + (f"?{door.param}={area}" if door.param else "?")
        assert _refusals(engine, "gcq.official")[len(before):] == [(area, asked)], endpoint


def test_a_door_of_one_community_refuses_a_street(app_module):
    official = logged_in_client(app_module, "official")
    response = official.get(f"/export/migrants/houses.xlsx?community={OTHER_STREET}")
    assert response.status_code == 400 and response.data.decode() == "请选择您辖区内的社区"
