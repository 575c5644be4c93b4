"""Upstream systems' door for key-person batches: POST /api/v1/keyperson-batches with a bearer token (an
integration made on the users page) and a JSON batch, answered like the colour and appeals endpoints:

    {"kind": "inbound", "source": "省卫健委", "skip_bad_rows": true,
     "records": [{"name": "...", "id_number": "330105...", "passport": "", "nationality": "", "birth_date": "",
                  "phone": "138...", "address": "拱墅区...", "travel_no": "MS953",
                  "arrival_at": "2020-10-14T19:00:00+08:00", "hotel": "...", "case_ref": ""}]}

The records are the batch file's rows (the same fields and checks); the batch is matched, placed, dispatched
and coloured exactly as a file batch. 200: loaded, with the bad records listed (index from 1, JSON field,
Chinese column, value, reason) when the good ones were loaded without them; or the same batch again:
unchanged. 401: no or wrong token.
403: a token not made for this API. 400: not a batch (not JSON, no records, an unknown kind). 413: too many.
422: refused whole (every record bad, or "skip_bad_rows": false and some bad), each record's problems named.
503: the database could not take it; nothing written.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

from callbacks.gate import SystemRefused, calling_system
from data_access.importing.reports import reason_text
from data_access.keypersons.intake import FIELDS
from data_access.keypersons.live import MOST_RECORDS, api_batch
from domain.keypersons import BATCH_KINDS
from i18n import t

PATH = "/api/v1/keyperson-batches"
NAMES = {f.header: f.name for f in FIELDS}


def register(server: Flask) -> None:
    server.add_url_rule(PATH, "keyperson_batches_api", receive_batch, methods=["POST"])


def receive_batch() -> tuple[Response, int]:
    try:
        integration, token = calling_system("keyperson_batches")
    except SystemRefused as refused:
        return refused.answer()
    body = request.get_json(silent=True)
    records = body.get("records") if isinstance(body, dict) else None
    kind = body.get("kind", "other") if isinstance(body, dict) else None
    sender = body.get("source") if isinstance(body, dict) else None
    skip = body.get("skip_bad_rows", True) if isinstance(body, dict) else None
    if (not isinstance(records, list) or not records or kind not in BATCH_KINDS
            or not isinstance(sender, str | None) or not isinstance(skip, bool)):
        return jsonify(error=t("keypersons.api.bad_json")), 400
    if len(records) > MOST_RECORDS:
        return jsonify(error=t("keypersons.api.too_many", limit=MOST_RECORDS)), 413
    sent = api_batch(integration, token, kind, (sender or "").strip()[:60], records, request.get_data(), skip)
    result = sent.result
    errors = [{"index": e.row, "field": NAMES.get(e.column, e.column), "column": e.column, "value": e.value,
               "reason": reason_text(e.as_dict())} for e in result.errors[:1000]]
    if result.result in ("loaded", "unchanged"):
        return jsonify(result=result.result, batch=sent.batch_id, received=result.rows_written,
                       skipped=result.rows_skipped, notes=result.notes, errors=errors, run=result.run_id), 200
    if result.result == "failed":
        return jsonify(error=result.message), 503
    return jsonify(error=t("keypersons.api.rejected"), error_count=len(result.errors), errors=errors), 422
