"""Least privilege, held end to end (issue #10): every route and every callback, found by walking the app,
as anonymous and as each demo role, is refused exactly where the permission table says (403; 401 without a
login) and never answers 500; input the application cannot use is a 4xx with Chinese; the app refuses to
start on published passwords however it is started; what it writes to disk is the owner's alone."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from dash import Dash
from sqlalchemy import text

from callbacks.api import PATH as LIVE
from data_access.demo.users import DEMO_USERS
from data_access.users import integrations
from domain.permissions import allowed
from tests.helpers import ids, logged_in_client

ROOT = Path(__file__).resolve().parent.parent
DISPATCH = "/_dash-update-component"
NUL_TEXT = "输入中含有不允许的控制字符"


# --- walking the app ------------------------------------------------------------------------------------

def _owners(app_module) -> tuple[dict, dict]:
    """The module of each server callback (by output key) and each route (by endpoint), found by registering
    each module alone on an app of its own: a new module's callbacks and routes are covered without an edit."""
    bare = {rule.endpoint for rule in Dash(__name__).server.url_map.iter_rules()}
    callbacks, routes = {}, {}
    for module in app_module.MODULES:
        alone = Dash(__name__)
        module.callbacks(alone)
        module.routes(alone.server)
        callbacks |= dict.fromkeys(alone.callback_map, module)
        routes |= dict.fromkeys({r.endpoint for r in alone.server.url_map.iter_rules()} - bare, module)
    return callbacks, routes


def _server_callbacks(app_module) -> dict[str, dict]:
    app_module.app._setup_server()
    return {k: v for k, v in app_module.app.callback_map.items() if v.get("callback") is not None}


def _component_id(text_id: str):
    return json.loads(text_id) if text_id.startswith("{") else text_id


def _callback_body(output: str, entry: dict) -> dict:
    """The request the browser sends for a callback, every input and state still empty."""
    outputs = []
    for part in output.strip(".").split("..."):
        component, _, prop = part.split("@")[0].rpartition(".")
        outputs.append({"id": _component_id(component), "property": prop})

    def values(deps: list[dict]) -> list[dict]:
        return [{"id": _component_id(d["id"]), "property": d["property"], "value": None} for d in deps]

    return {"output": output, "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": values(entry["inputs"]), "state": values(entry["state"]), "changedPropIds": []}


def _route_paths(app_module) -> dict[str, list[tuple[str, str]]]:
    """(method, path) of every route, by endpoint, with a plausible value in each variable part."""
    paths: dict[str, list[tuple[str, str]]] = {}
    for rule in app_module.server.url_map.iter_rules():
        path = re.sub(r"<(?:([^:>]+):)?([^>]+)>",
                      lambda m: "1" if m.group(1) == "int" else {"kind": "xlsx", "fmt": "csv"}.get(m.group(2), "x"),
                      rule.rule)
        paths.setdefault(rule.endpoint, []).extend((m, path) for m in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return paths


@pytest.fixture(scope="module")
def clients(app_module) -> dict[str, object]:
    """One logged-in client per demo user, by role (the first user of each role)."""
    found = {}
    for username, _, role, _, _ in DEMO_USERS:
        found.setdefault(role, logged_in_client(app_module, username))
    return found


# --- every callback and route, every role ---------------------------------------------------------------

def test_the_walk_finds_every_module_and_its_callbacks(app_module):
    callbacks, routes = _owners(app_module)
    assert {m.name for m in callbacks.values()} == {m.name for m in app_module.MODULES}
    assert set(callbacks) <= set(app_module.app.callback_map)  # the same keys as the app's own
    assert {"export_enterprises", "export_audit", "import_template", "import_report"} <= set(routes)


def test_every_callback_answers_each_role_as_the_permission_table_says(app_module, clients):
    owners, _ = _owners(app_module)
    anonymous = app_module.server.test_client()
    checked = 0
    for output, entry in _server_callbacks(app_module).items():
        body = _callback_body(output, entry)
        assert anonymous.post(DISPATCH, json=body).status_code == 401, output
        module = owners.get(output)  # None: the frame's own router, for every logged-in user
        for role, client in clients.items():
            status = client.post(DISPATCH, json=body).status_code
            if module is None or allowed(role, module.action):
                assert status in (200, 204), (role, output, status)
            else:
                assert status == 403, (role, output, status)
            checked += 1
    assert checked >= 15 * len(clients)


def test_every_module_route_answers_each_role_as_the_permission_table_says(app_module, clients):
    _, owners = _owners(app_module)
    paths = _route_paths(app_module)
    for endpoint, module in owners.items():
        for method, path in paths[endpoint]:
            assert app_module.server.test_client().open(path, method=method).status_code == 401, path
            for role, client in clients.items():
                status = client.open(path, method=method).status_code
                if allowed(role, module.action):  # the route may ask more (an export: enterprises.export)
                    assert status not in (401, 500), (role, path, status)
                else:
                    assert status == 403, (role, path, status)


def _system_paths(app_module) -> set[str]:
    from callbacks import api
    from callbacks.modules import api_paths

    return {api.PATH} | api_paths(app_module.MODULES)


def test_the_routes_for_systems_answer_401_to_anybody_without_a_token(app_module, clients):
    for path in _system_paths(app_module):
        for client in (app_module.server.test_client(), *clients.values()):
            assert client.post(path, json={"changes": []}).status_code == 401, path


def test_the_shared_routes_answer_every_logged_in_role_without_an_error(app_module, clients):
    _, owners = _owners(app_module)
    skip = set(owners) | {"static", "_dash_assets.static", "login", "logout"}
    for endpoint, requests in _route_paths(app_module).items():
        if endpoint in skip or any(path in _system_paths(app_module) for _, path in requests):
            continue
        for method, path in requests:
            for role, client in clients.items():
                status = client.open(path, method=method).status_code
                assert status < 500 and status not in (401, 403), (role, endpoint, path, status)


def test_a_callback_the_server_does_not_run_is_a_400_not_a_500(app_module, clients):
    client = clients["leader"]
    browser_only = next(k for k, v in app_module.app.callback_map.items() if v.get("callback") is None)
    for output in (browser_only, "no-such.children", None):
        response = client.post(DISPATCH, json={"output": output, "outputs": [], "inputs": [], "state": []})
        assert response.status_code == 400 and "页面请求的操作不存在" in response.get_json()["error"], output


def test_a_refused_background_job_is_a_403_and_starts_nothing(app_module, clients):
    """The import's background callback: an auditor's request got 200 and a job before."""
    output, entry = next((k, v) for k, v in _server_callbacks(app_module).items() if ids.IMPORT_RESULT in k)
    response = clients["auditor"].post(DISPATCH, json=_callback_body(output, entry))
    assert response.status_code == 403 and "cacheKey" not in response.data.decode()


# --- input the application cannot use (finding 7) ----------------------------------------------------------

@pytest.mark.parametrize("param", ["q", "industry"])
def test_a_nul_in_an_export_filter_is_a_400_in_chinese(app_module, clients, param):
    response = clients["official"].get("/export/enterprises.csv", query_string={"area": "330105000000",
                                                                                param: "制造\x00业"})
    assert response.status_code == 400 and NUL_TEXT in response.data.decode()


def _audit_body(user: str | None = None, since: str | None = None) -> dict:
    return {"output": f"..{ids.AUDIT_TABLE}.rowData...{ids.AUDIT_EXPORT}.href..",
            "outputs": [{"id": ids.AUDIT_TABLE, "property": "rowData"}, {"id": ids.AUDIT_EXPORT, "property": "href"}],
            "inputs": [{"id": ids.AUDIT_ACTION, "property": "value", "value": None},
                       {"id": ids.AUDIT_USER, "property": "value", "value": user},
                       {"id": ids.AUDIT_SINCE, "property": "date", "value": since}],
            "state": [], "changedPropIds": [f"{ids.AUDIT_USER}.value"]}


def test_a_nul_or_a_bad_date_in_the_audit_filters_is_a_400_in_chinese(clients):
    auditor = clients["auditor"]
    assert auditor.post(DISPATCH, json=_audit_body(user="gcq\x00")).status_code == 400
    refused = auditor.post(DISPATCH, json=_audit_body(since="2022-13-45"))
    assert refused.status_code == 400 and "日期无效" in refused.get_json()["error"]
    assert auditor.post(DISPATCH, json=_audit_body(since="2022-04-01")).status_code == 200
    for query in ({"user": "a\x00"}, {"since": "not a date"}):
        response = auditor.get("/export/audit.csv", query_string=query)
        assert response.status_code == 400 and re.search(f"{NUL_TEXT}|日期无效", response.data.decode())


def test_a_nul_in_the_administrators_org_field_is_a_400_and_creates_nobody(clients, engine):
    body = {"output": f"..{ids.ADMIN_TABLE}.rowData...{ids.ADMIN_MESSAGE}.children..",
            "outputs": [{"id": ids.ADMIN_TABLE, "property": "rowData"},
                        {"id": ids.ADMIN_MESSAGE, "property": "children"}],
            "inputs": [{"id": ids.ADMIN_CREATE, "property": "n_clicks", "value": 1},
                       *({"id": i, "property": "n_clicks", "value": None}
                         for i in (ids.ADMIN_DISABLE, ids.ADMIN_ENABLE, ids.ADMIN_RESET))],
            "state": [{"id": ids.ADMIN_USERNAME, "property": "value", "value": "nul.user"},
                      {"id": ids.ADMIN_NAME, "property": "value", "value": "零字符"},
                      {"id": ids.ADMIN_ROLE, "property": "value", "value": "official"},
                      {"id": ids.ADMIN_ORG, "property": "value", "value": "330105\x00005000"},
                      {"id": ids.ADMIN_TABLE, "property": "selectedRows", "value": None}],
            "changedPropIds": [f"{ids.ADMIN_CREATE}.n_clicks"]}
    response = clients["administrator"].post(DISPATCH, json=body)
    assert response.status_code == 400 and NUL_TEXT in response.get_json()["error"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM app_user WHERE username = 'nul.user'")).scalar() == 0


@pytest.fixture(scope="module")
def token(engine) -> str:
    with engine.begin() as conn:
        return integrations.create_token(conn, "security.probe", "test", "安全测试", apis=["health_codes"])


def test_a_nul_in_a_live_id_number_is_a_400_in_chinese(app_module, token):
    body = {"changes": [{"id_number": "33010519800101\x00001", "colour": "red",
                         "changed_at": "2022-04-01T08:00:00+08:00"}]}
    response = app_module.server.test_client().post(LIVE, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and NUL_TEXT in response.get_json()["error"]


@pytest.mark.parametrize("path", [LIVE, DISPATCH])
def test_a_json_body_nested_100000_deep_is_a_400(app_module, clients, token, path):
    deep = '{"changes": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = clients["leader"].post(path, data=deep, content_type="application/json",
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and "嵌套层数过深" in response.get_json()["error"]


# --- published passwords (finding 8) ------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_started_by_hand_outside_demo_mode_refuses_the_demo_passwords(demo):
    env = {k: v for k, v in os.environ.items() if k != "SANSETU_DEMO"}
    result = subprocess.run([str(Path(sys.executable).parent / "gunicorn"), "--workers", "1",
                             "--bind", f"127.0.0.1:{_free_port()}", "app:server"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, env={**env, "PYTHONPATH": str(ROOT)})
    assert result.returncode != 0 and "演示密码" in result.stderr


def test_outside_demo_mode_the_default_web_role_password_is_refused(app_module, monkeypatch):
    from dataclasses import replace

    from data_access.settings import settings

    monkeypatch.setattr(app_module, "settings", lambda: replace(settings(), demo=False))
    monkeypatch.setattr(app_module, "demo_passwords_in_use", lambda conn: 0)  # the demo users reset
    with pytest.raises(app_module.StartRefused, match="默认密码"):
        app_module.refuse_public_passwords()
    monkeypatch.setattr(app_module, "settings", lambda: replace(settings(), demo=True))
    app_module.refuse_public_passwords()  # demo mode: allowed


# --- files on disk (finding 9) ------------------------------------------------------------------------

def test_the_state_dir_secret_key_and_job_cache_are_owner_only_even_under_a_lax_umask(demo, tmp_path):
    state = tmp_path / "state"
    code = ("import os; os.umask(0o022); import app; from callbacks.imports.upload import manager;"
            " manager().handle.set('probe', 1)")
    env = {k: v for k, v in os.environ.items() if k != "SANSETU_SECRET_KEY"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120,
                   env={**env, "PYTHONPATH": str(ROOT), "SANSETU_STATE_DIR": str(state), "SANSETU_DEMO": "1"})
    found = [state, *state.rglob("*")]
    assert {p.name for p in found} >= {"state", "secret_key", "jobs", "cache.db"}
    open_to_others = [f"{p} {stat.filemode(p.stat().st_mode)}" for p in found if p.stat().st_mode & 0o077]
    assert open_to_others == []
