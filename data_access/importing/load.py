"""One import, all or nothing: read, check every row, then in one transaction COPY into a staging table,
check against the database, merge, keep the aggregates current (the triggers) and record the run.

A CSV or XLSX file is read, checked and staged in chunks (SANSETU_IMPORT_CHUNK_ROWS rows), inside the
transaction, so memory does not grow with the file: its encoding is first scanned over the whole file,
and rows repeating a key in different chunks are found by the database once every chunk is staged. A bad
row anywhere, even the last of a million, rolls every chunk back.

A file with any bad row is rejected whole (unless the operator asked to skip bad rows) and nothing of it
is written; the rejection is recorded with its errors for the report. A crash, a killed connection or a
restarted database rolls the transaction back: the previous data stays exactly as it was.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from data_access import audit_trail
from data_access.importing.base import (
    FileProblem,
    ImportRequest,
    ImportResult,
    Kind,
    Progress,
    RowError,
    Steps,
    latest_time,
    rows_with_errors,
)
from data_access.importing.files import Reading, open_rows
from data_access.importing.registry import kind as kind_named
from data_access.importing.rows import check_rows
from data_access.importing.staging import copy_keys, copy_rows, create_stage, duplicates, stage_rows
from data_access.settings import settings
from domain.divisions import Scope
from i18n import t

__all__ = ["ImportRequest", "ImportResult", "Steps", "load_rows", "request_checks", "run", "run_import"]
KEPT_ERRORS = 10_000  # errors kept with the run for the report; the count is always complete


class Rejected(Exception):
    """Raised inside the transaction to roll it back with the errors found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(len(errors))
        self.errors = errors


def run(request: ImportRequest, progress: Progress | None = None) -> ImportResult:
    """run_import from the web: as the writer role, within the area of the request's session (the rows
    outside it are refused by the import's checks, and PostgreSQL would refuse to write them)."""
    from data_access.session import SessionWriter

    if not request.session:
        raise ValueError("an import from the web needs the sender's session")
    return run_import(SessionWriter(request.session), request, progress)


def run_import(engine: Engine, request: ImportRequest, progress: Progress | None = None) -> ImportResult:
    """Load request's file, or refuse it whole; every attempt is recorded in import_run."""
    report = progress or (lambda _fraction, _stage: None)
    started = datetime.now(UTC)
    result = ImportResult("rejected")
    try:
        report(0.05, "import.stage.read")
        chosen = kind_named(request.kind)
        if chosen.prepare is None:  # a CSV/XLSX table of the kind's fields, read in chunks
            with request.open() as source:
                size = max(1, source.seek(0, 2))
                reading = open_rows(source, request.file_name, chosen, request.sheet)
                return _load_table(engine, request, reading, result, report, started,
                                   lambda: min(1.0, source.tell() / size))
        rows, errors = chosen.prepare(request, result, report)  # a geometry kind reads its files its own way
    except FileProblem as problem:
        result.problem = t(problem.key, **problem.values)
        result.rows_read, result.errors = 0, []
        record_run(engine, request, result, started)
        report(1.0, "import.stage.done")
        return result
    return load_rows(engine, request, rows, errors, result, report, started)


def _load_table(engine: Engine, request: ImportRequest, reading: Reading, result: ImportResult,
                report: Progress, started: datetime, read: Callable[[], float]) -> ImportResult:
    """A CSV or XLSX file of the kind's fields: each chunk read, checked (cells, then the kind's own rules)
    and staged in the one transaction; then rows repeating a key, and load_rows' steps on the staged rows.
    A file problem met in a late chunk (a broken quote) rolls back the chunks before it. read: the share of
    the file read so far, for the progress shown."""
    chosen = kind_named(request.kind)
    result.encoding, result.file_format = reading.encoding, reading.file_format
    if reading.sheet:
        result.notes.append(t("import.note.sheet", sheet=reading.sheet))
    if reading.ignored:
        result.notes.append(t("import.note.ignored", columns="、".join(reading.ignored)))
    chunks = reading.chunks(settings().import_chunk_rows if chosen.chunked else 1 << 62)
    first = next(chunks, None)  # a file without rows is refused before the transaction
    if first is None:
        raise FileProblem("import.file.no_rows")
    latest = latest_time()

    def stage(conn: Connection, _rows: pd.DataFrame) -> list[RowError]:
        report(0.35, "import.stage.copy")  # read, checked and copied chunk by chunk
        create_stage(conn, chosen)
        errors: list[RowError] = []
        for frame in itertools.chain([first], chunks):
            result.rows_read += len(frame)
            clean, found = check_rows(frame, chosen, latest, duplicates=False)
            found += request_checks(request, clean, found)
            errors += found
            refused = clean["row"].isin(rows_with_errors(found))
            copy_rows(conn, chosen, clean[~refused])
            copy_keys(conn, chosen, clean[refused])
            report(0.35 + 0.15 * read(), "import.stage.copy")  # the share of the file read so far
        errors += duplicates(conn, chosen)
        return errors

    return load_rows(engine, request, pd.DataFrame(), [], result, report, started, streamed=stage)


def request_checks(request: ImportRequest, clean: pd.DataFrame, found: list[RowError]) -> list[RowError]:
    """Rules across columns, and options the rows depend on (the kind's own; may adjust clean).

    A cell the cell checks refused is empty in clean: its reason stands, and no second one (such as
    "required") is added for the same cell.
    """
    chosen = kind_named(request.kind)
    if not chosen.request_checks:
        return []
    refused = {(e.row, e.column) for e in found}
    return [e for e in chosen.request_checks(request, clean) if (e.row, e.column) not in refused]


def steps_for(request: ImportRequest) -> Steps:
    """The kind's stage, verify and merge steps, bound to the request's area and options."""
    chosen: Kind = kind_named(request.kind)
    scope = Scope(request.org_code)
    whole = scope.level == "district"
    if chosen.verify is None or chosen.merge is None:
        raise TypeError(f"import kind {chosen.name!r} has no verify or merge step")
    verify, merge = chosen.verify, chosen.merge

    def stage(conn: Connection, rows: pd.DataFrame) -> None:
        if chosen.stage:
            chosen.stage(conn, rows)
        else:
            stage_rows(conn, chosen, rows)

    def write(conn: Connection) -> tuple[int, list[str]]:
        written, notes = merge(conn, request.source or request.file_name)
        if chosen.after_merge:
            notes = notes + chosen.after_merge(conn, request, scope.prefix, whole)
        return written, [t(key, **values) for key, values in notes]

    def review(conn: Connection) -> tuple[list[tuple], list[tuple]]:
        return chosen.review(conn, request, scope.prefix) if chosen.review else ([], [])

    return Steps(stage, lambda conn: verify(conn, scope.prefix, whole), write, review)


def load_rows(engine: Engine, request: ImportRequest, rows: pd.DataFrame, errors: list[RowError],
              result: ImportResult, report: Progress, started: datetime, steps: Steps | None = None,
              streamed: Callable[[Connection, pd.DataFrame], list[RowError]] | None = None) -> ImportResult:
    """The checked rows into the database in one transaction (every kind, and live batches).

    streamed: a file read in chunks, staged by that function (which returns the errors of its rows) in
    the transaction instead of rows; a file problem it meets is recorded as the file's refusal."""
    steps = steps or steps_for(request)
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
            if streamed:
                errors = streamed(conn, rows)
                if errors and not request.skip_bad_rows:
                    raise Rejected(errors)
                if errors:
                    conn.execute(text("DELETE FROM stage WHERE row_no = ANY (:rows)"),
                                 {"rows": sorted(rows_with_errors(errors))})
                conn.execute(text("ANALYZE stage"))
            else:
                report(0.35, "import.stage.copy")
                steps.stage(conn, rows[~rows["row"].isin(rows_with_errors(errors))])
            report(0.5, "import.stage.verify")
            found, result.warnings = _verify(conn, steps)
            errors = errors + found
            if found and not request.skip_bad_rows:
                raise Rejected(errors)
            if found:
                conn.execute(text("DELETE FROM stage WHERE row_no = ANY (:rows)"),
                             {"rows": sorted(rows_with_errors(found))})
            report(0.65, "import.stage.merge")
            written, notes = steps.write(conn)
            result.notes += notes
            if result.warnings:
                result.notes.append(t("import.note.warnings", count=len(rows_with_errors(result.warnings))))
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
    except FileProblem as problem:  # met in a late chunk of a file read in chunks: nothing of it was written
        result.result, result.problem = "rejected", t(problem.key, **problem.values)
        result.rows_read, result.errors, result.warnings, result.notes = 0, [], [], []
        record_run(engine, request, result, started)
    except DBAPIError as exc:
        result.result = "failed"
        result.problem = t("import.file.database", reason=first_line(exc))
        with suppress(DBAPIError):  # the database is gone: nothing was written, and the operator is told so
            record_run(engine, request, result, started)
    report(1.0, "import.stage.done")
    return result


def _verify(conn: Connection, steps: Steps) -> tuple[list[RowError], list[RowError]]:
    """The database's errors, then the review's (errors and warnings) for the rows the database let pass."""
    found = _row_errors(steps.verify(conn))
    refused = rows_with_errors(found)
    more, warnings = (_row_errors(problems) for problems in steps.review(conn))
    return (found + [e for e in more if e.row not in refused],
            [w for w in warnings if w.row not in refused | rows_with_errors(more)])


def _row_errors(problems: list[tuple]) -> list[RowError]:
    """(row, column, value, reason) or, naming another row (the first of a repeat), (..., reason, row)."""
    return [RowError(r, c, "" if v is None else str(v), why, str(more[0]) if more else "")
            for r, c, v, why, *more in problems]


class CheckedOnly(Exception):
    """Raised inside the transaction of a trial, after the merge: roll everything back, record the trial."""


class Unchanged(Exception):
    """Raised inside the transaction when the file is the one loaded last: roll back, record, write nothing."""


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
    # A batch of 10,000 changes is costed just above the JIT threshold: compiling took 30-55 ms of it, for
    # index lookups that run in microseconds each.
    conn.execute(text("SET LOCAL jit = off"))


def recorded_options(request: ImportRequest) -> dict:
    return request.options(has_modes=bool(kind_named(request.kind).modes))


def same_as_last(conn: Connection, request: ImportRequest) -> bool:
    last = conn.execute(text("""
        SELECT file_sha256, options FROM import_run WHERE kind = :kind AND result = 'loaded'
        ORDER BY finished_at DESC, id DESC LIMIT 1"""), {"kind": request.kind}).first()
    return bool(last) and last[0] == request.sha256 and last[1] == recorded_options(request)


def insert_run(conn: Connection, request: ImportRequest, result: ImportResult, started: datetime) -> int:
    run_id = conn.execute(text("""
        INSERT INTO import_run (started_at, username, org_code, kind, file_name, file_sha256, options,
          rows_read, rows_written, rows_skipped, result, message, error_count, errors)
        VALUES (:started, :username, :org, :kind, :file, :sha, CAST(:options AS jsonb), :read, :written, :skipped,
          :result, :message, :error_count, CAST(:errors AS jsonb))
        RETURNING id"""), {
        "started": started, "username": request.username, "org": request.org_code, "kind": request.kind,
        "file": request.file_name[:255], "sha": request.sha256, "options": json.dumps(recorded_options(request)),
        "read": result.rows_read, "written": result.rows_written, "skipped": result.rows_skipped,
        "result": result.result, "message": "；".join([result.message, *result.notes]),
        "error_count": len(result.errors) + len(result.warnings),
        "errors": json.dumps([e.as_dict() for e in (result.errors + result.warnings)[:KEPT_ERRORS]],
                             ensure_ascii=False, default=str),
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
