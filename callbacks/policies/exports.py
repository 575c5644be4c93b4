"""A payment roll as the XLSX finance expects, audited: GET /export/policy-roll.xlsx?roll=12 (district officials
who make rolls; the roll's lines carry full identities and accounts for the bank)."""

from __future__ import annotations

from flask import Flask, Response, request

from callbacks.door import export_door
from callbacks.downloads import attachment, refusal
from data_access.policies import payments
from data_access.session import reading, writing
from domain.actor import Actor
from domain.permissions import PAY_POLICIES

PATH = "/export/policy-roll.xlsx"


def register(server: Flask) -> None:
    server.add_url_rule(PATH, "export_policy_roll", export_roll)


@export_door(PAY_POLICIES, param=None, district=True)
def export_roll(actor: Actor, _scope: None) -> Response:
    roll = request.args.get("roll", "")
    if not roll.isdigit() or len(roll) > 9:
        return refusal("export.bad_request", 400, field="roll")
    with reading(actor) as conn:
        if not payments.rolls(conn, roll_id=int(roll)):
            return refusal("export.bad_request", 404, field="roll")
        body, name = payments.roll_xlsx(conn, int(roll))
    with writing(actor) as work:
        work.audit("export", None, {"file": "xlsx", "list": "policy_roll", "roll": int(roll)})
    return attachment(body, name, "xlsx")
