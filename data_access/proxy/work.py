"""The list and the agents' work: who is listed in an area, each agent's people, assignments, contacts and
citizen-card bindings. Every function takes the caller's connection (a reading or writing unit of work);
PostgreSQL checks area, role and name again (migration 0008): a contact only by the person's agent, in
their community; an assignment only by the community; a card only by the person's agent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

from data_access.masking import mask_id_number, mask_phone
from domain.divisions import Scope
from domain.proxy import FOLLOW_UP_DAYS, NOT_NEEDING, mask_card

MOST_ROWS = 5000


class ProxyError(ValueError):
    """Something the user asked cannot be done: the message is an i18n key."""


def _shown(row, viewer: str) -> dict:
    """Masked: ID number and phone always; the card number except to the person's own agent."""
    found = dict(row)
    found["id_number"] = mask_id_number(found["id_number"])
    found["phone"] = mask_phone(found.get("phone"))
    if found.get("agent") != viewer:
        found["card_number"] = mask_card(found.get("card_number"))
    return found


def listed(conn: Connection, scope: Scope, viewer: str, agent: str | None = None,
           open_only: bool = False, limit: int = MOST_ROWS) -> list[dict]:
    """The area's listed people (or one agent's), those still to do first, then by address; masked."""
    rows = conn.execute(text("""
        SELECT pp.id, pp.id_number, p.name, p.phone, p.address, c.name AS community, pp.community_code, pp.agent,
               u.display_name AS agent_name, pp.on_city_list, pp.on_register, pp.outcome, pp.last_contact_at,
               pp.applied_at, pp.card_number, pp.card_bound_at,
               coalesce(pp.outcome, '') <> ALL (:not_needing) AND pp.outcome IS DISTINCT FROM 'applied'
                 AND coalesce(pp.last_contact_at, pp.listed_at) < now() - make_interval(days => :days) AS overdue
        FROM proxy_person pp JOIN person p USING (id_number) JOIN community c ON c.code = pp.community_code
        LEFT JOIN app_user u ON u.username = pp.agent
        WHERE pp.community_code LIKE :prefix AND (CAST(:agent AS text) IS NULL OR pp.agent = :agent)
          AND (NOT :open_only OR (coalesce(pp.outcome, '') <> ALL (:not_needing)
                                  AND pp.outcome IS DISTINCT FROM 'applied'))
        ORDER BY coalesce(pp.outcome, '') = 'applied' OR coalesce(pp.outcome, '') = ANY (:not_needing),
                 p.address, pp.id_number
        LIMIT :n"""), {"prefix": scope.prefix + "%", "agent": agent, "open_only": open_only,
                       "not_needing": list(NOT_NEEDING), "days": FOLLOW_UP_DAYS, "n": limit}).mappings()
    return [_shown(r, viewer) for r in rows]


def agents(conn: Connection, scope: Scope) -> list[dict]:
    """The area's active agents with their workload: people assigned, applied, still to do, overdue."""
    return [dict(r) for r in conn.execute(text("""
        WITH per AS MATERIALIZED (  -- the list counted once per agent (joined row by row: a scan per agent)
          SELECT pp.agent, count(*) AS assigned,
                 count(*) FILTER (WHERE pp.outcome = 'applied') AS applied,
                 count(*) FILTER (WHERE coalesce(pp.outcome, '') <> ALL (:nn)
                                  AND pp.outcome IS DISTINCT FROM 'applied') AS to_do,
                 count(*) FILTER (WHERE coalesce(pp.outcome, '') <> ALL (:nn)
                                  AND pp.outcome IS DISTINCT FROM 'applied'
                                  AND coalesce(pp.last_contact_at, pp.listed_at)
                                      < now() - make_interval(days => :days)) AS overdue
          FROM proxy_person pp WHERE pp.agent IS NOT NULL AND pp.community_code LIKE :prefix GROUP BY pp.agent)
        SELECT u.username, u.display_name, u.org_code AS community_code, c.name AS community,
               coalesce(per.assigned, 0) AS assigned, coalesce(per.applied, 0) AS applied,
               coalesce(per.to_do, 0) AS to_do, coalesce(per.overdue, 0) AS overdue
        FROM app_user u JOIN community c ON c.code = u.org_code LEFT JOIN per ON per.agent = u.username
        WHERE u.role = 'proxy_agent' AND u.active AND u.org_code LIKE :prefix
        ORDER BY overdue DESC, to_do DESC, u.username"""),
        {"prefix": scope.prefix + "%", "nn": list(NOT_NEEDING), "days": FOLLOW_UP_DAYS}).mappings()]


def contacts(conn: Connection, person: int) -> list[dict]:
    """A listed person's contacts, latest first."""
    return [dict(r) for r in conn.execute(text("""
        SELECT k.contacted_at, k.channel, k.outcome, k.agent, k.note
        FROM proxy_contact k JOIN proxy_person pp USING (id_number) WHERE pp.id = :i
        ORDER BY k.contacted_at DESC, k.id DESC LIMIT 20"""), {"i": person}).mappings()]


def assign(conn: Connection, scope: Scope, people: list[int], agent: str | None) -> int:
    """Give the people to the agent (None: take them back); PostgreSQL checks the agent is of their
    community and that the session may assign. Returns how many changed."""
    if agent is not None and not conn.execute(text("""
            SELECT 1 FROM app_user WHERE username = :a AND role = 'proxy_agent' AND active
              AND org_code LIKE :p"""), {"a": agent, "p": scope.prefix + "%"}).first():
        raise ProxyError("proxy.error.no_agent")
    mismatched = conn.execute(text("""
        SELECT count(*) FROM proxy_person pp JOIN app_user u ON u.username = :a
        WHERE pp.id = ANY (:ids) AND pp.community_code <> u.org_code"""),
        {"a": agent, "ids": people}).scalar()
    if mismatched:
        raise ProxyError("proxy.error.other_community")
    return conn.execute(text("""
        UPDATE proxy_person SET agent = :a WHERE id = ANY (:ids) AND community_code LIKE :p
          AND agent IS DISTINCT FROM :a"""), {"a": agent, "ids": people, "p": scope.prefix + "%"}).rowcount


def record_contact(conn: Connection, agent: str, person: int, channel: str, contacted_at: datetime,
                   outcome: str, note: str | None) -> int:
    """One phone call or visit by the person's agent; the person's outcome follows (the trigger).
    Returns 1, or 0 when the person is not one the session can see."""
    return conn.execute(text("""
        INSERT INTO proxy_contact (id_number, agent, channel, contacted_at, outcome, note)
        SELECT id_number, :a, :c, :t, :o, :n FROM proxy_person WHERE id = :i"""),
        {"i": person, "a": agent, "c": channel, "t": contacted_at, "o": outcome, "n": note or None}).rowcount


def bind_card(conn: Connection, person: int, card: str) -> int:
    """The citizen card bound to the person's code (by their agent; PostgreSQL checks the name)."""
    return conn.execute(text("""
        UPDATE proxy_person SET card_number = :c, card_bound_at = now() WHERE id = :i"""),
        {"c": card, "i": person}).rowcount


def person_area(conn: Connection, person: int) -> str | None:
    """The community of a listed person the session can see (for the audit row)."""
    return conn.execute(text("SELECT community_code FROM proxy_person WHERE id = :i"), {"i": person}).scalar()
