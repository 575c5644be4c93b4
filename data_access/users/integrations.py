"""Systems that call our APIs (the provincial health-code platform, the key-person feed, the appeal platform): one
token each, kept hashed, made for the APIs it names (data_access.tokens checks a call against them).

A token is 32 random bytes, shown once when made; the database keeps its SHA-256 (a random secret of
that length needs no slow hash) and compares hashes, so a stolen table yields no usable token.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

from sqlalchemy import Connection, text

from data_access.tokens import digest
from domain.integrations import APIS, unknown_apis

NAME = re.compile(r"[a-z0-9_.-]{3,40}")


class TokenError(ValueError):
    """A bad request about tokens; the message is an i18n key."""


def create_token(conn: Connection, name: str, created_by: str, description: str = "", *,
                 apis: Sequence[str]) -> str:
    """A new token for the named system, for the given APIs (at least one, of domain.integrations.APIS)."""
    if not NAME.fullmatch(name):
        raise TokenError("token.bad_name")
    chosen = [a for a in APIS if a in apis]  # in the catalogue's order, once each
    if not chosen or unknown_apis(list(apis)):
        raise TokenError("token.bad_apis")
    if conn.execute(text("SELECT 1 FROM integration WHERE name = :n"), {"n": name}).first():
        raise TokenError("token.exists")
    token = "sst_" + secrets.token_urlsafe(32)
    conn.execute(text("INSERT INTO integration (name, description, token_sha256, created_by, apis)"
                      " VALUES (:n, :d, :h, :by, :apis)"),
                 {"n": name, "d": description, "h": digest(token), "by": created_by, "apis": chosen})
    return token


def revoke_token(conn: Connection, name: str) -> None:
    if not conn.execute(text("UPDATE integration SET active = false WHERE name = :n"), {"n": name}).rowcount:
        raise TokenError("token.unknown")


def list_integrations(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(text(
        "SELECT name, description, apis, created_by, created_at, active, last_used_at FROM integration ORDER BY name"
    )).mappings()]
