"""One import, all or nothing: read, check every row, then in one transaction COPY into a staging table,
check against the database, merge, keep the aggregates current (the triggers) and record the run.

A file with any bad row is rejected whole (unless the operator asked to skip bad rows) and nothing of it
is written; the rejection is recorded with its errors for the report. A crash, a killed connection or a
restarted database rolls the transaction back: the previous data stays exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from data_access import audit_trail
from data_access.bulk import copy_frame
from data_access.importing import merge
from data_access.importing.files import FileProblem, read_rows
from data_access.importing.kinds import KINDS
from data_access.importing.rows import RowError, check_rows, rows_with_errors
from domain.divisions import Scope
from geo.gcj02 import gcj02_to_wgs84
from i18n import t

Progress = Callable[[float, str], None]
KEPT_ERRORS = 10_000  # errors kept with the run for the report; the count is always complete


@dataclass(frozen=True)
class ImportRequest:
    kind: str
    file_name: str
    content: bytes
    username: str
    org_code: str  # the operator's area: rows outside it are refused
    role: str | None = "data_operator"
    mode: str = "changes"  # health codes: "changes" (each row a change with its time) or "snapshot"
    as_of: datetime | None = None  # a snapshot's time (default: now) for rows without one
    gcj02: bool = False  # coordinates are GCJ-02 (Chinese web maps): convert to WGS-84
    crs: str | None = None  # boundaries: the CRS when the file does not say
    skip_bad_rows: bool = False
    source: str | None = None  # health codes: recorded as their source (default: the file name)
    exclusive: bool = True  # wait for other imports; live batches do not (row locks order their writes)
    check_only: bool = False  # a trial: check and merge, report what would be written, then roll back

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def options(self) -> dict:
        chosen = {"mode": self.mode if self.kind == "health_codes" else None,
                  "as_of": self.as_of.isoformat() if self.as_of else None,
                  "gcj02": self.gcj02 or None, "crs": self.crs, "skip_bad_rows": self.skip_bad_rows or None,
                  "source": self.source, "check_only": self.check_only or None}
        return {k: v for k, v in chosen.items() if v is not None}


@dataclass
class ImportResult:
    result: str  # loaded | checked | rejected | unchanged | failed
    rows_read: int = 0
    rows_written: int = 0
    rows_skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    problem: str = ""  # why the file as a whole was refused (Chinese)
    notes: list[str] = field(default_factory=list)  # what the operator should know (Chinese)
    encoding: str = ""
    file_format: str = ""
    run_id: int | None = None

    @property
    def message(self) -> str:
        if self.problem:
            return t(f"import.result.{self.result}_file", problem=self.problem)
        return t(f"import.result.{self.result}", read=self.rows_read, written=self.rows_written,
                 skipped=self.rows_skipped, errors=len(self.errors),
                 bad_rows=len(rows_with_errors(self.errors)))


class Rejected(Exception):
    """Raised inside the transaction to roll it back with the errors found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(len(errors))
        self.errors = errors


def run(request: ImportRequest, progress: Progress | None = None) -> ImportResult:
    """run_import as the owner (the web app's imports: the operator's area is checked row by row)."""
    from data_access.engine import get_engine

    return run_import(get_engine(), request, progress)


def run_import(engine: Engine, request: ImportRequest, progress: Progress | None = None) -> ImportResult:
    """Load request's file, or refuse it whole; every attempt is recorded in import_run."""
    report = progress or (lambda _fraction, _stage: None)
    started = datetime.now(UTC)
    result = ImportResult("rejected")
    try:
        report(0.05, "import.stage.read")
        if request.kind == "boundaries":  # geometry files: their own reading, checks and SQL
            from data_access.importing.boundaries import prepare

            rows, errors, steps = prepare(request, result)
        else:
            rows, errors = _prepare_table(request, result, report)
            steps = table_steps(request)
    except FileProblem as problem:
        result.problem = t(problem.key, **problem.values)
        record_run(engine, request, result, started)
        report(1.0, "import.stage.done")
        return result
    return load_rows(engine, request, rows, errors, result, report, started, steps)


def _prepare_table(request: ImportRequest, result: ImportResult, report: Progress
                   ) -> tuple[pd.DataFrame, list[RowError]]:
    rows = read_rows(request.content, request.file_name, KINDS[request.kind])
    result.encoding, result.file_format = rows.encoding, rows.file_format
    if rows.ignored:
        result.notes.append(t("import.note.ignored", columns="、".join(rows.ignored)))
    result.rows_read = len(rows.frame)
    report(0.15, "import.stage.check")
    clean, errors = check_rows(rows.frame, KINDS[request.kind])
    return clean, errors + request_checks(request, clean)


@dataclass(frozen=True)
class Steps:
    """What differs between kinds inside the one transaction of a load."""

    stage: Callable[[Connection, pd.DataFrame], None]  # the usable rows into the temporary table "stage"
    verify: Callable[[Connection], list[tuple]]  # (row, column, value, reason key) found by the database
    write: Callable[[Connection], tuple[int, list[str]]]  # merge: rows written, notes for the operator


def table_steps(request: ImportRequest) -> Steps:
    """The steps of the five tabular kinds (and of live batches)."""
    scope = Scope(request.org_code)
    whole = scope.level == "district"

    def stage(conn: Connection, rows: pd.DataFrame) -> None:
        merge.create_stage(conn, request.kind)
        columns = ["row", *merge.STAGES[request.kind].copied]
        copy_frame(conn, "stage", rows[columns].rename(columns={"row": "row_no"}))
        conn.execute(text("ANALYZE stage"))

    def write(conn: Connection) -> tuple[int, list[str]]:
        written, notes = merge.merge(conn, request.kind, request.source or request.file_name)
        texts = [t(key, **values) for key, values in notes]
        if request.kind == "health_codes" and request.mode == "snapshot":
            missing = merge.missing_from_snapshot(conn, scope.prefix, whole)
            if missing:
                texts.append(t("import.note.not_in_snapshot", count=missing))
        return written, texts

    return Steps(stage, lambda conn: merge.check(conn, request.kind, scope.prefix, whole), write)


def load_rows(engine: Engine, request: ImportRequest, rows: pd.DataFrame, errors: list[RowError],
              result: ImportResult, report: Progress, started: datetime, steps: Steps | None = None
              ) -> ImportResult:
    """The checked rows into the database in one transaction (every kind, and live batches)."""
    steps = steps or table_steps(request)
    if errors and not request.skip_bad_rows:
        result.errors = errors
        record_run(engine, request, result, started)
        report(1.0, "import.stage.done")
        return result
    try:
        with engine.begin() as conn:
            serialise(conn, request.exclusive)
            if same_as_last(conn, request):
                result.result = "unchanged"
                result.notes.append(t("import.note.same_file"))
                raise Unchanged
            report(0.35, "import.stage.copy")
            steps.stage(conn, rows[~rows["row"].isin(rows_with_errors(errors))])
            report(0.5, "import.stage.verify")
            found = [RowError(r, c, "" if v is None else str(v), why) for r, c, v, why in steps.verify(conn)]
            errors = errors + found
            if found and not request.skip_bad_rows:
                raise Rejected(errors)
            if found:
                conn.execute(text("DELETE FROM stage WHERE row_no = ANY (:rows)"),
                             {"rows": sorted(rows_with_errors(found))})
            report(0.65, "import.stage.merge")
            written, notes = steps.write(conn)
            result.notes += notes
            result.result, result.rows_written, result.errors = "loaded", written, errors
            result.rows_skipped = len(rows_with_errors(errors))
            report(0.95, "import.stage.record")
            if request.check_only:
                raise CheckedOnly
            result.run_id = insert_run(conn, request, result, started)
    except CheckedOnly:
        result.result = "checked"
        record_run(engine, request, result, started)
    except Rejected as rejected:
        result.result, result.errors = "rejected", rejected.errors
        record_run(engine, request, result, started)
    except Unchanged:
        record_run(engine, request, result, started)
    except DBAPIError as exc:
        result.result = "failed"
        result.problem = t("import.file.database", reason=first_line(exc))
        with suppress(DBAPIError):  # the database is gone: nothing was written, and the operator is told so
            record_run(engine, request, result, started)
    report(1.0, "import.stage.done")
    return result


class CheckedOnly(Exception):
    """Raised inside the transaction of a trial, after the merge: roll everything back, record the trial."""


class Unchanged(Exception):
    """Raised inside the transaction when the file is the one loaded last: roll back, record, write nothing."""


def request_checks(request: ImportRequest, clean: pd.DataFrame) -> list[RowError]:
    """Rules across columns, and options the rows depend on."""
    errors = []
    kind = KINDS[request.kind]
    if request.kind == "health_codes":
        if request.mode == "changes":
            header = kind.field("changed_at").header
            errors += [RowError(int(r), header, "", "required_for_changes")
                       for r in clean.loc[clean["changed_at"].isna(), "row"]]
        else:
            as_of = request.as_of or datetime.now(UTC)
            clean["changed_at"] = clean["changed_at"].where(clean["changed_at"].notna(), as_of)
    if request.kind == "enterprises":
        lon, lat = clean["lon"].notna(), clean["lat"].notna()
        errors += [RowError(int(r), kind.field("lon").header, "", "lon_lat_pair") for r in clean.loc[lon ^ lat, "row"]]
        nowhere = ~lon & ~lat & clean["community"].isna()
        errors += [RowError(int(r), kind.field("community").header, "", "no_place") for r in clean.loc[nowhere, "row"]]
        if request.gcj02 and (lon & lat).any():
            both = lon & lat
            x, y = gcj02_to_wgs84(clean.loc[both, "lon"].astype(float).to_numpy(),
                                  clean.loc[both, "lat"].astype(float).to_numpy())
            clean.loc[both, "lon"], clean.loc[both, "lat"] = x.round(7), y.round(7)
    if request.kind == "managed":
        dated = clean[clean["start_date"].notna() & clean["end_date"].notna()]
        errors += [RowError(int(r["row"]), kind.field("end_date").header, str(r["end_date"]), "end_before_start")
                   for _, r in dated.iterrows() if r["end_date"] < r["start_date"]]
    return errors


def serialise(conn: Connection, exclusive: bool = True) -> None:
    """One file import at a time, so a same-file check and a merge see everything committed before.

    A live batch does not wait behind a long file import: it only meets the import when both reach the
    aggregates (one lock, held from a merge to its commit: seconds for a full snapshot).
    """
    if exclusive:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('sansetu.import'))"))
    # Solid-state storage: a batch of a few thousand keys is looked up by index, not by scanning registers
    # of a million rows (the staging table is analysed, so a million-row file still gets hash joins).
    conn.execute(text("SET LOCAL random_page_cost = 1.1"))


def same_as_last(conn: Connection, request: ImportRequest) -> bool:
    last = conn.execute(text("""
        SELECT file_sha256, options FROM import_run WHERE kind = :kind AND result = 'loaded'
        ORDER BY finished_at DESC, id DESC LIMIT 1"""), {"kind": request.kind}).first()
    return bool(last) and last[0] == request.sha256 and last[1] == request.options


def insert_run(conn: Connection, request: ImportRequest, result: ImportResult, started: datetime) -> int:
    run_id = conn.execute(text("""
        INSERT INTO import_run (started_at, username, org_code, kind, file_name, file_sha256, options,
          rows_read, rows_written, rows_skipped, result, message, error_count, errors)
        VALUES (:started, :username, :org, :kind, :file, :sha, CAST(:options AS jsonb), :read, :written, :skipped,
          :result, :message, :error_count, CAST(:errors AS jsonb))
        RETURNING id"""), {
        "started": started, "username": request.username, "org": request.org_code, "kind": request.kind,
        "file": request.file_name[:255], "sha": request.sha256, "options": json.dumps(request.options),
        "read": result.rows_read, "written": result.rows_written, "skipped": result.rows_skipped,
        "result": result.result, "message": "；".join([result.message, *result.notes]),
        "error_count": len(result.errors),
        "errors": json.dumps([e.as_dict() for e in result.errors[:KEPT_ERRORS]], ensure_ascii=False, default=str),
    }).scalar_one()
    action = "live_batch" if request.username.startswith("api:") else "import"
    audit_trail.record(conn, request.username, request.role, action, request.org_code,
                 {"run": run_id, "kind": request.kind, "file": request.file_name, "result": result.result,
                  "rows": result.rows_written})
    return run_id


def record_run(engine: Engine, request: ImportRequest, result: ImportResult, started: datetime) -> None:
    """Record an attempt that wrote nothing, in a transaction of its own."""
    with engine.begin() as conn:
        result.run_id = insert_run(conn, request, result, started)


def first_line(exc: DBAPIError) -> str:
    return str(exc.orig or exc).strip().splitlines()[0]
