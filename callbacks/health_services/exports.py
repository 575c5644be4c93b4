"""The daily list of decisions for the city platform, as XLSX (title, rule, print set-up), audited:

GET /export/appeal-decisions.xlsx?area=330105000000&day=2022-04-01

The requests of the area decided that day (Beijing): request number, the platform's number, masked ID,
community, from → to colour, decision, decided at, by (the last tier's reviewer)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import Flask, Response, request

from callbacks.door import export_door
from callbacks.downloads import attachment, refusal
from data_access import areas
from data_access.exporters import Column, Sheet, write_xlsx
from data_access.health_services import oversight
from data_access.session import reading, writing
from domain.actor import Actor
from domain.clock import now
from domain.divisions import Scope
from domain.permissions import EXPORT_APPEALS
from i18n import t
from layouts import formatting
from layouts.health_services.oversight import decision_rows

PATH = "/export/appeal-decisions.xlsx"
COLUMNS = [("id", "appeals.col.request_no", 10), ("external_ref", "appeals.col.external_ref", 18),
           ("id_number", "appeals.col.id_number", 22), ("community", "appeals.col.community", 16),
           ("from_to", "appeals.col.from_to", 18), ("decision", "appeals.col.decision", 12),
           ("decided", "appeals.col.decided_at", 20), ("decided_by", "appeals.col.decided_by", 16)]


def decisions_href(area: str, day: str) -> str:
    return PATH + "?" + urlencode({"area": area, "day": day})


def register(server: Flask) -> None:
    server.add_url_rule(PATH, "export_appeal_decisions", export_decisions)


@export_door(EXPORT_APPEALS)
def export_decisions(actor: Actor, scope: Scope) -> Response:
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return refusal("export.bad_request", 400, field="day")
    body, title, count = decisions_file(actor, scope, day)
    with writing(actor) as work:
        work.audit("export", scope.code, {"file": "xlsx", "list": "appeal_decisions", "day": day.isoformat(),
                                          "rows": count})
    return attachment(body, f"{title}_{now():%Y%m%d_%H%M}.xlsx", "xlsx")


def decisions_file(actor: Actor, scope: Scope, day: date) -> tuple[bytes, str, int]:
    """The file, its title and its number of rows."""
    with reading(actor) as conn:
        area = areas.area_name(conn, scope)
        rows = decision_rows(oversight.decisions_of_day(conn, scope, day))
    title = t("appeals.decisions.title", area=area, day=day.isoformat())
    exported = formatting.beijing_time(now())
    rule = t("appeals.decisions.rule")
    about = [(t("export.area"), area), (t("export.rule"), rule), (t("appeals.decisions.day"), day.isoformat()),
             (t("export.export_time"), exported)]
    sheet = Sheet(t("appeals.decisions.sheet"), title,
                  t("appeals.decisions.rule_line", rule=rule, day=day.isoformat(), time=exported), t("export.footer"))
    columns = [Column(field, t(header), width) for field, header, width in COLUMNS]
    body, count = write_xlsx(rows, columns, sheet, about)
    return body, title, count
