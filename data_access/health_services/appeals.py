"""Appeals: the queue of an area, one case with what the registers know of the person, the three steps,
the proposal, tiered reviews and reassignment. Every function takes the caller's connection (a reading or
writing unit of work); PostgreSQL checks area, role, name and tier again (migration 0007)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, text

from data_access.masking import mask_id_number, mask_phone
from domain.appeals import Facts, keyperson_in_force
from domain.divisions import Scope

OPEN = ("open", "review")
MOST_ROWS = 2000


class AppealError(ValueError):
    """Something the user asked cannot be done: the message is an i18n key."""


def queue(conn: Connection, scope: Scope, statuses: tuple[str, ...] = OPEN, limit: int = MOST_ROWS) -> list[dict]:
    """The area's requests in the given states, oldest first, persons masked: what the queue shows, with the
    tier a request in review waits for; the name the request was made under (kept on it, migration 0013: no
    register lookup per row, and a person living outside the reader's area is named too)."""
    rows = conn.execute(text("""
        SELECT a.id, a.id_number, a.name, c.name AS community,
               a.current_colour, a.requested_colour, a.submitted_at, a.channel, a.status,
               CASE WHEN a.status = 'review' THEN a.tiers[a.tiers_done + 1] END AS waiting,
               round((extract(epoch FROM coalesce(a.decided_at, now()) - a.submitted_at) / 3600)::numeric, 1)::float8
                 AS hours
        FROM appeal a JOIN community c ON c.code = a.community_code
        WHERE a.community_code LIKE :prefix AND a.status = ANY (:statuses)
        ORDER BY a.submitted_at, a.id LIMIT :n"""),
        {"prefix": scope.prefix + "%", "statuses": list(statuses), "n": limit}).mappings().all()
    return [{**r, "id_number": mask_id_number(r["id_number"])} for r in rows]


def appeal(conn: Connection, scope: Scope, appeal_id: int) -> dict | None:
    """One request of the area, with its steps and proposal (ID number and phone masked), its reviews, and
    what the registers (appeal_person) and the key-person batches (keyperson_of_appeal) say of its person
    (migration 0013: for whoever may read the request, wherever the person lives or their task lies; the
    key-person module's data read through SQL), all in one round trip."""
    row = conn.execute(text("""
        SELECT a.*, c.name AS community, s.name AS street, appeal_person(a.id) AS register,
               (SELECT coalesce(jsonb_agg(to_jsonb(k)), '[]') FROM keyperson_of_appeal(a.id) k) AS keyperson,
               (SELECT coalesce(jsonb_agg(jsonb_build_object('tier', r.tier, 'verdict', r.verdict, 'reason', r.reason,
                         'reviewer', r.reviewer, 'reviewed_at', r.reviewed_at) ORDER BY r.reviewed_at, r.id), '[]')
                FROM appeal_review r WHERE r.appeal_id = a.id) AS reviews
        FROM appeal a JOIN community c ON c.code = a.community_code JOIN street s ON s.code = c.street_code
        WHERE a.id = :id AND a.community_code LIKE :prefix"""),
        {"id": appeal_id, "prefix": scope.prefix + "%"}).mappings().first()
    if row is None:
        return None
    found = dict(row)
    found.pop("commitment_file", None)
    register = _register(found["register"])
    found.update({k: register.pop(k) for k in ("name", "residence_type", "home_code", "colour_now", "colour_since")})
    found["register"] = {**register, "keyperson": [_keyperson(k) for k in found.pop("keyperson")]}
    found["reviews"] = [{**r, "reviewed_at": _when(r["reviewed_at"])} for r in found["reviews"]]
    found["id_number_full"] = found["id_number"]
    found["id_number"], found["phone"] = mask_id_number(found["id_number"]), mask_phone(found["phone"])
    return found


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _register(found: dict) -> dict:
    """appeal_person's jsonb with its times and days as Python values."""
    return {**found, "colour_since": _when(found["colour_since"]),
            "history": [{**h, "changed_at": _when(h["changed_at"])} for h in found["history"]],
            "managed": [{**m, "start_date": _day(m["start_date"]), "end_date": _day(m["end_date"])}
                        for m in found["managed"]]}


def _keyperson(entry: dict) -> dict:
    """One of keyperson_of_appeal's rows from its jsonb, with its times and day as Python values."""
    return {**entry, **{k: _when(entry[k]) for k in ("received_at", "dispatched_at", "contacted_at", "released_at")},
            "measure_start": _day(entry["measure_start"])}


def person_record(case: dict) -> dict:
    """What the registers know of the case's person (read with the case): colour history, managed-person
    records, employers and their status, and what the key-person batches say."""
    return case["register"]


def facts(case: dict, record: dict) -> Facts:
    temperature = case.get("health_temperature")
    return Facts(case.get("health_symptoms"), float(temperature) if temperature is not None else None,
                 case.get("health_contact"), case.get("movement_key_area"), case.get("commitment_signed"),
                 frozenset(m["kind"] for m in record["managed"] if m["current"]),
                 keyperson_in_force(record.get("keyperson", [])))


STEP_COLUMNS = {
    "health": ("health_symptoms", "health_temperature", "health_contact"),
    "movement": ("movement_key_area", "movement_places"),
    "commitment": ("commitment_signed", "commitment_file_name", "commitment_sha256", "commitment_file"),
}


def record_step(conn: Connection, appeal_id: int, step: str, answers: dict, by: str, at: datetime) -> None:
    """One step's answers, with who and when. Only an open request of the area can change (PostgreSQL)."""
    columns = STEP_COLUMNS[step]
    values = {c: answers.get(c) for c in columns}
    assigned = ", ".join(f"{c} = :{c}" for c in columns)
    changed = conn.execute(text(f"UPDATE appeal SET {assigned}, {step}_by = :by, {step}_at = :at"
                                " WHERE id = :id AND status = 'open'"),
                           {**values, "by": by, "at": at, "id": appeal_id}).rowcount
    if not changed:
        raise AppealError("appeals.error.not_open")


def propose(conn: Connection, appeal_id: int, system: str, reasons: tuple[str, ...], decision: str,
            override: str | None, by: str, at: datetime) -> list[str]:
    """The worker's decision (the community tier) goes to review; returns the tiers it needs."""
    tiers = conn.execute(text("""
        UPDATE appeal SET system_decision = :system, system_reasons = :reasons, proposed_decision = :decision,
          override_reason = :override, proposed_by = :by, proposed_at = :at, status = 'review'
        WHERE id = :id AND status = 'open' RETURNING tiers"""),
        {"system": system, "reasons": list(reasons), "decision": decision, "override": override or None,
         "by": by, "at": at, "id": appeal_id}).scalar()
    if tiers is None:
        raise AppealError("appeals.error.not_open")
    return list(tiers)


def insert_review(conn: Connection, appeal_id: int, tier: str, verdict: str, reason: str | None,
                  reviewer: str) -> dict:
    """A tier's verdict; returns the request's state after it (the triggers move it on)."""
    conn.execute(text("INSERT INTO appeal_review (appeal_id, tier, verdict, reason, reviewer)"
                      " VALUES (:id, :tier, :verdict, :reason, :reviewer)"),
                 {"id": appeal_id, "tier": tier, "verdict": verdict, "reason": reason or None, "reviewer": reviewer})
    return dict(conn.execute(text("SELECT status, tiers, tiers_done, decided_at FROM appeal WHERE id = :id"),
                             {"id": appeal_id}).mappings().one())


def reassign(conn: Connection, appeal_id: int, community_code: str) -> str:
    """Move an open request to another community; returns the one it left."""
    before = conn.execute(text("SELECT community_code FROM appeal WHERE id = :id AND status IN ('open', 'review')"),
                          {"id": appeal_id}).scalar()
    if before is None:
        raise AppealError("appeals.error.not_open")
    moved = conn.execute(text("UPDATE appeal SET community_code = :c, routed_by = 'reassigned' WHERE id = :id"
                              " AND EXISTS (SELECT 1 FROM community WHERE code = :c)"),
                         {"c": community_code, "id": appeal_id}).rowcount
    if not moved:
        raise AppealError("appeals.error.unknown_community")
    return before


def communities(conn: Connection, scope: Scope) -> list[dict]:
    return [dict(r) for r in conn.execute(text(
        "SELECT c.code, c.name, s.name AS street FROM community c JOIN street s ON s.code = c.street_code"
        " WHERE c.code LIKE :p ORDER BY c.code"), {"p": scope.prefix + "%"}).mappings()]


def tier_rules(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(text(
        "SELECT from_colour, to_colour, tiers FROM appeal_tier_rule ORDER BY from_colour DESC, to_colour"
    )).mappings()]


def set_tiers(conn: Connection, from_colour: str, to_colour: str, tiers: list[str]) -> None:
    changed = conn.execute(text("UPDATE appeal_tier_rule SET tiers = :t WHERE from_colour = :f AND to_colour = :o"),
                           {"t": tiers, "f": from_colour, "o": to_colour}).rowcount
    if not changed:
        raise AppealError("appeals.error.configure")


def deadline_hours(conn: Connection) -> int:
    return int(conn.execute(text("SELECT value FROM appeal_setting WHERE name = 'deadline_hours'")).scalar() or 24)


def set_deadline_hours(conn: Connection, hours: int) -> None:
    if not conn.execute(text("UPDATE appeal_setting SET value = :v WHERE name = 'deadline_hours'"),
                        {"v": hours}).rowcount:
        raise AppealError("appeals.error.configure")
