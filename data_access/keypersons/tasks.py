"""The communities' queues of key persons: tasks of an area (persons masked), first contact, measure, daily
follow-ups, release, and the district's queue of persons to place by hand. Reads and the steps without a
colour take the caller's unit of work (sansetu_app); a measure, a release and a placing change colours, so
they run as the writer role with the user's session (SessionWriter): the step, the colour through the
import path, and the audit row, in one transaction. PostgreSQL checks area and role again (0008)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from data_access import audit_trail
from data_access.keypersons.intake import touch_communities, write_colours
from data_access.masking import mask_id_number, mask_phone
from data_access.session import DataUnavailable, SessionWriter
from domain.actor import Actor
from domain.divisions import Scope
from domain.keypersons import DEFAULT_DAYS, MEASURES, status_colour

MOST_ROWS = 2000


class TaskError(ValueError):
    """A step that cannot be taken: the message is an i18n key."""


def tasks(conn: Connection, scope: Scope, open_only: bool = True, limit: int = MOST_ROWS) -> list[dict]:
    """The area's tasks, those waiting for first contact first, persons masked."""
    rows = conn.execute(text("""
        SELECT t.id, k.name, k.id_number, k.passport, k.phone, c.name AS community, t.community_code,
               b.kind AS batch_kind, t.batch_id, t.dispatched_at, t.contact_due, t.contacted_at, t.measure, t.hotel,
               t.measure_start, t.measure_days, t.released_at, r.address, r.travel_no, t.colour_written
        FROM kp_task t JOIN kp_person k ON k.id = t.person_id JOIN community c ON c.code = t.community_code
        JOIN kp_batch b ON b.id = t.batch_id JOIN kp_record r ON r.id = t.record_id
        WHERE t.community_code LIKE :prefix AND (NOT :open OR t.released_at IS NULL)
        ORDER BY t.contacted_at IS NOT NULL, t.contact_due, t.id LIMIT :n"""),
        {"prefix": scope.prefix + "%", "open": open_only, "n": limit}).mappings()
    return [_masked(r) for r in rows]


def _masked(row) -> dict:
    found = dict(row)
    found["id_number"] = mask_id_number(found["id_number"]) if found["id_number"] else None
    found["passport"] = (found["passport"][:2] + "****" + found["passport"][-2:]) if found["passport"] else None
    found["phone"] = mask_phone(found["phone"])
    found["status_colour"] = status_colour(found["measure"], found["released_at"] is not None)
    return found


def first_contact(conn: Connection, task_id: int, by: str, note: str | None) -> None:
    done = conn.execute(text("""
        UPDATE kp_task SET contacted_at = clock_timestamp(), contacted_by = :by, contact_note = :note
        WHERE id = :id AND contacted_at IS NULL RETURNING community_code"""),
        {"id": task_id, "by": by, "note": note}).scalar()
    if done is None:
        raise TaskError("keypersons.error.no_task")


def follow_up(conn: Connection, task_id: int, day: date, by: str, symptoms: bool, temperature: float | None,
              test_result: str | None, note: str | None) -> None:
    conn.execute(text("""
        INSERT INTO kp_followup (task_id, day, temperature, symptoms, test_result, note, recorded_by)
        VALUES (:id, :day, :temperature, :symptoms, :test, :note, :by)
        ON CONFLICT (task_id, day) DO NOTHING"""),
        {"id": task_id, "day": day, "temperature": temperature, "symptoms": symptoms, "test": test_result,
         "note": note, "by": by})


def set_measure(actor: Actor, task_id: int, measure: str, hotel: str | None, start: date,
                days: int = DEFAULT_DAYS) -> int:
    """The measure, and the colour it orders: returns the colours changed (0 or 1)."""
    if measure not in MEASURES or (measure == "centralised" and not (hotel or "").strip()):
        raise TaskError("keypersons.error.measure")
    return _with_colour(actor, task_id, "keyperson_measure", """
        UPDATE kp_task SET measure = :measure, hotel = :hotel, measure_start = :start, measure_days = :days,
          measured_at = clock_timestamp(), measured_by = :by
        WHERE id = :id AND contacted_at IS NOT NULL AND released_at IS NULL RETURNING community_code""",
        {"measure": measure, "hotel": (hotel or "").strip() or None, "start": start, "days": days})


def release(actor: Actor, task_id: int) -> int:
    """Release: the task closes and the person's code goes back to green."""
    return _with_colour(actor, task_id, "keyperson_released", """
        UPDATE kp_task SET released_at = clock_timestamp(), released_by = :by
        WHERE id = :id AND measure IS NOT NULL AND released_at IS NULL RETURNING community_code""", {})


def _with_colour(actor: Actor, task_id: int, action: str, sql: str, params: dict) -> int:
    try:
        with SessionWriter(actor.session).begin() as conn:
            area = conn.execute(text(sql), {"id": task_id, "by": actor.username, **params}).scalar()
            if area is None:
                raise TaskError("keypersons.error.step")
            changed = write_colours(conn, f"keypersons:task:{task_id}", "t.id = :task", {"task": task_id})
            touch_communities(conn, "SELECT CAST(:area AS char(12))", {"area": area})
            audit_trail.record(conn, actor.username, actor.role, action, area,
                               {"task": task_id, **{k: str(v) for k, v in params.items()}, "colours": changed},
                               actor.address)
            return changed
    except DBAPIError as exc:
        raise DataUnavailable(str(exc.orig).splitlines()[0]) from exc


def unplaced(conn: Connection, limit: int = MOST_ROWS) -> list[dict]:
    """The district's queue: records no community could be found for, oldest batch first."""
    rows = conn.execute(text("""
        SELECT r.id, r.batch_id, b.kind AS batch_kind, k.name, k.id_number, k.passport, k.phone, r.address,
               r.place_how, b.received_at
        FROM kp_record r JOIN kp_person k ON k.id = r.person_id JOIN kp_batch b ON b.id = r.batch_id
        WHERE r.community_code IS NULL ORDER BY b.received_at, r.row_no LIMIT :n"""), {"n": limit}).mappings()
    return [_masked({**r, "measure": None, "released_at": None}) for r in rows]


def place_by_hand(actor: Actor, record_id: int, community_code: str) -> int:
    """Place a record of the district's queue: its person (new to the register: added there), its task in the
    community's queue, its colour if the batch named a hotel. Returns the task's id (0: an open task exists)."""
    try:
        with SessionWriter(actor.session).begin() as conn:
            record = conn.execute(text("""
                UPDATE kp_record SET community_code = :c, placed_by = 'hand', confidence = 1,
                  placed_at = clock_timestamp(), place_how = 'hand'
                WHERE id = :id AND community_code IS NULL RETURNING person_id, batch_id, hotel, arrival_at, address"""),
                {"id": record_id, "c": community_code}).mappings().first()
            if record is None:
                raise TaskError("keypersons.error.placed")
            conn.execute(text("""
                INSERT INTO person (id_number, name, phone, residence_type, community_code, address)
                SELECT k.id_number, k.name, k.phone, 'temporary', :c, :address FROM kp_person k
                WHERE k.id = :person AND k.id_number IS NOT NULL ON CONFLICT DO NOTHING"""),
                {"c": community_code, "person": record["person_id"], "address": record["address"]})
            task = conn.execute(text("""
                INSERT INTO kp_task (person_id, record_id, batch_id, community_code, contact_due, measure, hotel,
                                     measure_start, measure_days, measured_at, measured_by)
                SELECT :person, :id, :batch, :c, greatest(b.deadline, now() + interval '2 hours'),
                       CASE WHEN :hotel IS NOT NULL THEN 'centralised' END, CAST(:hotel AS text),
                       CASE WHEN :hotel IS NOT NULL THEN current_date END,
                       CASE WHEN :hotel IS NOT NULL THEN :days END,
                       CASE WHEN :hotel IS NOT NULL THEN clock_timestamp() END,
                       CASE WHEN :hotel IS NOT NULL THEN CAST(:by AS text) END
                FROM kp_batch b WHERE b.id = :batch
                  AND NOT EXISTS (SELECT 1 FROM kp_task t WHERE t.person_id = :person AND t.released_at IS NULL)
                RETURNING id"""), {"person": record["person_id"], "id": record_id, "batch": record["batch_id"],
                                   "c": community_code, "hotel": record["hotel"], "days": DEFAULT_DAYS,
                                   "by": actor.username}).scalar()
            if task:
                write_colours(conn, f"keypersons:placed:{record_id}", "t.id = :task", {"task": task})
                touch_communities(conn, "SELECT CAST(:area AS char(12))", {"area": community_code})
            audit_trail.record(conn, actor.username, actor.role, "keyperson_placed", community_code,
                               {"record": record_id, "task": task}, actor.address)
            return task or 0
    except DBAPIError as exc:
        raise DataUnavailable(str(exc.orig).splitlines()[0]) from exc


def overdue_contacts(conn: Connection, scope: Scope, now: datetime) -> list[dict]:
    """Tasks whose first contact is past due at `now`, by community."""
    rows = conn.execute(text("""
        SELECT t.id, t.community_code, c.name AS community, t.contact_due, k.name
        FROM kp_task t JOIN community c ON c.code = t.community_code JOIN kp_person k ON k.id = t.person_id
        WHERE t.community_code LIKE :prefix AND t.released_at IS NULL AND t.contacted_at IS NULL
          AND t.contact_due < :now ORDER BY t.contact_due, t.id"""), {"prefix": scope.prefix + "%", "now": now})
    return [dict(r) for r in rows.mappings()]


def missed_follow_ups(conn: Connection, scope: Scope, today: date) -> list[dict]:
    """(task, day) pairs of a measure in force with no follow-up recorded, for each day before today."""
    rows = conn.execute(text("""
        SELECT t.id, t.community_code, c.name AS community, d::date AS day, k.name
        FROM kp_task t JOIN community c ON c.code = t.community_code JOIN kp_person k ON k.id = t.person_id
        CROSS JOIN LATERAL generate_series(t.measure_start,
          least(t.measure_start + t.measure_days - 1, CAST(:today AS date) - 1), interval '1 day') d
        WHERE t.community_code LIKE :prefix AND t.released_at IS NULL AND t.measure IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM kp_followup f WHERE f.task_id = t.id AND f.day = d::date)
        ORDER BY day, t.id"""), {"prefix": scope.prefix + "%", "today": today})
    return [dict(r) for r in rows.mappings()]


def communities(conn: Connection) -> list[tuple[str, str]]:
    """Where a person may be placed by hand: every community (code, name)."""
    return [tuple(r) for r in conn.execute(text("SELECT code, name FROM community ORDER BY code")).all()]


# Open tasks past a deadline at `now` (Beijing day `today`): first contact not made by its due time, or a day of
# the measure before today with no follow-up recorded. PostgreSQL keeps each user to the area's tasks.
_OVERDUE = """
    WITH open_task AS (
      SELECT t.id, t.community_code, t.person_id, t.contact_due,
             t.contacted_at IS NULL AND t.contact_due < :now AS contact_overdue,
             CASE WHEN t.measure IS NOT NULL THEN least(t.measure_start + t.measure_days - 1, CAST(:today AS date) - 1)
             END AS last_due, t.measure_start, t.measure
      FROM kp_task t WHERE t.released_at IS NULL AND t.community_code LIKE :prefix),
    counted AS (
      SELECT o.*, CASE WHEN o.last_due >= o.measure_start THEN (o.last_due - o.measure_start + 1) - (
               SELECT count(*) FROM kp_followup f WHERE f.task_id = o.id
                 AND f.day BETWEEN o.measure_start AND o.last_due) ELSE 0 END::int AS missed_days
      FROM open_task o)"""


def overdue(conn: Connection, scope: Scope, now: datetime, today: date) -> dict[str, list[dict]]:
    """The 超时任务 tab from one statement: every overdue task of the area ("tasks": first contact late, follow-up
    days missed; late first contacts first), and the same counts per community and per street of the area
    ("communities", "streets": contact_overdue, followup_tasks, followup_days), summed from those tasks: the
    days missed are counted once per request, not once per table (three statements were 95 ms at full scale)."""
    rows = [dict(r) for r in conn.execute(text(_OVERDUE + """
        SELECT c.id, c.community_code, m.name AS community, m.street_code, s.name AS street_name, k.name,
               c.contact_due, c.contact_overdue, c.missed_days, c.measure, c.last_due
        FROM counted c JOIN community m ON m.code = c.community_code JOIN street s ON s.code = m.street_code
        JOIN kp_person k ON k.id = c.person_id
        WHERE c.contact_overdue OR c.missed_days > 0
        ORDER BY c.contact_overdue DESC, c.contact_due, c.missed_days DESC, c.id"""),
        {"prefix": scope.prefix + "%", "now": now, "today": today}).mappings()]
    return {"tasks": rows, "communities": _overdue_sums(rows, "community_code", "community", "street_name"),
            "streets": _overdue_sums(rows, "street_code", "street_name")}


def _overdue_sums(rows: list[dict], key: str, name: str, street: str | None = None) -> list[dict]:
    """Overdue tasks counted per area (code, name[, street]): most late first contacts, then most days missed."""
    sums: dict[str, dict] = {}
    for r in rows:
        area = sums.setdefault(r[key], {"code": r[key], "name": r[name], **({"street": r[street]} if street else {}),
                                        "contact_overdue": 0, "followup_tasks": 0, "followup_days": 0})
        area["contact_overdue"] += int(r["contact_overdue"])
        area["followup_tasks"] += int(r["missed_days"] > 0)
        area["followup_days"] += r["missed_days"]
    return sorted(sums.values(), key=lambda a: (-a["contact_overdue"], -a["followup_days"], a["code"]))


def overdue_tasks(conn: Connection, scope: Scope, now: datetime, today: date, limit: int = MOST_ROWS) -> list[dict]:
    """One row per overdue task: whether its first contact is late, how many follow-up days were missed."""
    return overdue(conn, scope, now, today)["tasks"][:limit]


def overdue_by_community(conn: Connection, scope: Scope, now: datetime, today: date) -> list[dict]:
    """Per community of the area with anything overdue: first contacts late, tasks and days of follow-up missed."""
    return overdue(conn, scope, now, today)["communities"]


def overdue_by_street(conn: Connection, scope: Scope, now: datetime, today: date) -> list[dict]:
    """The same counts per street of the area (a street or the district sees its streets side by side)."""
    return overdue(conn, scope, now, today)["streets"]
