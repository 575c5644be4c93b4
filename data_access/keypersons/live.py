"""Batches of key persons pushed by an upstream system over HTTP (the province's or the city's platforms, an
integration token each): the records are the file's rows (the same fields, the same checks, row-level
reasons), loaded through the same import path as a file (matched, placed, dispatched, coloured in one
transaction) as the writer role with the integration's token (district-wide). The good rows are loaded and
the bad ones listed, as with a file whose sender asked to skip them, unless the sender asks for all or
nothing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import text

from data_access.importing.base import ImportRequest, ImportResult, rows_with_errors
from data_access.importing.load import load_rows, request_checks
from data_access.importing.rows import check_rows
from data_access.keypersons.intake import FIELDS, KIND, batch_source
from data_access.session import SessionWriter
from domain.divisions import DISTRICT_CODE

MOST_RECORDS = 20_000


@dataclass
class LiveBatch:
    result: ImportResult
    batch_id: int | None  # the batch written (None: nothing was)


def api_batch(integration: str, token: str, kind: str, sender: str, records: list, body: bytes,
              skip_bad_rows: bool = True) -> LiveBatch:
    """Records [{name, id_number, passport, ...}, ...] of one upstream delivery of the given kind. Errors name
    a record by its position in the batch (1-based) in the "row" field. A batch whose every record is bad is
    refused whole (there is nothing to load)."""
    started = datetime.now(UTC)
    frame = pd.DataFrame({"row": range(1, len(records) + 1),
                          **{f.name: [_text(r.get(f.name)) if isinstance(r, dict) else "" for r in records]
                             for f in FIELDS}})
    actor = f"api:{integration}"
    request = ImportRequest("keypersons", actor, body, actor, DISTRICT_CODE, role=None,
                            source=batch_source(kind, sender or actor, actor), session=token)
    clean, errors = check_rows(frame, KIND)
    errors += request_checks(request, clean, errors)
    skip = skip_bad_rows and len(rows_with_errors(errors)) < len(frame)
    request = replace(request, skip_bad_rows=skip)
    result = ImportResult("rejected", rows_read=len(frame), file_format="JSON")
    writer = SessionWriter(token)
    load_rows(writer, request, clean, errors, result, lambda _f, _s: None, started)
    batch = None
    if result.result == "loaded":
        with writer.begin() as conn:
            batch = conn.execute(text("SELECT max(id) FROM kp_batch WHERE received_by = :by AND received_at >= :t"),
                                 {"by": actor, "t": started}).scalar()
    return LiveBatch(result, batch)


def _text(value: object) -> str:
    return "" if value is None else str(value)
