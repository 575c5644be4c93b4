"""Oversight of key persons: per batch the race against the deadline (received, all matched, all placed,
all dispatched, all first-contacted), per community and street the persons under each measure today,
releases due and overdue first contacts on the Beijing day the caller gives, and the chains of contacts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, text

from data_access.masking import mask_id_number
from domain.divisions import Scope


def batches(conn: Connection, scope: Scope, limit: int = 200) -> list[dict]:
    """Each of the latest batches with its records of the area (the district sees the unplaced too) and its
    times; each batch's records read by index (kp_record_batch_idx), not all records joined to all batches."""
    rows = conn.execute(text("""
        WITH latest AS MATERIALIZED (
          SELECT b.id, b.kind, b.source, b.file_name, b.received_at, b.deadline, b.records FROM kp_batch b
          ORDER BY b.received_at DESC, b.id DESC LIMIT :n
        )
        SELECT b.id, b.kind, b.source, b.file_name, b.received_at, b.deadline, b.records, s.*
        FROM latest b CROSS JOIN LATERAL (
          SELECT count(r.id) AS seen, max(r.matched_at) AS matched_at,
                 count(r.community_code) AS placed,
                 CASE WHEN count(r.id) = count(r.community_code) THEN max(r.placed_at) END AS placed_at,
                 count(t.id) AS dispatched, max(t.dispatched_at) AS dispatched_at,
                 count(t.contacted_at) AS contacted,
                 CASE WHEN count(t.id) > 0 AND count(t.id) = count(t.contacted_at) THEN max(t.contacted_at) END
                   AS contacted_at,
                 count(t.colour_written) AS coloured
          FROM kp_record r LEFT JOIN kp_task t ON t.record_id = r.id
          WHERE r.batch_id = b.id AND (r.community_code LIKE :prefix OR (r.community_code IS NULL AND :district))
        ) s
        ORDER BY b.received_at DESC, b.id DESC"""),
        {"prefix": scope.prefix + "%", "district": scope.level == "district", "n": limit})
    return [_timed(dict(r)) for r in rows.mappings()]


def _timed(row: dict) -> dict:
    for step in ("matched", "placed", "dispatched", "contacted"):
        at = row.get(f"{step}_at")
        row[f"{step}_minutes"] = (at - row["received_at"]).total_seconds() / 60 if at else None
    row["in_time"] = row["contacted_at"] is not None and row["contacted_at"] <= row["deadline"]
    return row


# The module's measures per community on the Beijing day `today` at `now` (given by the caller from
# domain.clock, not the database server's date): persons under each measure, releases due, first contacts overdue.
_TODAY = """
    WITH today AS (
      SELECT t.community_code,
             count(*) FILTER (WHERE t.measure IS NOT NULL AND t.measure_start <= :today)::int AS under_measure,
             count(*) FILTER (WHERE t.measure = 'centralised' AND t.measure_start <= :today)::int AS orange,
             count(*) FILTER (WHERE t.measure = 'home' AND t.measure_start <= :today)::int AS home,
             count(*) FILTER (WHERE t.measure = 'monitoring' AND t.measure_start <= :today)::int AS monitoring,
             count(*) FILTER (WHERE t.measure IS NOT NULL
                              AND t.measure_start + t.measure_days <= :today)::int AS releases_due,
             count(*) FILTER (WHERE t.contacted_at IS NULL AND t.contact_due < :now)::int AS contact_overdue
      FROM kp_task t WHERE t.released_at IS NULL AND t.community_code LIKE :prefix
      GROUP BY t.community_code)"""


def communities(conn: Connection, scope: Scope, now: datetime, today: date) -> list[dict]:
    rows = conn.execute(text(_TODAY + """
        SELECT c.code, c.name, s.name AS street, v.under_measure, v.orange, v.home, v.monitoring, v.releases_due,
               v.contact_overdue
        FROM today v JOIN community c ON c.code = v.community_code
        JOIN street s ON s.code = c.street_code
        ORDER BY v.contact_overdue DESC, v.under_measure DESC, c.code"""),
        {"prefix": scope.prefix + "%", "now": now, "today": today})
    return [dict(r) for r in rows.mappings()]


def streets(conn: Connection, scope: Scope, now: datetime, today: date) -> list[dict]:
    rows = conn.execute(text(_TODAY + """
        SELECT s.code, s.name, sum(v.under_measure)::int AS under_measure, sum(v.orange)::int AS orange,
               sum(v.home)::int AS home, sum(v.monitoring)::int AS monitoring,
               sum(v.releases_due)::int AS releases_due, sum(v.contact_overdue)::int AS contact_overdue
        FROM today v JOIN community c ON c.code = v.community_code
        JOIN street s ON s.code = c.street_code
        GROUP BY s.code, s.name ORDER BY contact_overdue DESC, under_measure DESC, s.code"""),
        {"prefix": scope.prefix + "%", "now": now, "today": today})
    return [dict(r) for r in rows.mappings()]


def chain(conn: Connection, case_id: int, depth: int = 3) -> tuple[list[dict], list[tuple[int, int]]]:
    """The persons linked from a case (its contacts, and theirs when a contact became a case), to depth."""
    edges = conn.execute(text("""
        WITH RECURSIVE walk(case_id, contact_id, level) AS (
          SELECT case_id, contact_id, 1 FROM kp_link WHERE case_id = :id
          UNION
          SELECT l.case_id, l.contact_id, w.level + 1 FROM kp_link l JOIN walk w ON l.case_id = w.contact_id
          WHERE w.level < :depth)
        SELECT DISTINCT case_id, contact_id FROM walk"""), {"id": case_id, "depth": depth}).all()
    ids = {case_id} | {a for a, _ in edges} | {b for _, b in edges}
    nodes = conn.execute(text("SELECT id, name, is_case FROM kp_person WHERE id = ANY (:ids) ORDER BY id"),
                         {"ids": sorted(ids)}).mappings()
    return [dict(n) for n in nodes], [tuple(e) for e in edges]


def cases(conn: Connection, limit: int = 200) -> list[dict]:
    """Cases with their count of linked contacts, most contacts first."""
    rows = conn.execute(text("""
        SELECT k.id, k.name, count(l.contact_id) AS contacts FROM kp_person k
        JOIN kp_link l ON l.case_id = k.id GROUP BY k.id, k.name ORDER BY contacts DESC, k.id LIMIT :n"""),
        {"n": limit})
    return [dict(r) for r in rows.mappings()]


def records_of(conn: Connection, scope: Scope, batch: int | None = None, day_start=None, day_end=None,
               limit: int = 100_000) -> list[dict]:
    """The records of one batch, or of the batches received in [day_start, day_end), within the area (the
    district sees the unplaced too): each with its place, first contact, measure and the colours, for the
    health bureau. Persons masked; the batch's own row number lets the bureau find each in its file."""
    rows = conn.execute(text("""
        SELECT r.batch_id, b.kind AS batch_kind, b.source, b.received_at, r.row_no, k.name, k.id_number,
               k.passport, k.nationality, r.travel_no, r.community_code, c.name AS community, s.name AS street,
               r.placed_by, r.place_how, r.confidence, r.placed_at, t.id AS task_id, t.dispatched_at, t.contact_due,
               t.contacted_at, t.measure, t.hotel, t.measure_start, t.measure_days, t.released_at,
               t.colour_written, h.colour AS register_colour
        FROM kp_record r JOIN kp_batch b ON b.id = r.batch_id JOIN kp_person k ON k.id = r.person_id
        LEFT JOIN community c ON c.code = r.community_code LEFT JOIN street s ON s.code = c.street_code
        LEFT JOIN kp_task t ON t.record_id = r.id
        LEFT JOIN health_code h ON h.id_number = k.id_number
        WHERE (r.community_code LIKE :prefix OR (r.community_code IS NULL AND :district))
          AND (CAST(:batch AS bigint) IS NULL OR r.batch_id = :batch)
          AND (CAST(:start AS timestamptz) IS NULL OR b.received_at >= :start)
          AND (CAST(:end AS timestamptz) IS NULL OR b.received_at < :end)
        ORDER BY r.batch_id, r.row_no LIMIT :n"""),
        {"prefix": scope.prefix + "%", "district": scope.level == "district", "batch": batch, "start": day_start,
         "end": day_end, "n": limit})
    return [_masked(dict(r)) for r in rows.mappings()]


def records_count(conn: Connection, scope: Scope, day_start: datetime, day_end: datetime) -> int:
    """How many records of the batches received in [day_start, day_end) lie in the area (records_of's rows)."""
    return conn.execute(text("""
        SELECT count(*) FROM kp_record r JOIN kp_batch b ON b.id = r.batch_id
        WHERE (r.community_code LIKE :prefix OR (r.community_code IS NULL AND :district))
          AND b.received_at >= :start AND b.received_at < :end"""),
        {"prefix": scope.prefix + "%", "district": scope.level == "district", "start": day_start,
         "end": day_end}).scalar_one()


def _masked(row: dict) -> dict:
    row["id_number"] = mask_id_number(row["id_number"]) if row["id_number"] else None
    row["passport"] = (row["passport"][:2] + "****" + row["passport"][-2:]) if row["passport"] else None
    return row
