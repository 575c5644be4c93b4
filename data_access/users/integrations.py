"""Systems that push colour changes (the provincial health-code platform): one token each, kept hashed.

A token is 32 random bytes, shown once when made; the database keeps its SHA-256 (a random secret of
that length needs no slow hash) and compares hashes, so a stolen table yields no usable token.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import Connection, text

NAME = re.compile(r"[a-z0-9_.-]{3,40}")


class TokenError(ValueError):
    """A bad request about tokens; the message is an i18n key."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(conn: Connection, name: str, created_by: str, description: str = "") -> str:
    if not NAME.fullmatch(name):
        raise TokenError("token.bad_name")
    if conn.execute(text("SELECT 1 FROM integration WHERE name = :n"), {"n": name}).first():
        raise TokenError("token.exists")
    token = "sst_" + secrets.token_urlsafe(32)
    conn.execute(text("INSERT INTO integration (name, description, token_sha256, created_by)"
                      " VALUES (:n, :d, :h, :by)"),
                 {"n": name, "d": description, "h": _digest(token), "by": created_by})
    return token


def revoke_token(conn: Connection, name: str) -> None:
    if not conn.execute(text("UPDATE integration SET active = false WHERE name = :n"), {"n": name}).rowcount:
        raise TokenError("token.unknown")


def integration_for(conn: Connection, token: str | None) -> str | None:
    """The name of the active integration holding token, or None; notes when it was last used."""
    if not token or len(token) > 200:
        return None
    # A function running as the owner: the web role itself may not read the token table (row-level security).
    return conn.execute(text("SELECT integration_for_token(:h)"), {"h": _digest(token)}).scalar()


def list_integrations(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(text(
        "SELECT name, description, created_by, created_at, active, last_used_at FROM integration ORDER BY name"
    )).mappings()]
