"""A payment roll as the XLSX finance expects, audited: GET /export/policy-roll.xlsx?roll=12 (district officials
who make rolls; the roll's lines carry full identities and accounts for the bank)."""

from __future__ import annotations

from flask import Flask, Response, request

from callbacks.downloads import attachment, refusal
from callbacks.gate import current_actor, record_refusal
from data_access.policies import payments
from data_access.session import DataUnavailable, reading, writing
from domain.permissions import PAY_POLICIES

PATH = "/export/policy-roll.xlsx"


def register(server: Flask) -> None:
    server.add_url_rule(PATH, "export_policy_roll", export_roll)


def export_roll() -> Response:
    actor = current_actor()
    roll = request.args.get("roll", "")
    if not roll.isdigit() or len(roll) > 9:
        return refusal("export.bad_request", 400, field="roll")
    if not actor.may(PAY_POLICIES) or actor.scope.level != "district":
        record_refusal(actor, None, request.full_path)
        return refusal("auth.forbidden", 403)
    try:
        with reading(actor) as conn:
            if not payments.rolls(conn, roll_id=int(roll)):
                return refusal("export.bad_request", 404, field="roll")
            body, name = payments.roll_xlsx(conn, int(roll))
        with writing(actor) as work:
            work.audit("export", None, {"file": "xlsx", "list": "policy_roll", "roll": int(roll)})
    except DataUnavailable:
        return refusal("map.error", 503)
    return attachment(body, name, "xlsx")
