"""The auditor's page: the audit log under filters, and its CSV export (itself audited)."""

from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import urlencode

from dash import Dash, Input, Output
from flask import Flask, Response, request

from callbacks.door import export_door
from callbacks.downloads import attachment
from callbacks.gate import ensure, require
from callbacks.inputs import BadInput
from data_access.audit.log import MOST_ROWS, audit_rows
from data_access.exporters import Column, write_csv
from data_access.session import reading, writing
from domain.actor import Actor
from domain.clock import BEIJING
from domain.permissions import READ_AUDIT
from i18n import t
from layouts.audit import ids
from layouts.audit.detail import describe
from layouts.formatting import beijing_time

EXPORT = "/export/audit.csv"
COLUMNS = ("at", "username", "role", "action", "area", "detail", "address")


def register(app: Dash) -> None:
    app.callback(Output(ids.AUDIT_TABLE, "rowData"), Output(ids.AUDIT_EXPORT, "href"),
                 Input(ids.AUDIT_ACTION, "value"), Input(ids.AUDIT_USER, "value"),
                 Input(ids.AUDIT_SINCE, "date"))(show_audit_log)


def register_routes(server: Flask) -> None:
    server.add_url_rule(EXPORT, "export_audit", export_audit)


def show_audit_log(action: str | None, username: str | None, since: str | None):
    return audit_view(require(READ_AUDIT), action, username, since)


def audit_since(since: str | None) -> datetime | None:
    """The start of the day `since` (2022-04-01...) in Beijing; BadInput (400) for anything else."""
    try:
        return datetime.combine(date.fromisoformat(since[:10]), time(0), BEIJING) if since else None
    except (TypeError, ValueError):
        raise BadInput("input.bad_date", value=str(since)[:40]) from None


def audit_view(actor: Actor, action: str | None, username: str | None, since: str | None) -> tuple[list, str]:
    ensure(actor, READ_AUDIT)
    with reading(actor) as conn:
        rows = audit_rows(conn, action or None, (username or "").strip() or None, audit_since(since))
    shown = [{**r, "at": beijing_time(r["at"], seconds=True), "area": r["area_name"] or r["area"] or "",
              "detail": describe(r["detail"]),
              "action": t(f"action.{r['action']}"), "role": t(f"role.{r['role']}") if r["role"] else ""}
             for r in rows]
    query = urlencode({k: v for k, v in {"action": action, "user": username, "since": since}.items() if v})
    return shown, EXPORT + ("?" + query if query else "")


@export_door(READ_AUDIT, param=None)
def export_audit(actor: Actor, _scope: None) -> Response:
    """The audit log under the auditor's filters, as CSV. Auditors only; the export is itself logged."""
    since = audit_since(request.args.get("since"))
    with reading(actor) as conn:
        rows = audit_rows(conn, request.args.get("action") or None, request.args.get("user") or None, since,
                          limit=MOST_ROWS)
    body, count = write_csv(rows, [Column(f, t(f"audit.col.{f}"), 20, code=f == "area") for f in COLUMNS])
    with writing(actor) as work:
        work.audit("export", None, {"file": "audit.csv", "rows": count, "filter": dict(request.args)})
    return attachment(body, f"审计日志_{datetime.now(BEIJING):%Y%m%d_%H%M}.csv", "csv")
