"""Users and passwords. Passwords are hashed with scrypt (werkzeug)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, text
from werkzeug.security import check_password_hash, generate_password_hash

from domain.divisions import Scope
from domain.roles import PROXY_AGENT, ROLES

THROTTLE_FAILURES = 5  # per username
THROTTLE_ADDRESS_FAILURES = 20  # per address: higher, a command room shares one address
THROTTLE_WINDOW = timedelta(minutes=15)
# Checked against when a username does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password", method="scrypt")


class UserError(ValueError):
    """A user change that cannot be made; the message is a key of the i18n catalogue."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    org_code: str
    active: bool
    demo_password: bool
    password_changed_at: datetime


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def _user(row) -> User | None:
    return User(**{k: row[k] for k in User.__dataclass_fields__}) if row else None


USER_COLUMNS = "id, username, display_name, role, org_code, active, demo_password, password_changed_at"


def get_user(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(text(f"SELECT {USER_COLUMNS} FROM app_user WHERE id = :i"), {"i": user_id}).mappings().first()
    return _user(row)


def authenticate(conn: Connection, username: str, password: str) -> User | None:
    """The active user with this name and password, else None (same work either way)."""
    row = conn.execute(text(f"SELECT {USER_COLUMNS}, password_hash FROM app_user WHERE username = :u"),
                       {"u": username}).mappings().first()
    ok = check_password_hash(row["password_hash"] if row else _DUMMY_HASH, password)
    return _user(row) if row and ok and row["active"] else None


def throttled(conn: Connection, username: str, address: str | None) -> bool:
    """Too many failed logins within the window: for this name, or (more of them) from this address."""
    by_name, by_address = conn.execute(text(
        "SELECT count(*) FILTER (WHERE username = :u), count(*) FILTER (WHERE address = :a)"
        " FROM audit_log WHERE action = 'login_failed' AND at > now() - :w"),
        {"w": THROTTLE_WINDOW, "u": username, "a": address}).one()
    return by_name >= THROTTLE_FAILURES or (address is not None and by_address >= THROTTLE_ADDRESS_FAILURES)


def create_user(conn: Connection, username: str, display_name: str, role: str, org_code: str,
                password: str | None = None, demo: bool = False, within: Scope | None = None) -> tuple[User, str]:
    """A new user; returns it with its password (generated when none is given).

    within: the creator's area, which the new user's unit must lie in (PostgreSQL checks it too).
    """
    if role not in ROLES:
        raise UserError("user.bad_role")
    if not conn.execute(text("SELECT division_exists(:c)"), {"c": org_code}).scalar():
        raise UserError("user.bad_org")
    if within is not None and not within.covers(org_code):
        raise UserError("user.out_of_scope")
    if role == PROXY_AGENT and org_code.endswith("000"):  # an agent works in one community
        raise UserError("user.agent_community")
    if conn.execute(text("SELECT 1 FROM app_user WHERE username = :u"), {"u": username}).first():
        raise UserError("user.exists")
    password = password or secrets.token_urlsafe(12)
    if len(password) < 10:
        raise UserError("user.weak_password")
    row = conn.execute(text(
        "INSERT INTO app_user (username, display_name, role, org_code, password_hash, demo_password)"
        f" VALUES (:u, :d, :r, :o, :h, :demo) RETURNING {USER_COLUMNS}"),
        {"u": username, "d": display_name, "r": role, "o": org_code, "h": hash_password(password), "demo": demo},
    ).mappings().one()
    return _user(row), password


def reset_password(conn: Connection, username: str, password: str | None = None) -> str:
    password = password or secrets.token_urlsafe(12)
    if len(password) < 10:
        raise UserError("user.weak_password")
    done = conn.execute(text("UPDATE app_user SET password_hash = :h, demo_password = false,"
                             " password_changed_at = now() WHERE username = :u"),
                        {"h": hash_password(password), "u": username}).rowcount
    if not done:
        raise UserError("user.unknown")
    return password


def set_active(conn: Connection, username: str, active: bool) -> None:
    if not conn.execute(text("UPDATE app_user SET active = :a WHERE username = :u"),
                        {"a": active, "u": username}).rowcount:
        raise UserError("user.unknown")


def list_users(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(text(
        "SELECT username, display_name, role, org_code, active, demo_password, created_at FROM app_user"
        " ORDER BY org_code, role, username")).mappings()]


def demo_passwords_in_use(conn: Connection) -> int:
    """Active accounts still on a published demo password."""
    return conn.execute(text("SELECT count(*) FROM app_user WHERE demo_password AND active")).scalar_one()
