"""Appeals: the queue of an area, one case with what the registers know of the person, the three steps,
the proposal, tiered reviews and reassignment. Every function takes the caller's connection (a reading or
writing unit of work); PostgreSQL checks area, role, name and tier again (migration 0007)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

from data_access.masking import mask_id_number, mask_phone
from domain.appeals import Facts
from domain.divisions import Scope

OPEN = ("open", "review")
MOST_ROWS = 2000


class AppealError(ValueError):
    """Something the user asked cannot be done: the message is an i18n key."""


def queue(conn: Connection, scope: Scope, statuses: tuple[str, ...] = OPEN, limit: int = MOST_ROWS) -> list[dict]:
    """The area's requests in the given states, oldest first, persons masked."""
    rows = conn.execute(text("""
        SELECT a.id, a.id_number, p.name, c.name AS community, a.community_code, a.current_colour,
               a.requested_colour, a.submitted_at, a.channel, a.status, a.tiers, a.tiers_done, a.proposed_decision,
               extract(epoch FROM coalesce(a.decided_at, now()) - a.submitted_at) / 3600 AS hours
        FROM appeal a JOIN person p USING (id_number) JOIN community c ON c.code = a.community_code
        WHERE a.community_code LIKE :prefix AND a.status = ANY (:statuses)
        ORDER BY a.submitted_at, a.id LIMIT :n"""),
        {"prefix": scope.prefix + "%", "statuses": list(statuses), "n": limit}).mappings()
    return [{**r, "id_number": mask_id_number(r["id_number"])} for r in rows]


def appeal(conn: Connection, scope: Scope, appeal_id: int) -> dict | None:
    """One request of the area, with its steps and proposal (ID number and phone masked)."""
    row = conn.execute(text("""
        SELECT a.*, p.name, p.residence_type, p.community_code AS home_code, c.name AS community,
               s.name AS street, h.colour AS colour_now, h.changed_at AS colour_since
        FROM appeal a JOIN person p USING (id_number) JOIN community c ON c.code = a.community_code
        JOIN street s ON s.code = c.street_code LEFT JOIN health_code h ON h.id_number = a.id_number
        WHERE a.id = :id AND a.community_code LIKE :prefix"""),
        {"id": appeal_id, "prefix": scope.prefix + "%"}).mappings().first()
    if row is None:
        return None
    found = dict(row)
    found.pop("commitment_file", None)
    found["id_number_full"] = found["id_number"]
    found["id_number"], found["phone"] = mask_id_number(found["id_number"]), mask_phone(found["phone"])
    return found


def person_record(conn: Connection, id_number: str) -> dict:
    """What the registers know: colour history, managed-person records, employers and their status."""
    history = conn.execute(text("""
        SELECT changed_at, previous_colour, colour, source FROM health_code_history
        WHERE id_number = :id ORDER BY changed_at DESC, id DESC LIMIT 20"""), {"id": id_number}).mappings().all()
    managed = conn.execute(text("""
        SELECT kind, start_date, end_date, (start_date <= current_date
               AND (end_date IS NULL OR end_date >= current_date)) AS current
        FROM managed_person WHERE id_number = :id ORDER BY start_date DESC"""), {"id": id_number}).mappings().all()
    employers = conn.execute(text("""
        SELECT e.credit_code, e.name, s.status FROM employment em JOIN enterprise e USING (credit_code)
        LEFT JOIN enterprise_stats s USING (credit_code) WHERE em.id_number = :id ORDER BY e.name"""),
        {"id": id_number}).mappings().all()
    return {"history": [dict(r) for r in history], "managed": [dict(r) for r in managed],
            "employers": [dict(r) for r in employers]}


def facts(case: dict, record: dict) -> Facts:
    temperature = case.get("health_temperature")
    return Facts(case.get("health_symptoms"), float(temperature) if temperature is not None else None,
                 case.get("health_contact"), case.get("movement_key_area"), case.get("commitment_signed"),
                 frozenset(m["kind"] for m in record["managed"] if m["current"]))


def reviews(conn: Connection, appeal_id: int) -> list[dict]:
    return [dict(r) for r in conn.execute(text("""
        SELECT tier, verdict, reason, reviewer, reviewed_at FROM appeal_review WHERE appeal_id = :id
        ORDER BY reviewed_at, id"""), {"id": appeal_id}).mappings()]


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
