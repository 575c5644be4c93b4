"""A system's bearer token checked for one API: every module's API door asks here. The token table is read only by
a function running as its owner (the web role cannot read it); only the token's SHA-256 leaves this process."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, text

from data_access import audit_trail

LONGEST = 200  # no token of ours is longer; a longer header is refused before any hashing


@dataclass(frozen=True)
class Caller:
    name: str | None  # the active integration holding the token (None: no such token)
    allowed: bool  # whether that token was made for the API asked


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def caller_for(conn: Connection, token: str | None, api: str, address: str | None = None) -> Caller:
    """Who holds the token, and whether it may call api; its last use is noted only when it may. A live token at
    another API's door is audited as a refusal, in the integration's name (its session, as its writes are)."""
    if not token or len(token) > LONGEST:
        return Caller(None, False)
    row = conn.execute(text("SELECT name, allowed FROM integration_for_token(:h, :api)"),
                       {"h": digest(token), "api": api}).first()
    if row is None:
        return Caller(None, False)
    if not row.allowed:
        conn.execute(text("SELECT set_config('sansetu.session', :s, true)"), {"s": token})
        audit_trail.record(conn, "api:" + row.name, None, "refused", None, {"asked": "api:" + api}, address)
    return Caller(row.name, row.allowed)
