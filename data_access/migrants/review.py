"""The community's review of declarations: the area's queue with its conflicts (persons masked), and a
decision (accept, correct, reject) that writes the registers (landlord, house, migrant with the history of
stays, the QR token) and the audit row in the reviewer's one transaction. PostgreSQL checks area, role and
name again (0013_migrants): a declaration of another area is not even visible to the reviewer."""

from __future__ import annotations

import re
import secrets
from datetime import date

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from data_access.masking import mask_id_number, mask_name, mask_phone
from data_access.session import UnitOfWork
from domain.divisions import Scope
from domain.migrants import capacity, new_house_code

MOST_ROWS = 200  # the oldest waiting: a reviewer works from the top
CORRECTABLE = ("name", "phone", "origin", "employer", "arrival_date", "house_code", "address", "rooms")


class ReviewError(ValueError):
    """A decision that cannot be taken: the message is an i18n key."""


QUEUE = """
SELECT d.id, d.kind, d.state, d.id_number, d.name, d.phone, d.fields, d.declared_at, d.community_code,
       c.name AS community, h.address AS house_address, h.house_code, d.house_id,
       NOT gb11643_is_valid(d.id_number) AS bad_check_digit,
       (d.kind = 'migrant' AND (EXISTS (SELECT 1 FROM mg_migrant m WHERE m.id_number = d.id_number
                                          AND m.house_id IS NOT NULL AND m.house_id <> d.house_id)
         OR EXISTS (SELECT 1 FROM mg_declaration o WHERE o.id_number = d.id_number AND o.id <> d.id
                      AND o.kind = 'migrant' AND o.state = 'waiting' AND o.house_id <> d.house_id))) AS two_houses,
       (d.kind = 'migrant' AND h.capacity < 1 + (SELECT count(*) FROM mg_migrant m WHERE m.house_id = h.id
                                                   AND m.id_number <> d.id_number)) AS over_capacity,
       EXISTS (SELECT 1 FROM kp_person k JOIN kp_task t ON t.person_id = k.id
               WHERE k.id_number = d.id_number AND t.released_at IS NULL) AS key_person
FROM (SELECT * FROM mg_declaration WHERE community_code LIKE :prefix AND state = 'waiting'
      ORDER BY declared_at, id LIMIT :n) d  -- the oldest first, before any join (mg_declaration_waiting_idx)
JOIN community c ON c.code = d.community_code LEFT JOIN mg_house h ON h.id = d.house_id
ORDER BY d.declared_at, d.id"""


def queue(conn: Connection, scope: Scope, limit: int = MOST_ROWS) -> list[dict]:
    """The area's waiting declarations, oldest first, with their conflicts; persons masked. A key person is
    read from the key-persons module's tables (SQL, within the reviewer's area)."""
    rows = conn.execute(text(QUEUE), {"prefix": scope.prefix + "%", "n": limit}).mappings()
    return [{**dict(r), "id_number": mask_id_number(r["id_number"]), "name": mask_name(r["name"]),
             "phone": mask_phone(r["phone"])} for r in rows]


def waiting_count(conn: Connection, scope: Scope) -> int:
    """How many declarations of the area wait in all (the queue lists only the oldest MOST_ROWS)."""
    return conn.execute(text("SELECT count(*) FROM mg_declaration WHERE community_code LIKE :prefix"
                             " AND state = 'waiting'"), {"prefix": scope.prefix + "%"}).scalar()


def _declaration(conn: Connection, declaration_id: int) -> dict:
    row = conn.execute(text("SELECT * FROM mg_declaration WHERE id = :d AND state = 'waiting' FOR UPDATE"),
                       {"d": declaration_id}).mappings().first()
    if row is None:  # reviewed already, or not of the reviewer's area (invisible)
        raise ReviewError("migrants.error.not_waiting")
    return dict(row)


def reject(work: UnitOfWork, declaration_id: int, reason: str | None) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("migrants.error.reason")
    found = _declaration(work.conn, declaration_id)
    work.conn.execute(text("UPDATE mg_declaration SET state = 'rejected', reason = :r, reviewed_by = :u,"
                           " reviewed_at = now() WHERE id = :d"),
                      {"r": reason[:200], "u": work.actor.username, "d": declaration_id})
    work.audit("migrant_reviewed", found["community_code"], {"declaration": declaration_id, "state": "rejected"})


def accept(work: UnitOfWork, declaration_id: int, corrections: dict | None = None, today: date | None = None) -> int:
    """Accept (or, with corrections, correct and accept) a declaration; returns the migrant's (or house's) id."""
    corrections = _checked({k: v for k, v in (corrections or {}).items() if k in CORRECTABLE and v not in (None, "")})
    found = _declaration(work.conn, declaration_id)
    values = {**found["fields"], "name": found["name"], "phone": found["phone"], **corrections}
    today = today or date.today()
    if found["kind"] == "landlord":
        made = _landlord_house(work.conn, found, values)
        migrant_id = None
    elif found["kind"] == "migrant":
        if not _valid_id(work.conn, found["id_number"]):
            raise ReviewError("migrants.error.check_digit")
        house = _house(work.conn, values.get("house_code"), found["house_id"])
        migrant_id = made = _settle(work, found, values, house, today)
    else:
        migrant_id = work.conn.execute(text("SELECT id FROM mg_migrant WHERE id_number = :i"),
                                       {"i": found["id_number"]}).scalar()
        made = migrant_id or 0
    state = "corrected" if corrections else "accepted"
    work.conn.execute(text(
        "UPDATE mg_declaration SET state = :s, corrected = CAST(:c AS jsonb), reviewed_by = :u, reviewed_at = now(),"
        " migrant_id = :m WHERE id = :d"),
        {"s": state, "c": _json(corrections) if corrections else None, "u": work.actor.username,
         "m": migrant_id, "d": declaration_id})
    work.audit("migrant_reviewed", found["community_code"], {"declaration": declaration_id, "state": state})
    return made


def _checked(corrections: dict) -> dict:
    """A reviewer's corrections, each in the form the registers take; ReviewError names the first bad one."""
    value = corrections.get("rooms")
    if value is not None and not (str(value).isdigit() and 1 <= int(value) <= 60):
        raise ReviewError("migrants.form.bad_rooms")
    if corrections.get("phone") and not re.fullmatch(r"1[3-9][0-9]{9}", corrections["phone"]):
        raise ReviewError("migrants.form.bad_phone")
    if corrections.get("arrival_date"):
        try:
            date.fromisoformat(corrections["arrival_date"])
        except ValueError:
            raise ReviewError("migrants.form.bad_date") from None
    if any(len(str(v)) > 60 for v in corrections.values()):
        raise ReviewError("migrants.form.too_long")
    return corrections


def _json(value: dict) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _valid_id(conn: Connection, number: str) -> bool:
    return bool(conn.execute(text("SELECT gb11643_is_valid(:i)"), {"i": number}).scalar())


def _house(conn: Connection, house_code: str | None, house_id: int | None) -> dict:
    where, value = ("house_code = :v", house_code.upper()) if house_code else ("id = :v", house_id)
    row = conn.execute(text(f"SELECT id, community_code, capacity FROM mg_house WHERE {where}"),
                       {"v": value}).mappings().first()
    if row is None:
        raise ReviewError("migrants.error.house")
    return dict(row)


def _settle(work: UnitOfWork, found: dict, values: dict, house: dict, today: date) -> int:
    """The migrant in the house: new, or moved (the old stay closed, a new one opened), or updated; a QR token."""
    conn = work.conn
    person = {"i": found["id_number"], "n": values["name"], "p": values.get("phone"), "o": values.get("origin"),
              "e": values.get("employer"), "a": values.get("arrival_date"), "h": house["id"],
              "c": house["community_code"]}
    current = conn.execute(text("SELECT id, house_id FROM mg_migrant WHERE id_number = :i FOR UPDATE"),
                           person).mappings().first()
    if current is None:
        try:
            with conn.begin_nested():
                migrant_id = conn.execute(text(
                    "INSERT INTO mg_migrant (community_code, id_number, name, phone, origin, employer, arrival_date,"
                    " house_id) VALUES (:c, :i, :n, :p, :o, :e, CAST(:a AS date), :h) RETURNING id"), person).scalar()
        except IntegrityError:  # registered in a community outside the reviewer's area
            raise ReviewError("migrants.error.elsewhere") from None
    else:
        migrant_id = current["id"]
        conn.execute(text(
            "UPDATE mg_migrant SET community_code = :c, name = :n, phone = :p, origin = coalesce(:o, origin),"
            " employer = coalesce(:e, employer), arrival_date = coalesce(CAST(:a AS date), arrival_date),"
            " house_id = :h, updated_at = now() WHERE id = :m"), {**person, "m": migrant_id})
    if current is None or current["house_id"] != house["id"]:
        conn.execute(text("UPDATE mg_residence SET moved_out = greatest(moved_in, :t) WHERE migrant_id = :m"
                          " AND moved_out IS NULL"), {"t": today, "m": migrant_id})
        conn.execute(text("INSERT INTO mg_residence (migrant_id, house_id, community_code, moved_in, declaration_id)"
                          " VALUES (:m, :h, :c, :t, :d)"),
                     {"m": migrant_id, "h": house["id"], "c": house["community_code"], "t": today, "d": found["id"]})
    live = conn.execute(text("SELECT community_code FROM mg_qr WHERE migrant_id = :m AND revoked_at IS NULL"),
                        {"m": migrant_id}).scalar()
    if live != house["community_code"]:
        if live is not None:  # moved to another community of the area: the new community issues the code
            conn.execute(text("UPDATE mg_qr SET revoked_at = now(), revoked_by = :u WHERE migrant_id = :m"
                              " AND revoked_at IS NULL"), {"u": work.actor.username, "m": migrant_id})
        issue_qr(conn, migrant_id, house["community_code"], work.actor.username)
    return migrant_id


def issue_qr(conn: Connection, migrant_id: int, community_code: str, username: str) -> str:
    nonce = secrets.token_urlsafe(16)
    conn.execute(text("INSERT INTO mg_qr (migrant_id, community_code, nonce, issued_by) VALUES (:m, :c, :n, :u)"),
                 {"m": migrant_id, "c": community_code, "n": nonce, "u": username})
    return nonce


def revoke_qr(work: UnitOfWork, migrant_id: int, reissue: bool = True) -> str | None:
    """Revoke the migrant's live code (a lost phone, a forged copy seen); a new one unless told not to."""
    row = work.conn.execute(text("UPDATE mg_qr SET revoked_at = now(), revoked_by = :u WHERE migrant_id = :m"
                                 " AND revoked_at IS NULL RETURNING community_code"),
                            {"u": work.actor.username, "m": migrant_id}).first()
    if row is None:
        raise ReviewError("migrants.error.no_code")
    work.audit("migrant_qr_revoked", row[0], {"migrant": migrant_id})
    return issue_qr(work.conn, migrant_id, row[0], work.actor.username) if reissue else None


def live_nonce(conn: Connection, migrant_id: int) -> str | None:
    return conn.execute(text("SELECT nonce FROM mg_qr WHERE migrant_id = :m AND revoked_at IS NULL"),
                        {"m": migrant_id}).scalar()


def _landlord_house(conn: Connection, found: dict, values: dict) -> int:
    """The landlord (once per community) and the declared house, at a point inside the community."""
    landlord = conn.execute(text(
        "INSERT INTO mg_landlord (community_code, id_number, name, phone) VALUES (:c, :i, :n, :p)"
        " ON CONFLICT (community_code, id_number) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone"
        " RETURNING id"), {"c": found["community_code"], "i": found["id_number"], "n": values["name"],
                           "p": values.get("phone")}).scalar()
    rooms = int(values["rooms"])
    point = {"lon": values.get("lon"), "lat": values.get("lat")}
    # the point tapped on the public form's map (checked again here: inside the community), else anywhere in it
    house = conn.execute(text(
        "INSERT INTO mg_house (community_code, house_code, landlord_id, address, rooms, capacity, location)"
        " SELECT :c, :code, :l, :a, :r, :cap, coalesce(p.tapped, ST_GeometryN(ST_GeneratePoints(c.geom, 1), 1))"
        " FROM community c CROSS JOIN (SELECT ST_SetSRID(ST_MakePoint(CAST(:lon AS float8), CAST(:lat AS float8)),"
        " 4326) AS tapped) p WHERE c.code = :c AND (p.tapped IS NULL OR ST_Covers(c.geom, p.tapped)) RETURNING id"),
        {"c": found["community_code"], "code": new_house_code(), "l": landlord, "a": values["address"],
         "r": rooms, "cap": capacity(rooms), **point}).scalar()
    if house is None:
        raise ReviewError("migrants.error.outside")
    return house


def migrants(conn: Connection, scope: Scope, house_code: str | None = None, limit: int = 200) -> list[dict]:
    """The area's migrants (masked): those of one house by its sticker code, else the latest registered."""
    rows = conn.execute(text("""
        SELECT m.id, m.name, m.id_number, m.phone, c.name AS community, h.house_code, h.address, m.registered_at,
               EXISTS (SELECT 1 FROM mg_qr q WHERE q.migrant_id = m.id AND q.revoked_at IS NULL) AS has_code,
               m.person_id_number IS NOT NULL AS in_register
        FROM mg_migrant m JOIN community c ON c.code = m.community_code LEFT JOIN mg_house h ON h.id = m.house_id
        WHERE m.community_code LIKE :prefix AND (CAST(:code AS text) IS NULL OR h.house_code = :code)
        ORDER BY m.registered_at DESC, m.id DESC LIMIT :n"""),
        {"prefix": scope.prefix + "%", "code": (house_code or "").strip().upper() or None, "n": limit}).mappings()
    return [{**dict(r), "id_number": mask_id_number(r["id_number"]), "name": mask_name(r["name"]),
             "phone": mask_phone(r["phone"])} for r in rows]
