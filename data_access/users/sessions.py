"""Logins and their sessions, as the login role (sansetu_auth): the only role that reads password hashes
and writes sessions. A session's secret token lives in the browser's signed cookie; the database keeps its
SHA-256, and PostgreSQL takes each transaction's area and role from it (see the 0006 migration).

Logout ends a session; disabling a user, a new password, role or unit end all of that user's sessions (a
trigger), for good: enabling the user again brings none back.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from data_access import audit_trail
from data_access.engine import auth_engine
from data_access.session import DataUnavailable
from data_access.users import accounts as users
from domain.divisions import Scope

SESSION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class Login:
    """What a login attempt came to: the user and the new session's token, or why not."""

    outcome: str  # "ok", "failed" or "throttled"
    user: users.User | None = None
    token: str | None = None


@contextmanager
def _authenticating() -> Iterator[Connection]:
    try:
        with auth_engine().begin() as conn:
            yield conn
    except DBAPIError as exc:
        raise DataUnavailable(str(exc.orig or exc).strip().splitlines()[0]) from exc


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def log_in(username: str, password: str, address: str | None) -> Login:
    """Check a password and open a session; every attempt is audited.

    Attempts for one name are taken one at a time (an advisory lock on the name, held to the commit), so
    parallel guesses cannot all be checked before the failures are counted.
    """
    with _authenticating() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('sansetu.login:' || :u))"), {"u": username})
        if users.throttled(conn, username, address):
            audit_trail.record(conn, username, None, "refused", detail={"reason": "throttled"}, address=address)
            return Login("throttled")
        user = users.authenticate(conn, username, password)
        if user is None:
            audit_trail.record(conn, username, None, "login_failed", address=address)
            return Login("failed")
        token = secrets.token_urlsafe(32)
        conn.execute(text(
            "INSERT INTO app_session (token_sha256, user_id, username, role, scope, expires_at, address)"
            " VALUES (:h, :i, :u, :r, :s, now() + :life, :a)"),
            {"h": digest(token), "i": user.id, "u": user.username, "r": user.role,
             "s": Scope(user.org_code).prefix, "life": SESSION_LIFETIME, "a": address})
        audit_trail.record(conn, user.username, user.role, "login", user.org_code, address=address)
        return Login("ok", user, token)


def session_user(token: str) -> users.User | None:
    """The user of a live session (not ended, not expired, the user still active), else None."""
    with _authenticating() as conn:
        row = conn.execute(text(
            f"SELECT {', '.join('u.' + c for c in users.USER_COLUMNS.split(', '))}"
            " FROM app_session s JOIN app_user u ON u.id = s.user_id"
            " WHERE s.token_sha256 = :h AND s.ended_at IS NULL AND s.expires_at > now() AND u.active"),
            {"h": digest(token)}).mappings().first()
    return users.User(**row) if row else None


def log_out(token: str, address: str | None) -> None:
    """End the session for good, and audit it (once: a session already ended is left as it is)."""
    with _authenticating() as conn:
        row = conn.execute(text(
            "UPDATE app_session s SET ended_at = now() FROM app_user u"
            " WHERE s.token_sha256 = :h AND s.ended_at IS NULL AND u.id = s.user_id"
            " RETURNING u.username, u.role, u.org_code"), {"h": digest(token)}).first()
        if row:
            audit_trail.record(conn, row.username, row.role, "logout", row.org_code, address=address)


JOB_LIFETIME = timedelta(minutes=15)


def open_for_job(username: str, job: str) -> tuple[users.User, str] | None:
    """A short session for work the server does on its own in an active user's name (the scheduled daily
    brief, made as the configured leader): his area and rights, exactly as if he were logged in; audited as
    a login by that job. None if there is no such active user."""
    with _authenticating() as conn:
        row = conn.execute(text(f"SELECT {users.USER_COLUMNS} FROM app_user WHERE username = :u AND active"),
                           {"u": username}).mappings().first()
        if row is None:
            return None
        user = users.User(**{k: row[k] for k in users.User.__dataclass_fields__})
        token = secrets.token_urlsafe(32)
        conn.execute(text(
            "INSERT INTO app_session (token_sha256, user_id, username, role, scope, expires_at, address)"
            " VALUES (:h, :i, :u, :r, :s, now() + :life, NULL)"),
            {"h": digest(token), "i": user.id, "u": user.username, "r": user.role,
             "s": Scope(user.org_code).prefix, "life": JOB_LIFETIME})
        audit_trail.record(conn, user.username, user.role, "login", user.org_code, detail={"job": job})
        return user, token
