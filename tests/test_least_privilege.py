"""Least privilege, as an attacker with a valid low-privilege account (or with SQL of the web role) would
try it: the findings of the outside probe (issue #10), each replayed against the running app or the
database roles themselves."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from data_access.settings import APP_ROLE, AUTH_ROLE, WRITER_ROLE, settings
from tests.helpers import logged_in_client, signed_in, view_callback_body

GCQ = "330105005000"  # 拱宸桥街道
MAINTENANCE = ("refresh_community_stats(ARRAY['330105005052']::char(12)[])", "refresh_all_stats()",
               "apply_colour_changes(ARRAY[]::char(18)[], ARRAY[]::text[], ARRAY[]::text[])",
               "refresh_enterprise_stats(ARRAY[]::char(18)[])",
               "refresh_stats_for(ARRAY[]::char(18)[], ARRAY[]::char(12)[])",
               "managed_daily_refresh(NULL)", "managed_daily_extend(true)",
               "managed_daily_add(NULL)")


def _csrf(client) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/login").data.decode()).group(1)


def _view_status(client) -> int:
    return client.post("/_dash-update-component", json=view_callback_body("")).status_code


@pytest.fixture
def role_conn(demo):
    """A connection as one of the service roles, closed after the test."""
    engines = []

    def connect(role: str):
        engine = create_engine(settings().role_url(role))
        engines.append(engine)
        return engine.connect()

    yield connect
    for engine in engines:
        engine.dispose()


def _enter(conn, actor) -> None:
    conn.execute(text("SELECT set_config('sansetu.session', :s, false)"), {"s": actor.session})


# Finding 2: the page after login is a path of this site, whatever `next` says.
@pytest.mark.parametrize("next_path", ["/\t/127.0.0.1:8099/x", "//evil.example.com/", "/\\evil.example.com",
                                       "https://evil.example.com/", "/\n/evil.example.com", "/\\/evil.example.com",
                                       "javascript:alert(1)", "/%09/127.0.0.1:8099/x"])
def test_login_never_redirects_to_another_site(app_module, next_path):
    client = app_module.server.test_client()
    client.get("/login?next=" + next_path.replace("\t", "%09").replace("\n", "%0a"))
    response = client.post("/login", data={"csrf": _csrf(client), "username": "leader",
                                           "password": "demo-leader-2020", "next": next_path})
    location = response.headers["Location"]
    assert response.status_code == 302
    assert location == "/" or (location.startswith("/") and not location.startswith("//")
                               and not any(c in location for c in "\t\n\\"))


def test_login_keeps_a_real_path_of_this_site(app_module):
    client = app_module.server.test_client()
    response = client.post("/login", data={"csrf": _csrf(client), "username": "leader",
                                           "password": "demo-leader-2020", "next": "/statistics?street=1"})
    assert response.headers["Location"] == "/statistics?street=1"


# Finding 3: logout, disabling and a new password end every earlier session, for good.
def _stolen_copy(app_module, client):
    """Another client holding the same session cookie (as an attacker who saved it would)."""
    thief = app_module.server.test_client()
    thief.set_cookie("sansetu_session", client.get_cookie("sansetu_session").value)
    return thief


def test_a_cookie_saved_before_logout_gets_nothing_after_it(app_module):
    client = logged_in_client(app_module, "leader")
    thief = _stolen_copy(app_module, client)
    assert _view_status(thief) == 200
    with client.session_transaction() as flask_session:
        csrf = flask_session["csrf"]
    assert client.post("/logout", data={"csrf": csrf}).status_code == 302
    assert _view_status(thief) == 401
    assert thief.get("/").status_code == 302  # to the login page


def test_disabling_a_user_ends_their_sessions_and_enabling_brings_none_back(app_module, engine):
    from data_access.session import writing
    from data_access.users import accounts

    with engine.begin() as conn:
        accounts.create_user(conn, "ended.test", "测试", "official", GCQ, "ended-password-1")
    client = logged_in_client(app_module, "ended.test", "ended-password-1")
    assert _view_status(client) == 200
    admin = signed_in("admin", "管理员", "administrator", "330105000000")
    for active in (False, True):
        with writing(admin) as work:
            accounts.set_active(work.conn, "ended.test", active)
    assert _view_status(client) == 401
    with writing(admin) as work:
        accounts.reset_password(work.conn, "ended.test", "ended-password-2")
    client = logged_in_client(app_module, "ended.test", "ended-password-2")
    assert _view_status(client) == 200


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(app_module, engine):
    from data_access.users import accounts

    with engine.begin() as conn:
        accounts.create_user(conn, "reset.test", "测试", "official", GCQ, "reset-password-1")
    client = logged_in_client(app_module, "reset.test", "reset-password-1")
    assert _view_status(client) == 200
    with engine.begin() as conn:
        accounts.reset_password(conn, "reset.test", "reset-password-2")
    assert _view_status(client) == 401


def test_logout_is_a_post_with_the_forms_token(app_module):
    client = logged_in_client(app_module, "leader")
    client.get("/logout")  # a link, or another site's <img>, logs nobody out
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 400
    assert _view_status(client) == 200


# Finding 4: what the web role can do with hand-written SQL.
def test_the_web_role_cannot_call_the_aggregates_maintenance(role_conn):
    for role in (APP_ROLE, AUTH_ROLE, WRITER_ROLE):
        with role_conn(role) as conn:
            for call in MAINTENANCE:
                with pytest.raises(DBAPIError, match="permission denied"):
                    conn.execute(text(f"SELECT {call}"))
                conn.rollback()


def test_no_function_of_ours_is_executable_by_everyone_and_the_definers_are_granted_by_name(engine):
    with engine.connect() as conn:
        public = conn.execute(text("""
            SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND has_function_privilege('public', p.oid, 'EXECUTE')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')""")).scalars().all()
        definers = conn.execute(text("""
            SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND p.prosecdef AND has_function_privilege(:r, p.oid, 'EXECUTE')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"""),
            {"r": APP_ROLE}).scalars().all()
    assert public == []
    # data_time applies the session's area itself (migration 0011; tests/test_answers.py holds it to the policies)
    # appeal_person and keyperson_of_appeal answer only about an appeal the session may read (migration 0013;
    # tests/test_appeals_keyperson.py holds them to the appeal's readers)
    assert set(definers) == {"session_scope", "session_actor", "session_may", "division_exists",
                             "integration_for_token", "community_stats_as_of", "enterprise_stats_as_of",
                             "data_time", "appeal_person", "keyperson_of_appeal",
                             # migrants: the public page's narrow doors (tests/test_migrants.py holds them)
                             "mg_declare", "mg_receipt", "mg_verify", "mg_places",
                             # the landlord's map and the throttled house search (tests/test_migrants_more.py)
                             "mg_outline", "mg_community_at", "mg_find_houses",
                             # policies: the oversight's cache key, a string of maxima that names no row
                             # (migration 0014_policies_more; tests/test_policy_oversight.py)
                             "policy_data_version",
                             # scoreboard: the live session's role, which a headline snapshot is kept by
                             # (migration 0014_scoreboard_more; tests/test_scoreboard_daily.py)
                             "session_role",
                             # the board's measures (every street's, for a street's place among them) and the
                             # day's snapshot, both only for a session that may read the scoreboard
                             "scoreboard_measures", "scoreboard_take_day"}


def test_the_web_role_cannot_make_itself_administrator_replace_a_token_or_read_hashes(role_conn, demo):
    admin = signed_in("admin", "管理员", "administrator", "330105000000")
    official = signed_in("gcq.official.test", "测试", "official", GCQ)
    statements = ("UPDATE app_user SET role = 'administrator' WHERE username = 'gcq.official.test'",
                  "UPDATE app_user SET org_code = '330105000000' WHERE username = 'gcq.official.test'",
                  "UPDATE integration SET token_sha256 = repeat('0', 64)",
                  "SELECT password_hash FROM app_user", "SELECT * FROM app_session",
                  "INSERT INTO app_session (token_sha256, user_id, username, role, scope, expires_at)"
                  " SELECT repeat('1', 64), id, username, 'administrator', '330105', now() + interval '1 hour'"
                  " FROM app_user LIMIT 1",
                  "UPDATE permission SET role = 'official'", "SELECT * FROM permission")
    for actor in (official, admin):
        with role_conn(APP_ROLE) as conn:
            for statement in statements:
                _enter(conn, actor)
                with pytest.raises(DBAPIError, match="permission denied"):
                    conn.execute(text(statement))
                conn.rollback()


def test_an_official_cannot_create_users_nor_tokens_even_in_sql(role_conn, demo):
    official = signed_in("gcq.official.test", "测试", "official", GCQ)
    with role_conn(APP_ROLE) as conn:
        for statement in ("INSERT INTO app_user (username, display_name, role, org_code, password_hash)"
                          " VALUES ('sneaky.test', 'x', 'administrator', '330105005052', 'x')",
                          "INSERT INTO integration (name, token_sha256, created_by)"
                          " VALUES ('sneaky.token', repeat('2', 64), 'x')"):
            _enter(conn, official)
            with pytest.raises(DBAPIError, match="row-level security"):
                conn.execute(text(statement))
            conn.rollback()


def test_the_scope_cannot_be_widened_by_the_session_itself(role_conn, demo):
    official = signed_in("gcq.official.test", "测试", "official", GCQ)
    with role_conn(APP_ROLE) as conn:
        for widened in ("330105", "%", ""):
            conn.execute(text("SELECT set_config('sansetu.scope', :s, false)"), {"s": widened})
            assert conn.execute(text("SELECT count(*) FROM community_stats")).scalar() == 0  # no session: none
            _enter(conn, official)
            codes = conn.execute(text("SELECT DISTINCT left(community_code, 9) FROM community_stats")).scalars().all()
            assert codes == [GCQ[:9]]
            conn.execute(text("SELECT set_config('sansetu.session', 'guessed-token', false)"))
            assert conn.execute(text("SELECT count(*) FROM person")).scalar() == 0


def test_an_ended_session_reads_nothing_even_in_sql(role_conn, engine, demo):
    official = signed_in("gcq.official.test", "测试", "official", GCQ)
    with engine.begin() as conn:
        conn.execute(text("UPDATE app_session SET ended_at = now() WHERE username = 'gcq.official.test'"))
    with role_conn(APP_ROLE) as conn:
        _enter(conn, official)
        assert conn.execute(text("SELECT count(*) FROM community_stats")).scalar() == 0


def test_the_import_history_is_read_within_the_users_area(role_conn, engine, demo):
    with engine.begin() as conn:
        for org in ("330105001000", GCQ):
            conn.execute(text(
                "INSERT INTO import_run (started_at, username, org_code, kind, file_name, file_sha256, result)"
                " VALUES (now(), 'op', :o, 'residents', 'x.csv', repeat('a', 64), 'rejected')"), {"o": org})
    official = signed_in("gcq.official.test", "测试", "official", GCQ)
    with role_conn(APP_ROLE) as conn:
        _enter(conn, official)
        orgs = set(conn.execute(text("SELECT org_code FROM import_run")).scalars())
    assert GCQ in orgs and all(o.startswith(GCQ[:9]) for o in orgs)  # the street's, and its communities' (walk-ins)


def test_the_writer_writes_only_within_the_senders_area(role_conn, demo):
    operator = signed_in("gcq.operator.test", "测试", "data_operator", GCQ)
    with role_conn(WRITER_ROLE) as conn:
        _enter(conn, operator)
        one = "SELECT id_number FROM person WHERE community_code LIKE :p LIMIT 1"
        inside = conn.execute(text(one), {"p": "330105005%"}).scalar()
        outside = conn.execute(text(one), {"p": "330105001%"}).scalar()
        assert conn.execute(text("UPDATE health_code SET source = 'writer.test' WHERE id_number = :i"),
                            {"i": inside}).rowcount == 1
        assert conn.execute(text("UPDATE health_code SET source = 'writer.test' WHERE id_number = :i"),
                            {"i": outside}).rowcount == 0  # not the sender's: as if it did not exist
        with pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(text("UPDATE person SET community_code = '330105001001' WHERE id_number = :i"),
                         {"i": inside})
        conn.rollback()
        conn.execute(text("SELECT set_config('sansetu.bulk_load', 'on', false)"))  # cannot pause the aggregates
        assert conn.execute(text("SELECT stats_maintenance_paused()")).scalar() is False
        conn.rollback()


# Finding 5: parallel guesses for one name are checked one at a time, so the limit holds.
def test_thirty_parallel_wrong_passwords_get_five_checked(app_module, engine):
    from data_access.users import accounts

    with engine.begin() as conn:
        accounts.create_user(conn, "raced.test", "测试", "official", GCQ, "raced-password-1")

    def guess(n: int) -> int:
        client = app_module.server.test_client()
        return client.post("/login", data={"csrf": _csrf(client), "username": "raced.test",
                                           "password": f"wrong-{n}"}).status_code

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(guess, range(30)))
    with engine.connect() as conn:
        checked = conn.execute(text("SELECT count(*) FROM audit_log WHERE username = 'raced.test'"
                                    " AND action = 'login_failed'")).scalar()
    assert checked == 5 and statuses.count(401) == 5 and statuses.count(429) == 25


# Finding 7 (the login part) and finding 9 (the gate's API exemption).
def test_a_nul_byte_in_the_login_name_is_refused_not_an_error(app_module):
    from i18n import t

    client = app_module.server.test_client()
    response = client.post("/login", data={"csrf": _csrf(client), "username": "lead\x00er", "password": "x"})
    assert response.status_code == 400 and t("input.nul") in response.data.decode()


def test_only_the_real_api_routes_skip_the_login_gate(app_module):
    client = app_module.server.test_client()
    assert client.get("/api/x").status_code == 401
    assert client.get("/api/v1/health-codes-and-more").status_code == 401
    assert client.post("/api/v1/health-codes", json={"changes": []}).status_code == 401  # the token is asked
