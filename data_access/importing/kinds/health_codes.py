"""Health-code colours: a batch of changes (each row with its time) or a snapshot at one time. Only changes
are written, each with its history row; a row older than the current record is skipped and counted."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, text

from data_access.importing import cells
from data_access.importing.base import Field, FileProblem, ImportRequest, Kind, Note, RowError, latest_time
from data_access.importing.kinds.common import ID, TABLE_OPTIONS, optional
from data_access.importing.staging import found

CHANGED_AT = Field("changed_at", ("变码时间", "变更时间", "赋码时间", "时间", "changed_at"), optional(cells.moment),
                   required=False, example="2022-04-01 08:00:00", not_future=True)


def request_checks(request: ImportRequest, clean: pd.DataFrame) -> list[RowError]:
    """A change needs its time; a snapshot's rows without one take the snapshot's time, which may not lie
    ahead of now any more than a row's (naive: Beijing time, as in the files)."""
    if request.mode == "changes":
        return [RowError(int(r), CHANGED_AT.header, "", "required_for_changes")
                for r in clean.loc[clean["changed_at"].isna(), "row"]]
    as_of = request.as_of or datetime.now(UTC)
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=cells.BEIJING)
    if as_of > latest_time():
        raise FileProblem("import.file.as_of_future", as_of=as_of.astimezone(cells.BEIJING).strftime(
            "%Y-%m-%d %H:%M:%S"))
    clean["changed_at"] = clean["changed_at"].where(clean["changed_at"].notna(), as_of)
    return []


def verify(conn: Connection, prefix: str, whole_district: bool) -> list[tuple]:
    errors = found(conn, """
        SELECT s.row_no, :column, s.id_number, 'unknown_person' FROM stage s
        WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number) ORDER BY 1""", column=ID.header)
    if not whole_district:  # a person of the area, or employed by one of its enterprises
        errors += found(conn, """
            SELECT s.row_no, :column, s.id_number, 'out_of_scope' FROM stage s JOIN person p USING (id_number)
            WHERE coalesce(p.community_code, '') NOT LIKE :prefix AND NOT EXISTS (
              SELECT 1 FROM employment em JOIN enterprise e USING (credit_code)
              WHERE em.id_number = s.id_number AND e.community_code LIKE :prefix)""",
                        column=ID.header, prefix=prefix + "%")
    return sorted(errors)


def merge(conn: Connection, source: str) -> tuple[int, list[Note]]:
    # One pass over the batch's current records counts the stale rows and the persons without a record; the
    # INSERT (another pass) runs only when there are such persons (a live batch rarely has any).
    stale, missing = conn.execute(text("""
        SELECT count(*) FILTER (WHERE h.colour <> s.colour AND s.changed_at < h.changed_at),
               count(*) FILTER (WHERE h.id_number IS NULL)
        FROM stage s LEFT JOIN health_code h USING (id_number)""")).one()
    updated = conn.execute(text("""
        UPDATE health_code h SET colour = s.colour, changed_at = s.changed_at, source = :source
        FROM stage s WHERE h.id_number = s.id_number AND h.colour <> s.colour AND s.changed_at >= h.changed_at"""),
        {"source": source}).rowcount
    inserted = conn.execute(text("""
        INSERT INTO health_code (id_number, colour, changed_at, source)
        SELECT s.id_number, s.colour, s.changed_at, :source FROM stage s
        WHERE NOT EXISTS (SELECT 1 FROM health_code h WHERE h.id_number = s.id_number)"""),
        {"source": source}).rowcount if missing else 0
    notes = [("import.note.stale", {"count": stale})] if stale else []
    return updated + inserted, notes


def after_merge(conn: Connection, request: ImportRequest, prefix: str, whole_district: bool) -> list[Note]:
    """A snapshot's gaps: persons holding a colour it does not mention keep it; say how many."""
    if request.mode != "snapshot":
        return []
    missing = conn.execute(text("""
        SELECT count(*) FROM health_code h JOIN person p USING (id_number)
        WHERE (:whole OR p.community_code LIKE :prefix)
          AND NOT EXISTS (SELECT 1 FROM stage s WHERE s.id_number = h.id_number)"""),
        {"prefix": prefix + "%", "whole": whole_district}).scalar()
    return [("import.note.not_in_snapshot", {"count": missing})] if missing else []


KIND = Kind(
    "health_codes",
    fields=(
        ID,
        Field("colour", ("健康码颜色", "健康码", "码色", "颜色", "colour", "color"), cells.colour, example="绿码"),
        CHANGED_AT,
    ),
    key=("id_number",),
    stage_columns="id_number char(18), colour text, changed_at timestamptz",
    copied=("id_number", "colour", "changed_at"),
    verify=verify, merge=merge, request_checks=request_checks, after_merge=after_merge,
    options=TABLE_OPTIONS, modes=("changes", "snapshot"),
)
