"""The health-code platform's door: POST /api/v1/health-codes with a bearer token and a JSON batch.

    {"changes": [{"id_number": "330105...", "colour": "red", "changed_at": "2022-04-01T08:00:00+08:00"}]}

200: applied (or the same batch again: unchanged). 401: no or wrong token.
403: a token not made for this API. 400: not JSON. 413: too many.
422: refused whole, with each change's problems (index from 1, JSON field, Chinese column, value, reason).
503: the database could not take it; nothing applied.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

from callbacks.gate import SystemRefused, calling_system
from data_access.importing import registry
from data_access.importing.live import MOST_CHANGES, apply_batch
from data_access.importing.reports import reason_text
from i18n import t

PATH = "/api/v1/health-codes"


def register(server: Flask) -> None:
    server.add_url_rule(PATH, "live_colours", receive, methods=["POST"])


def receive() -> tuple[Response, int]:
    try:
        integration, token = calling_system("health_codes")
    except SystemRefused as refused:
        return refused.answer()
    body = request.get_json(silent=True)
    changes = body.get("changes") if isinstance(body, dict) else None
    if not isinstance(changes, list) or not changes:
        return jsonify(error=t("api.bad_json")), 400
    if len(changes) > MOST_CHANGES:
        return jsonify(error=t("api.too_many", limit=MOST_CHANGES)), 413
    result = apply_batch(integration, token, changes, request.get_data())
    if result.result in ("loaded", "unchanged"):
        return jsonify(result=result.result, applied=result.rows_written, notes=result.notes, run=result.run_id), 200
    if result.result == "failed":
        return jsonify(error=result.message), 503
    names = {f.header: f.name for f in registry.kind("health_codes").fields}
    errors = [{"index": e.row, "field": names.get(e.column, e.column), "column": e.column, "value": e.value,
               "reason": reason_text(e.as_dict())} for e in result.errors[:1000]]
    return jsonify(error=t("api.rejected"), error_count=len(result.errors), errors=errors), 422
