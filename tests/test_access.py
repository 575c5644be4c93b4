"""Who sees what: anonymous requests refused everywhere, each role within its area, enforced by PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from callbacks.audit.log import audit_view
from callbacks.colour_map.reveal import reveal_text
from callbacks.colour_map.view import view_outputs
from callbacks.gate import NotAllowed
from callbacks.users.admin import user_admin
from data_access.settings import app_database_url
from layouts.view import View, parse_view
from tests.helpers import OUTPUTS, access_of, ids, logged_in_client, shown_codes, signed_in, texts, view_callback_body

ROOT = Path(__file__).resolve().parent.parent
GCQ = "330105005000"  # 拱宸桥街道, the street of the demo official gcq.official


def _audit(engine, action: str, username: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(text(
            "SELECT * FROM audit_log WHERE action = :a AND username = :u ORDER BY id"),
            {"a": action, "u": username}).mappings()]


def _view(view: View, user: str, refused: bool = False) -> dict:
    return dict(zip(OUTPUTS, view_outputs(view, [], access_of(user), refused), strict=True))


# --- anonymous ------------------------------------------------------------------------------------

def test_every_route_refuses_an_anonymous_request(app_module):
    client = app_module.server.test_client()
    public = {"/login", "/healthz", "/favicon.ico", "/_favicon.ico", "/assets/style.css"}
    # the migrants module's phone pages and the policies' enterprise page, named one by one
    # (tests/test_migrants.py and tests/test_policies.py drive them)
    public_endpoints = {"migrants_declare", "migrants_receipt", "migrants_qr", "migrants_verify", "policies_public"}
    checked = 0
    for rule in app_module.server.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: {"kind": "xlsx"}.get(m.group(1), "x"), rule.rule)
        if path in public or rule.endpoint == "static" or rule.endpoint in public_endpoints:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert response.status_code in (302, 401), (method, path, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/login")
            checked += 1
    assert checked >= 8


def test_every_callback_refuses_an_anonymous_request(app_module):
    app_module.app._setup_server()
    client = app_module.server.test_client()
    for output in app_module.app.callback_map:
        response = client.post("/_dash-update-component", json={"output": output, "outputs": [], "inputs": [],
                                                               "changedPropIds": [], "state": []})
        assert response.status_code == 401, output
    assert len(app_module.app.callback_map) >= 10


def test_login_page_health_check_and_stylesheet_are_public(app_module):
    client = app_module.server.test_client()
    assert client.get("/healthz").status_code == 200
    assert "登录" in client.get("/login").data.decode()
    assert client.get("/assets/style.css").status_code == 200


# --- logging in ------------------------------------------------------------------------------------

def test_a_wrong_password_is_refused_logged_and_throttled_after_five(app_module, engine):
    client = app_module.server.test_client()
    for attempt in range(6):
        page = client.get("/login").data.decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        response = client.post("/login", data={"csrf": csrf, "username": "auditor", "password": "wrong-password!",
                                               "next": "/"})
        expected = (401, "用户名或密码错误") if attempt < 5 else (429, "登录失败次数过多")
        assert (response.status_code, expected[1] in response.data.decode()) == (expected[0], True)
    assert len(_audit(engine, "login_failed", "auditor")) >= 5
    with engine.begin() as conn:  # let the other tests log in as the auditor
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        conn.execute(text("DELETE FROM audit_log WHERE username = 'auditor' AND action IN ('login_failed', 'refused')"))
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))


def test_login_without_the_forms_token_is_refused(app_module):
    response = app_module.server.test_client().post("/login", data={"username": "leader",
                                                                     "password": "demo-leader-2020"})
    assert response.status_code == 200 and "页面已过期" in response.data.decode()


def test_session_cookie_is_httponly_samesite_and_renewed_at_login(app_module):
    client = app_module.server.test_client()
    client.get("/login")
    before = client.get_cookie("sansetu_session").value
    page = client.get("/login").data.decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf": csrf, "username": "leader", "password": "demo-leader-2020",
                                           "next": "//evil.example.com/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"  # no open redirect
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get_cookie("sansetu_session").value != before
    client.get("/logout")  # a link (or another site's image) cannot log anybody out: a form posts it
    assert client.get("/").status_code == 200
    with client.session_transaction() as flask_session:
        csrf = flask_session["csrf"]
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 400
    assert client.post("/logout", data={"csrf": csrf}).status_code == 302
    assert client.get("/").status_code == 302


def test_passwords_are_stored_as_scrypt_hashes(engine):
    with engine.connect() as conn:
        hashes = conn.execute(text("SELECT password_hash FROM app_user")).scalars().all()
    assert hashes and all(h.startswith("scrypt:") for h in hashes)


def test_outside_demo_mode_the_app_refuses_to_start_with_demo_passwords(demo):
    env = {k: v for k, v in os.environ.items() if k != "SANSETU_DEMO"}
    result = subprocess.run([sys.executable, "app.py"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**env, "PYTHONPATH": str(ROOT), "PORT": "8799"})
    assert result.returncode == 4 and result.stderr.strip().count("\n") == 0 and "演示密码" in result.stderr


# --- what each role sees ------------------------------------------------------------------------------

def test_street_official_sees_only_his_street_even_when_asking_for_the_district(engine):
    from callbacks.gate import clamp_view

    view, refused = clamp_view(View(), access_of("gcq.official"), True)
    assert (view.street, refused) == (GCQ, False)
    asked, refused = clamp_view(parse_view("?street=330105001000")[0], access_of("gcq.official"), True)
    assert (asked.street, refused) == (GCQ, True)
    shown = _view(asked, "gcq.official", refused)
    assert set(shown_codes(shown["figure"])) <= {f"3301050050{n}" for n in range(51, 59)}
    assert "无权查看该区域" in shown["message"]


def test_a_crafted_callback_for_another_street_returns_only_the_users_own(app_module):
    client = logged_in_client(app_module, "gcq.official")
    response = client.post("/_dash-update-component", json=view_callback_body("?street=330105001000"))
    assert response.status_code == 200
    payload = json.loads(response.data)["response"]
    codes = shown_codes(payload[ids.MAP_DRAWN]["data"])
    assert codes and all(c.startswith("330105005") for c in codes)
    assert "米市巷" not in json.dumps(payload, ensure_ascii=False)


def test_even_a_wrong_scope_in_the_query_reads_nothing_outside_the_users_area(engine):
    """The database, not the application, stops the leak: RLS under the street's scope."""
    from data_access import aggregates as map_queries
    from data_access.session import reading
    from domain.divisions import Scope
    from tests.helpers import signed_in

    with reading(signed_in("gcq.official.test", "测试", "official", GCQ)) as conn:
        rows = map_queries.community_map_rows(conn, Scope("330105000000"))  # asks for the whole district
    assert {r["code"][:9] for r in rows} == {GCQ[:9]}


def test_the_database_role_cannot_read_outside_its_scope_with_hand_written_sql(demo):
    from tests.helpers import signed_in

    official = signed_in("gcq.official.test", "测试", "official", GCQ)
    engine = create_engine(app_database_url())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM person")).scalar() == 0  # no session: nothing

        def enter() -> None:
            conn.execute(text("SELECT set_config('sansetu.session', :s, false)"), {"s": official.session})

        enter()
        for table in ("enterprise", "community_stats", "enterprise_stats", "managed_person"):
            outside = conn.execute(text(f"SELECT count(*) FROM {table} WHERE community_code NOT LIKE '330105005%'"))
            assert outside.scalar() == 0, table
        assert conn.execute(text("SELECT count(*) FROM enterprise")).scalar() > 0
        assert conn.execute(text("SELECT count(*) FROM community WHERE code NOT LIKE '330105005%'")).scalar() == 0
        role = conn.execute(text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"))
        assert role.scalar() is False
        for statement in ("UPDATE health_code SET colour = 'green'", "DELETE FROM audit_log",
                          "UPDATE audit_log SET username = 'x'", "SET ROLE postgres"):
            with pytest.raises(DBAPIError):
                conn.execute(text(statement))
            conn.rollback()
            enter()
    engine.dispose()


@pytest.fixture(scope="module")
def worker(engine):
    """A community worker for a community with an enterprise that has non-green staff."""
    from data_access.users import accounts as users

    with engine.begin() as conn:
        code, community = conn.execute(text(
            "SELECT credit_code, community_code FROM enterprise_stats WHERE status <> 'cleared'"
            " ORDER BY employees_red DESC, credit_code LIMIT 1")).one()
        users.create_user(conn, "cw.test", "测试网格员", "community_worker", community, "worker-password-1")
    return signed_in("cw.test", "测试网格员", "community_worker", community), code


def test_community_worker_sees_one_community_and_reveals_with_a_trace(engine, as_user, worker):
    access, code = worker
    community = access.org_code
    search = f"?street={community[:9]}000&community={community}&enterprise={code}"
    shown = dict(zip(OUTPUTS, view_outputs(parse_view(search)[0], [], access), strict=True))
    assert set(shown_codes(shown["figure"])) == {community}  # the street's other communities are not visible
    assert "显示完整信息" in texts(shown["side"])
    with as_user("cw.test"):
        revealed = reveal_text(access, search, 0)
    assert re.search(r"身份证号 \d{17}[\dX]", revealed)
    rows = _audit(engine, "reveal", "cw.test")
    assert rows and rows[-1]["detail"]["enterprise"] == code and len(rows[-1]["detail"]["id_number"]) == 18


def test_only_community_workers_may_reveal(engine, as_user):
    with as_user("official"):
        answer = reveal_text(access_of("official"), "?street=330105005000&community=330105005052", 0)
    assert answer == "无权查看完整信息。"
    assert _audit(engine, "refused", "official")


def test_data_operator_sees_counts_but_no_people(engine):
    with engine.connect() as conn:
        code, community = conn.execute(text("SELECT credit_code, community_code FROM enterprise_stats"
                                            " WHERE status = 'warned' LIMIT 1")).one()
    shown = _view(View(community[:9] + "000", community, code), "operator")
    assert "非绿码职工" not in texts(shown["side"]) and "*" not in texts(shown["side"])


def test_exports_are_for_officials_within_their_area_and_every_one_is_logged(app_module, engine):
    official = logged_in_client(app_module, "gcq.official")
    assert official.get("/export/enterprises.csv?area=330105001000").status_code == 403
    assert _audit(engine, "refused", "gcq.official")
    response = official.get(f"/export/enterprises.xlsx?area={GCQ}&list=warned")
    assert response.status_code == 200
    entry = _audit(engine, "export", "gcq.official")[-1]
    assert (entry["area"], entry["detail"]["file"], entry["detail"]["list"]) == (GCQ, "xlsx", "warned")
    with engine.connect() as conn:
        warned = conn.execute(text("SELECT count(*) FROM enterprise_stats WHERE status = 'warned'"
                                   " AND community_code LIKE '330105005%'")).scalar()
    assert entry["detail"]["rows"] == warned
    leader = logged_in_client(app_module, "leader")
    assert leader.get(f"/export/enterprises.csv?area={GCQ}").status_code == 403


def test_the_auditor_sees_the_officials_export_and_nobody_else_sees_the_log(app_module, engine):
    official = logged_in_client(app_module, "gcq.official")
    assert official.get(f"/export/enterprises.csv?area={GCQ}&list=cleared").status_code == 200
    rows, href = audit_view(access_of("auditor"), "export", "gcq.official", None)
    assert rows and rows[0]["action"] == "导出" and rows[0]["area"] == "拱宸桥街道"  # the area's name, not its code
    assert "名单：可复工企业名单" in rows[0]["detail"]
    assert "user=gcq.official" in href
    auditor = logged_in_client(app_module, "auditor")
    log = auditor.get(href)
    assert log.status_code == 200 and "gcq.official" in log.data.decode("utf-8-sig")
    assert official.get("/export/audit.csv").status_code == 403
    with pytest.raises(NotAllowed):
        audit_view(access_of("official"), None, None, None)


@pytest.mark.parametrize("attack", ["' OR 1=1 --", "'; DELETE FROM audit_log; --", "%", "\\x00"])
def test_injection_strings_in_the_audit_filter_match_nothing(engine, attack):
    rows, _ = audit_view(access_of("auditor"), None, attack, None)
    assert rows == []


def test_administrator_creates_and_disables_users_and_others_cannot(engine, as_user):
    admin = access_of("admin")
    with as_user("admin"):
        users, message = user_admin(admin, ids.ADMIN_CREATE, {"username": "hs.official", "name": "和睦街道干部",
                                                              "role": "official", "org": "330105004000"}, None)
        assert "已创建用户 hs.official" in message and any(u["username"] == "hs.official" for u in users)
        users, message = user_admin(admin, ids.ADMIN_DISABLE, {}, "hs.official")
        assert next(u for u in users if u["username"] == "hs.official")["active"] is False
        _, message = user_admin(admin, ids.ADMIN_CREATE, {"username": "x1", "name": "x", "role": "official",
                                                          "org": "999999999999"}, None)
        assert "未知的组织机构代码" in message
    assert _audit(engine, "user_created", "admin") and _audit(engine, "user_disabled", "admin")
    with pytest.raises(NotAllowed):
        user_admin(access_of("leader"), ids.ADMIN_CREATE, {}, None)


@pytest.mark.parametrize("attack", ["' OR 1=1 --", "%", "_", "制造业'; DROP TABLE enterprise; --"])
def test_injection_strings_in_export_filters_export_nothing(app_module, attack):
    client = logged_in_client(app_module, "official")
    for param in ("q", "industry"):
        response = client.get("/export/enterprises.csv", query_string={"area": GCQ, param: attack})
        assert response.status_code == 200
        assert len(response.data.decode("utf-8-sig").strip().splitlines()) == 1  # the header alone
