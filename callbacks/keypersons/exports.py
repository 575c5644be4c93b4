"""The file for the health bureau: a batch's records (or those of the batches received on a Beijing day) with
their place, first contact, measure and colours, as XLSX (title, rule, print set-up), audited:

GET /export/keyperson-records.xlsx?area=330105000000&batch=12
GET /export/keyperson-records.xlsx?area=330105000000&day=2020-10-14

Persons masked (the batch's row number lets the bureau find each in its own file); the community's division
code stays text. A batch or day with no record in the area is refused with a line of Chinese, never an empty
file. And the overdue tasks of the area (tab 超时任务) as they stand now, audited the same way:

GET /export/keyperson-overdue.xlsx?area=330105005052"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from flask import Flask, Response, request

from callbacks.door import export_door
from callbacks.downloads import attachment, refusal
from data_access import areas
from data_access.exporters import Column, Sheet, write_xlsx
from data_access.keypersons import oversight, tasks
from data_access.session import reading, writing
from domain import clock
from domain.actor import Actor
from domain.clock import BEIJING, now
from domain.divisions import Scope
from domain.permissions import EXPORT_KEYPERSONS
from i18n import t
from layouts import formatting
from layouts.keypersons.page import EXPORT_COLUMNS, OVERDUE_EXPORT_COLUMNS, export_rows, overdue_rows

EXPORT_ROWS = 100_000  # the file holds every overdue task of the area (the tab shows the first 2,000)

PATH = "/export/keyperson-records.xlsx"
OVERDUE_PATH = "/export/keyperson-overdue.xlsx"


def records_href(area: str, batch: int | None = None, day: str | None = None) -> str:
    return PATH + "?" + urlencode({"area": area, **({"batch": batch} if batch else {"day": day})})


def overdue_href(area: str) -> str:
    return OVERDUE_PATH + "?" + urlencode({"area": area})


def register(server: Flask) -> None:
    server.add_url_rule(PATH, "export_keyperson_records", export_records)
    server.add_url_rule(OVERDUE_PATH, "export_keyperson_overdue", export_overdue)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The Beijing day as [start, end)."""
    start = datetime.combine(day, time(), BEIJING)
    return start, start + timedelta(days=1)


@export_door(EXPORT_KEYPERSONS)
def export_records(actor: Actor, scope: Scope) -> Response:
    batch, day = request.args.get("batch"), request.args.get("day")
    if (batch is None) == (day is None):
        return refusal("export.bad_request", 400, field="batch")
    try:
        chosen: int | date = int(batch) if batch is not None else date.fromisoformat(day or "")
    except ValueError:
        return refusal("export.bad_request", 400, field="batch" if batch is not None else "day")
    if isinstance(chosen, int) and not 0 < chosen < 2**62:
        return refusal("export.bad_request", 400, field="batch")
    body, title, count = records_file(actor, scope, chosen)
    if not count:  # nothing received (in the area) for that batch or day: say so, no empty file
        if isinstance(chosen, int):
            return refusal("keypersons.export.empty_batch", 404, batch=chosen)
        return refusal("keypersons.export.empty_day", 404, day=chosen.isoformat())
    with writing(actor) as work:
        work.audit("export", scope.code, {"file": "xlsx", "list": "keyperson_records", "rows": count,
                                          **({"batch": chosen} if isinstance(chosen, int)
                                             else {"day": chosen.isoformat()})})
    return attachment(body, f"{title}_{now():%Y%m%d_%H%M}.xlsx", "xlsx")


def records_file(actor: Actor, scope: Scope, chosen: int | date) -> tuple[bytes, str, int]:
    """The file, its title and its number of rows."""
    with reading(actor) as conn:
        area = areas.area_name(conn, scope)
        if isinstance(chosen, int):
            rows = oversight.records_of(conn, scope, batch=chosen)
            what = t("keypersons.export.batch", batch=chosen)
        else:
            start, end = day_bounds(chosen)
            rows = oversight.records_of(conn, scope, day_start=start, day_end=end)
            what = t("keypersons.export.day", day=chosen.isoformat())
    title = t("keypersons.export.title", area=area, what=what)
    exported = formatting.beijing_time(now())
    rule = t("keypersons.export.rule")
    about = [(t("export.area"), area), (t("export.rule"), rule), (t("keypersons.export.what"), what),
             (t("export.export_time"), exported)]
    sheet = Sheet(t("keypersons.export.sheet"), title, t("keypersons.export.rule_line", rule=rule, time=exported),
                  t("export.footer"))
    columns = [Column(field, t(header), width, code) for field, header, width, code in EXPORT_COLUMNS]
    body, count = write_xlsx(export_rows(rows), columns, sheet, about)
    return body, title, count


@export_door(EXPORT_KEYPERSONS)
def export_overdue(actor: Actor, scope: Scope) -> Response:
    """The area's overdue tasks now (first contacts late, follow-ups missed), as the tab lists them."""
    body, title, count = overdue_file(actor, scope)
    with writing(actor) as work:
        work.audit("export", scope.code, {"file": "xlsx", "list": "keyperson_overdue", "rows": count})
    return attachment(body, f"{title}_{now():%Y%m%d_%H%M}.xlsx", "xlsx")


def overdue_file(actor: Actor, scope: Scope) -> tuple[bytes, str, int]:
    """The file, its title and its number of rows."""
    at, today = clock.now(), clock.today()
    with reading(actor) as conn:
        area = areas.area_name(conn, scope)
        rows = overdue_rows(tasks.overdue_tasks(conn, scope, at, today, limit=EXPORT_ROWS))
    title = t("keypersons.overdue.title", area=area)
    exported = formatting.beijing_time(at)
    rule = t("keypersons.overdue.rule")
    about = [(t("export.area"), area), (t("export.rule"), rule), (t("export.export_time"), exported)]
    sheet = Sheet(t("keypersons.overdue.sheet"), title, t("keypersons.export.rule_line", rule=rule, time=exported),
                  t("export.footer"))
    columns = [Column(field, t(header), width) for field, header, width in OVERDUE_EXPORT_COLUMNS]
    body, count = write_xlsx(rows, columns, sheet, about)
    return body, title, count
