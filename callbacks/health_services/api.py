"""The city platform's door for review requests: POST /api/v1/appeals with a bearer token (an integration
made on the users page) and a JSON batch, answered like the colour endpoint (callbacks/api.py):

    {"appeals": [{"id_number": "330105...", "current_colour": "red", "requested_colour": "green",
                  "reason": "...", "submitted_at": "2022-04-01T08:00:00+08:00", "phone": "138...",
                  "external_ref": "HZ..."}]}

200: taken in (or the same batch again: unchanged). 401: no or wrong token.
403: a token not made for this API. 400: not a batch. 413: too many.
422: refused whole, each request's problems named (index from 1, JSON field, Chinese column, value, reason).
503: the database could not take it; nothing written.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

from callbacks.gate import SystemRefused, calling_system
from data_access.health_services.colour_path import api_batch
from data_access.health_services.intake import KIND
from data_access.importing.reports import reason_text
from i18n import t

PATH = "/api/v1/appeals"
MOST_REQUESTS = 5_000


def register(server: Flask) -> None:
    server.add_url_rule(PATH, "appeals_api", receive_appeals, methods=["POST"])


def receive_appeals() -> tuple[Response, int]:
    try:
        integration, token = calling_system("appeals")
    except SystemRefused as refused:
        return refused.answer()
    body = request.get_json(silent=True)
    batch = body.get("appeals") if isinstance(body, dict) else None
    if not isinstance(batch, list) or not batch:
        return jsonify(error=t("appeals.api.bad_json")), 400
    if len(batch) > MOST_REQUESTS:
        return jsonify(error=t("appeals.api.too_many", limit=MOST_REQUESTS)), 413
    result = api_batch(integration, token, batch, request.get_data())
    if result.result in ("loaded", "unchanged"):
        return jsonify(result=result.result, received=result.rows_written, run=result.run_id), 200
    if result.result == "failed":
        return jsonify(error=result.message), 503
    names = {f.header: f.name for f in KIND.fields}
    errors = [{"index": e.row, "field": names.get(e.column, e.column), "column": e.column, "value": e.value,
               "reason": reason_text(e.as_dict())} for e in result.errors[:1000]]
    return jsonify(error=t("appeals.api.rejected"), error_count=len(result.errors), errors=errors), 422
