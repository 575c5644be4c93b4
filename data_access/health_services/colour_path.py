"""The writes that go through the import path as the writer role, entered with the user's session:
a walk-in request (a one-row batch of the appeals kind, with every check a file gets) and a final approval
with its conversion (the review row, the colour change with its history row naming the appeal, the
aggregates, the import run and the audit rows: one transaction, or nothing)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from data_access import audit_trail
from data_access.health_services import intake
from data_access.health_services.appeals import AppealError, insert_review
from data_access.importing.base import ImportRequest, ImportResult, Kind
from data_access.importing.load import first_line, load_rows, request_checks
from data_access.importing.registry import kind
from data_access.importing.rows import check_rows
from data_access.session import DataUnavailable, SessionWriter
from domain.actor import Actor
from domain.divisions import DISTRICT_CODE


@dataclass(frozen=True)
class _SameTransaction:
    """What load_rows needs of an engine, inside a transaction already open (a savepoint per use)."""

    conn: Connection

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.conn.begin_nested():
            yield self.conn


def _batch(kind_name: str, rows: list[dict]) -> tuple[pd.DataFrame, Kind]:
    chosen = kind(kind_name)
    frame = pd.DataFrame({"row": range(1, len(rows) + 1),
                          **{f.name: [str(r.get(f.name) or "") for r in rows] for f in chosen.fields}})
    return frame, chosen


def walk_in(actor: Actor, request_row: dict) -> tuple[ImportResult, dict | None]:
    """Register one request at the counter: checked and routed like a file's row, written as the writer
    role within the worker's area (a person handled elsewhere is refused, with the reason). Returns the
    result and, when loaded, the new request's id and community."""
    started = datetime.now(UTC)
    frame, chosen = _batch("appeals", [request_row])
    body = json.dumps({"walk_in": request_row, "at": started.isoformat(), "by": actor.username},
                      ensure_ascii=False, default=str).encode()
    request = ImportRequest("appeals", intake.WALK_IN, body, actor.username, actor.org_code, role=actor.role,
                            source=intake.WALK_IN, exclusive=False, session=actor.session)
    clean, errors = check_rows(frame, chosen)
    errors += request_checks(request, clean, errors)
    result = ImportResult("rejected", rows_read=1, file_format="form")
    load_rows(SessionWriter(actor.session), request, clean, errors, result, lambda _f, _s: None, started)
    if result.result != "loaded":
        return result, None
    with SessionWriter(actor.session).begin() as conn:
        created = conn.execute(text("""
            SELECT a.id, c.name AS community FROM appeal a JOIN community c ON c.code = a.community_code
            WHERE a.id_number = :id AND a.status = 'open'"""), {"id": clean["id_number"].iloc[0]}).mappings().first()
    return result, dict(created) if created else None


def api_batch(integration: str, token: str, requests: list, body: bytes) -> ImportResult:
    """Requests pushed by the city platform [{id_number, current_colour, ...}, ...]: the appeals kind's checks
    and all-or-nothing load, written as the writer role with the integration's token (district-wide).
    Errors name the request by its position in the batch (1-based) in the "row" field."""
    started = datetime.now(UTC)
    chosen = kind("appeals")
    frame = pd.DataFrame({"row": range(1, len(requests) + 1),
                          **{f.name: [_text(r.get(f.name)) if isinstance(r, dict) else "" for r in requests]
                             for f in chosen.fields}})
    source = f"api:{integration}"
    request = ImportRequest("appeals", source, body, source, DISTRICT_CODE, role=None, source=source,
                            exclusive=False, session=token)
    clean, errors = check_rows(frame, chosen)
    errors += request_checks(request, clean, errors)
    result = ImportResult("rejected", rows_read=len(frame), file_format="JSON")
    return load_rows(SessionWriter(token), request, clean, errors, result, lambda _f, _s: None, started)


def _text(value: object) -> str:
    return "" if value is None else str(value)


class ConversionRefused(AppealError):
    def __init__(self, result: ImportResult) -> None:
        super().__init__("appeals.error.conversion")
        self.result = result


def approve_and_convert(actor: Actor, appeal_id: int, tier: str) -> ImportResult:
    """The last tier's approval of a conversion, and the colour change it orders, together."""
    try:
        return _approve_and_convert(actor, appeal_id, tier)
    except DBAPIError as exc:
        raise DataUnavailable(first_line(exc)) from exc


def _approve_and_convert(actor: Actor, appeal_id: int, tier: str) -> ImportResult:
    started = datetime.now(UTC)
    with SessionWriter(actor.session).begin() as conn:
        state = insert_review(conn, appeal_id, tier, "approve", None, actor.username)
        case = conn.execute(text("SELECT id_number, requested_colour, community_code FROM appeal WHERE id = :id"),
                            {"id": appeal_id}).mappings().one()
        if state["status"] != "converted":
            raise AppealError("appeals.error.not_final")
        source = f"appeal:{appeal_id}"
        # whole seconds (as staged), rounded up: never older than a change made earlier in this second
        changed_at = started.replace(microsecond=0) + timedelta(seconds=1)
        frame, chosen = _batch("health_codes", [{"id_number": case["id_number"], "colour": case["requested_colour"],
                                                 "changed_at": changed_at.isoformat()}])
        request = ImportRequest("health_codes", source, source.encode() + started.isoformat().encode(),
                                actor.username, actor.org_code, role=actor.role, mode="changes", source=source,
                                exclusive=False, session=actor.session)
        clean, errors = check_rows(frame, chosen)
        result = ImportResult("rejected", rows_read=1, file_format="appeal")
        load_rows(_SameTransaction(conn), request, clean, errors, result, lambda _f, _s: None, started)
        now = conn.execute(text("SELECT colour FROM health_code WHERE id_number = :i"),
                           {"i": case["id_number"]}).scalar()
        if result.result != "loaded" or now != case["requested_colour"]:  # refused, or a later change stands
            raise ConversionRefused(result)
        audit_trail.record(conn, actor.username, actor.role, "appeal_converted", case["community_code"],
                           {"appeal": appeal_id, "tier": tier, "colour": case["requested_colour"],
                            "run": result.run_id}, actor.address)
    return result
