"""Colour changes pushed over HTTP by the health-code platform: the same checks and the same all-or-nothing
load as a file of changes, one batch per transaction, with its history rows and aggregates."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from data_access.importing.base import ImportRequest, ImportResult
from data_access.importing.load import load_rows, request_checks
from data_access.importing.registry import kind
from data_access.importing.rows import check_rows
from data_access.session import SessionWriter
from domain.divisions import DISTRICT_CODE

FIELDS = ("id_number", "colour", "changed_at")
MOST_CHANGES = 50_000


def apply_batch(integration: str, token: str, changes: list, body: bytes) -> ImportResult:
    """Apply a batch [{id_number, colour, changed_at}, ...] for the named integration, or refuse it whole.

    Written as the writer role, with the integration's token as the session (district-wide).

    Errors name the change by its position in the batch (1-based) in the "row" field.
    """
    started = datetime.now(UTC)
    frame = pd.DataFrame({
        "row": range(1, len(changes) + 1),
        **{f: [_text(c.get(f)) if isinstance(c, dict) else "" for c in changes] for f in FIELDS},
    })
    request = ImportRequest("health_codes", f"api:{integration}", body, f"api:{integration}", DISTRICT_CODE,
                            role=None, mode="changes", source=integration, exclusive=False, session=token)
    clean, errors = check_rows(frame, kind("health_codes"))
    errors += request_checks(request, clean, errors)
    result = ImportResult("rejected", rows_read=len(frame), file_format="JSON")
    return load_rows(SessionWriter(token), request, clean, errors, result, lambda _f, _s: None, started)


def _text(value: object) -> str:
    return "" if value is None else str(value)
