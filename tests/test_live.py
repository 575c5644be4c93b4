"""The health-code platform's endpoint: tokens are required and kept hashed; a bad batch is refused whole
with its reasons; a good batch lands with its history, and the map's next poll redraws with it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from callbacks.api import PATH
from data_access.users import integrations
from tests.builders import id_number
from tests.helpers import ids, logged_in_client, view_callback_body

TZL = "330105005052"


def now(**ahead: float) -> str:
    """Now (or ahead of now by minutes=...), with its offset: after every colour the demo set."""
    return (datetime.now(UTC) + timedelta(**ahead)).astimezone().isoformat()


@pytest.fixture(scope="module")
def token(engine):
    with engine.begin() as conn:
        made = integrations.create_token(conn, "zj.healthcode", "test", "浙江省健康码平台", apis=["health_codes"])
        stored = conn.execute(text("SELECT token_sha256 FROM integration WHERE name = 'zj.healthcode'")).scalar()
    assert made not in stored and len(stored) == 64
    return made


def residents(engine, n: int) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text(
            "SELECT p.id_number FROM person p JOIN health_code h USING (id_number)"
            " WHERE p.community_code = :c AND h.colour = 'green' ORDER BY p.id_number LIMIT :n"),
            {"c": TZL, "n": n})]


def post(app_module, body, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return app_module.server.test_client().post(PATH, json=body, headers=headers)


def red_residents(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT residents_red FROM community_stats WHERE community_code = :c"),
                            {"c": TZL}).scalar()


def test_no_token_or_a_wrong_one_is_refused(app_module, token):
    body = {"changes": [{"id_number": id_number(), "colour": "red", "changed_at": now()}]}
    assert post(app_module, body).status_code == 401
    assert post(app_module, body, token + "x").status_code == 401
    assert post(app_module, body, "sst_" + "A" * 43).status_code == 401
    assert post(app_module, {"nothing": 1}, token).status_code == 400


def test_a_revoked_token_is_refused(app_module, engine):
    with engine.begin() as conn:
        old = integrations.create_token(conn, "old.platform", "test", apis=["health_codes"])
        integrations.revoke_token(conn, "old.platform")
    body = {"changes": [{"id_number": id_number(), "colour": "red", "changed_at": now()}]}
    assert post(app_module, body, old).status_code == 401


def test_a_token_opens_only_the_apis_it_was_made_for_and_a_wrong_door_is_audited(app_module, engine):
    from callbacks.health_services.api import PATH as APPEALS
    from callbacks.keypersons.api import PATH as BATCHES

    with engine.begin() as conn:
        feed = integrations.create_token(conn, "kp.feed.only", "test", apis=["keyperson_batches"])
        both = integrations.create_token(conn, "two.doors", "test", apis=["appeals", "health_codes"])
    client = app_module.server.test_client()
    body = {"changes": [{"id_number": id_number(), "colour": "red", "changed_at": now()}]}
    refused = post(app_module, body, feed)
    assert refused.status_code == 403 and refused.get_json()["error"] == "此令牌无权调用该接口"
    assert post(app_module, {"nothing": 1}, both).status_code == 400  # past the door: the body is judged
    door = client.post(BATCHES, json={"records": []}, headers={"Authorization": f"Bearer {both}"})
    assert door.status_code == 403
    assert client.post(APPEALS, json={}, headers={"Authorization": f"Bearer {feed}"}).status_code == 403
    with engine.connect() as conn:
        asked = conn.execute(text("SELECT detail->>'asked' FROM audit_log WHERE action = 'refused'"
                                  " AND username IN ('api:kp.feed.only', 'api:two.doors') ORDER BY id")).scalars().all()
        used = dict(conn.execute(text("SELECT name, last_used_at IS NOT NULL FROM integration"
                                      " WHERE name IN ('kp.feed.only', 'two.doors')")).all())
    assert asked == ["api:health_codes", "api:keyperson_batches", "api:appeals"]
    assert used == {"kp.feed.only": False, "two.doors": True}  # a refused call is no use of the token


def test_a_token_names_at_least_one_known_api(engine):
    with engine.begin() as conn:
        for apis in ([], ["health_codes", "everything"]):
            with pytest.raises(integrations.TokenError, match=r"token\.bad_apis"):
                integrations.create_token(conn, "no.doors", "test", apis=apis)
        with pytest.raises(Exception, match="integration_apis_check"):
            conn.execute(text("INSERT INTO integration (name, token_sha256, created_by, apis)"
                              " VALUES ('sql.doors', repeat('a', 64), 'test', ARRAY['all'])"))
        conn.rollback()


def test_a_bad_batch_is_refused_whole_with_reasons(app_module, engine, token):
    people = residents(engine, 2)
    before = red_residents(engine)
    body = {"changes": [
        {"id_number": people[0], "colour": "red", "changed_at": now()},
        {"id_number": people[1], "colour": "purple", "changed_at": now()},
        {"id_number": "3.30105E+17", "colour": "red", "changed_at": now()},
    ]}
    response = post(app_module, body, token)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {(e["index"], e["field"], e["column"]) for e in errors} == {(2, "colour", "健康码颜色"),
                                                                       (3, "id_number", "身份证号码")}
    assert all(e["reason"] for e in errors)
    assert red_residents(engine) == before


def test_a_good_batch_lands_and_the_map_shows_it(app_module, engine, token):
    people = residents(engine, 3)
    client = logged_in_client(app_module, "official")
    first = json.loads(client.post("/_dash-update-component",
                                   json=view_callback_body("?street=330105005000")).data)["response"]
    seen = first[ids.LIVE_SEEN]["data"]
    before = red_residents(engine)
    body = {"changes": [{"id_number": p, "colour": "红码", "changed_at": now()}
                        for p in people]}
    response = post(app_module, body, token)
    assert response.status_code == 200 and response.get_json()["applied"] == 3
    assert red_residents(engine) == before + 3
    with engine.connect() as conn:
        history = conn.execute(text("SELECT count(*) FROM health_code_history WHERE id_number = ANY (:p)"
                                    " AND colour = 'red' AND source = 'zj.healthcode'"), {"p": people}).scalar()
    assert history == 3
    # the map page's next poll sees a new version, which redraws the view with the new count
    poll = {"output": f"{ids.LIVE_VERSION}.data", "outputs": {"id": ids.LIVE_VERSION, "property": "data"},
            "inputs": [{"id": ids.LIVE_TICK, "property": "n_intervals", "value": 1}],
            "state": [{"id": ids.LIVE_SEEN, "property": "data", "value": seen}],
            "changedPropIds": [f"{ids.LIVE_TICK}.n_intervals"]}
    version = json.loads(client.post("/_dash-update-component", json=poll).data)["response"]
    assert version[ids.LIVE_VERSION]["data"] != seen
    again = json.loads(client.post("/_dash-update-component",
                                   json=view_callback_body("?street=330105005000")).data)["response"]
    assert again[ids.LIVE_SEEN]["data"] == version[ids.LIVE_VERSION]["data"]
    # the same batch again changes nothing
    assert post(app_module, body, token).get_json()["result"] == "unchanged"
    assert red_residents(engine) == before + 3


def test_an_administrator_creates_a_token_that_works_and_revokes_it(app_module, engine, as_user):
    from callbacks.audit.log import audit_view
    from callbacks.gate import NotAllowed
    from callbacks.users.admin import integration_admin
    from tests.helpers import access_of

    admin = access_of("admin")
    with as_user("admin"):
        _, no_api = integration_admin(admin, ids.TOKEN_CREATE, "city.platform", "市平台", None, [])
        rows, message = integration_admin(admin, ids.TOKEN_CREATE, "city.platform", "市平台", None,
                                          ["health_codes", "appeals"])
    assert no_api.startswith("请至少选择一个可调用的接口")
    token = message.split("的令牌：")[1].split("（")[0]
    assert any(r["name"] == "city.platform" and r["state"] == "在用" and r["apis"] == "推送变码、申诉" for r in rows)
    body = {"changes": [{"id_number": residents(engine, 1)[0], "colour": "yellow", "changed_at": now()}]}
    assert post(app_module, body, token).status_code == 200
    with as_user("admin"):
        rows, _ = integration_admin(admin, ids.TOKEN_REVOKE, "", "", "city.platform")
        _, refused = integration_admin(admin, ids.TOKEN_CREATE, "Bad Name!", "", None)
    assert "只能用" in refused
    assert next(r for r in rows if r["name"] == "city.platform")["last_used_at"]
    assert post(app_module, body, token).status_code == 401
    with pytest.raises(NotAllowed):
        integration_admin(access_of("operator"), ids.TOKEN_CREATE, "x.y.z", "", None)
    shown, _ = audit_view(access_of("auditor"), "live_batch", None, None)
    assert shown and all(r["action"] == "接口推送健康码" for r in shown)


def test_a_live_batch_does_not_wait_behind_a_long_file_import(app_module, engine, token):
    import threading

    people = residents(engine, 1)
    body = {"changes": [{"id_number": people[0], "colour": "yellow", "changed_at": now()}]}
    answers = []
    with engine.connect() as importing:
        importing.execute(text("SELECT pg_advisory_xact_lock(hashtext('sansetu.import'))"))  # a file loading
        worker = threading.Thread(target=lambda: answers.append(post(app_module, body, token).status_code))
        worker.start()
        worker.join(timeout=20)
        importing.rollback()
    assert answers == [200]


def colours_of(engine, people: list[str]) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT id_number, colour || ' ' || changed_at FROM health_code"
                                      " WHERE id_number = ANY (:p)"), {"p": people}).all())


def test_a_change_in_the_future_is_refused_with_its_index_and_nothing_is_applied(app_module, engine, token):
    people = residents(engine, 3)
    before, red = colours_of(engine, people), red_residents(engine)
    body = {"changes": [{"id_number": people[0], "colour": "red", "changed_at": now()},
                        {"id_number": people[1], "colour": "red", "changed_at": "2099-01-01T00:00:00+08:00"},
                        {"id_number": people[2], "colour": "red", "changed_at": "2099-01-01"}]}
    response = post(app_module, body, token)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [(e["index"], e["field"], e["column"], e["value"]) for e in errors] == [
        (2, "changed_at", "变码时间", "2099-01-01T00:00:00+08:00"), (3, "changed_at", "变码时间", "2099-01-01")]
    assert all("将来" in e["reason"] for e in errors)
    assert colours_of(engine, people) == before and red_residents(engine) == red


def test_a_change_two_minutes_ahead_is_within_the_allowed_clock_skew(app_module, engine, token):
    person = residents(engine, 1)[0]
    body = {"changes": [{"id_number": person, "colour": "yellow", "changed_at": now(minutes=2)}]}
    response = post(app_module, body, token)
    assert response.status_code == 200 and response.get_json()["applied"] == 1
    assert colours_of(engine, [person])[person].startswith("yellow ")
