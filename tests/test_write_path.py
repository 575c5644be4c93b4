"""The scoped write path: a unit of work writes only within the actor's area, in the actor's name, and
PostgreSQL itself refuses the rest (row-level security WITH CHECK), whatever the application asks."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from data_access.session import DataUnavailable, writing
from data_access.users import accounts
from tests.helpers import signed_in


@pytest.fixture(scope="module")
def street_admin(demo):
    """An administrator of one street (拱宸桥), logged in."""
    return signed_in("gcq.admin.test", "测试", "administrator", "330105005000")


def _insert_user(conn, username: str, org: str) -> None:
    conn.execute(text("INSERT INTO app_user (username, display_name, role, org_code, password_hash)"
                      " VALUES (:u, '测试', 'official', :o, 'x')"), {"u": username, "o": org})


def test_a_street_administrator_writes_users_of_his_street_only(street_admin):
    with pytest.raises(DataUnavailable, match="row-level security"), writing(street_admin) as work:
        _insert_user(work.conn, "other.street.test", "330105001000")  # another street: refused by PostgreSQL
    with writing(street_admin) as work:
        _insert_user(work.conn, "own.street.test", "330105005052")
        # an update that would move a user of another street (not visible to the policy) touches nothing
        moved = work.conn.execute(text("UPDATE app_user SET active = true WHERE org_code = '330105001000'"))
        assert moved.rowcount == 0
        work.conn.rollback()


def test_an_update_cannot_move_a_user_out_of_the_writers_area(street_admin):
    """Nor into another unit or role at all: the web role may not write those columns (a grant, not a policy)."""
    for column, value in (("org_code", "330105001000"), ("role", "administrator")):
        with pytest.raises(DataUnavailable, match="permission denied"), writing(street_admin) as work:
            _insert_user(work.conn, "moving.test", "330105005052")
            work.conn.execute(text(f"UPDATE app_user SET {column} = :v WHERE username = 'moving.test'"), {"v": value})


def test_audit_rows_are_written_in_the_actors_own_name(street_admin):
    with writing(street_admin) as work:
        work.audit("export", "330105005000", {"test": True})
        work.conn.rollback()
    with pytest.raises(DataUnavailable, match="row-level security"), writing(street_admin) as work:
        work.conn.execute(text("INSERT INTO audit_log (username, action) VALUES ('somebody.else', 'export')"))


def test_nobody_logged_in_writes_nothing():
    with pytest.raises(DataUnavailable, match="row-level security"), writing(None) as work:
        _insert_user(work.conn, "anonymous.test", "330105005052")
    with pytest.raises(DataUnavailable, match="row-level security"), writing(None) as work:
        work.conn.execute(text("INSERT INTO audit_log (username, action) VALUES ('anybody', 'login')"))


def test_tokens_are_written_by_a_district_user_only(street_admin, demo):
    from data_access.users import integrations

    with pytest.raises(DataUnavailable, match="row-level security"), writing(street_admin) as work:
        integrations.create_token(work.conn, "street.token.test", street_admin.username, apis=["health_codes"])
    district = signed_in("admin", "管理员", "administrator", "330105000000")
    with writing(district) as work:
        integrations.create_token(work.conn, "district.token.test", district.username, apis=["health_codes"])
        assert "district.token.test" in {r["name"] for r in integrations.list_integrations(work.conn)}
        work.conn.rollback()


def test_the_user_admin_callback_refuses_a_user_outside_the_administrators_street(street_admin, as_user):
    from callbacks.users.admin import user_admin
    from layouts.users import ids

    form = {"username": "far.away.test", "name": "远方", "role": "official", "org": "330105001000"}
    _rows, message = user_admin(street_admin, ids.ADMIN_CREATE, form, None)
    assert message == "该组织不在您负责的区域内，不能在其中创建用户。"
    with writing(street_admin) as work:
        assert accounts.get_user(work.conn, -1) is None
        assert not work.conn.execute(text("SELECT 1 FROM app_user WHERE username = 'far.away.test'")).first()
