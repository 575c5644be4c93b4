"""Download routes: the enterprise table under its filters, and the one-click cleared and warned lists.

GET /export/enterprises.xlsx?area=330105005000&status=cleared&industry=...&q=...&list=cleared
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, request

from callbacks.door import export_door
from callbacks.downloads import TYPES, attachment, refusal
from data_access import aggregates, areas
from data_access.enterprises import queries
from data_access.enterprises.queries import BadFilter, EnterpriseFilter
from data_access.exporters import Column, Sheet, write_csv, write_xlsx
from data_access.session import reading, writing
from domain.actor import Actor
from domain.clock import now
from domain.divisions import Scope
from domain.permissions import EXPORT_ENTERPRISES
from i18n import t
from layouts import formatting
from layouts.enterprises.columns import COLUMNS

LISTS = {"all": (), "cleared": ("cleared",), "warned": ("warned",)}
CODE_FIELDS = {"credit_code"}  # all-digit codes must stay text in a spreadsheet


def export_href(kind: str, area: str, statuses=(), industry: str | None = None, search: str | None = None,
                which: str = "all") -> str:
    params = {"area": area, "status": ",".join(statuses), "industry": industry or "", "q": search or "",
              "list": which}
    return f"/export/enterprises.{kind}?" + urlencode({k: v for k, v in params.items() if v})


def register(server: Flask) -> None:
    server.add_url_rule("/export/enterprises.<kind>", "export_enterprises", export_enterprises)


@export_door(EXPORT_ENTERPRISES)
def export_enterprises(actor: Actor, scope: Scope, kind: str) -> Response:
    if kind not in TYPES:
        return refusal("export.bad_request", 404, field="kind")
    which = request.args.get("list", "all")
    if which not in LISTS:
        return refusal("export.bad_request", 400, field="list")
    try:
        statuses = LISTS[which] or tuple(s for s in request.args.get("status", "").split(",") if s)
        flt = EnterpriseFilter(statuses=statuses, industry=request.args.get("industry") or None,
                               search=request.args.get("q") or None,
                               sort=(("community_name", "asc"), ("name", "asc")))
    except BadFilter as exc:
        return refusal("export.bad_request", 400, field=str(exc))
    body, title, count = _build(kind, scope, flt, actor)
    with writing(actor) as work:
        work.audit("export", scope.code, {"file": kind, "list": which, "filter": _describe(flt), "rows": count})
    return attachment(body, f"{title}_{now():%Y%m%d_%H%M}.{kind}", kind)


def list_name(statuses: tuple[str, ...]) -> str:
    """What the list is: 可复工企业名单 for the cleared only (from the one-click link or the status filter)."""
    if len(statuses) != 1:
        return t("export.title_all")
    status = statuses[0]
    if status in ("cleared", "warned"):
        return t(f"export.title_{status}")
    return t("export.title_status", status=t(f"status.{status}"))


def list_rule(statuses: tuple[str, ...]) -> str:
    """The rule that put an enterprise on the list, e.g. 全员绿码，可复工."""
    return "；".join(t(f"export.rule.{s}") for s in statuses) if statuses else t("export.rule.all")


def _build(kind: str, scope: Scope, flt: EnterpriseFilter, actor: Actor) -> tuple[bytes, str, int]:
    columns = [Column(field, t(header), width, code=field in CODE_FIELDS) for field, header, _, width in COLUMNS]
    with reading(actor) as conn:
        area = areas.area_name(conn, scope)
        newest = aggregates.data_time(conn)
        rows = ({**r, "status_name": t(f"status.{r['status']}")} for r in queries.enterprise_rows(conn, scope, flt))
        title = f"{area}{list_name(flt.statuses)}"
        if kind == "csv":
            body, count = write_csv(rows, columns)
            return body, title, count
        when = formatting.beijing_time(newest) if newest else "—"
        about = [
            (t("export.area"), area),
            (t("export.rule"), list_rule(flt.statuses)),
            (t("export.filter"), _describe(flt) or t("export.filter_none")),
            (t("export.data_time"), when),
            (t("export.export_time"), formatting.beijing_time(now())),
        ]
        sheet = Sheet(t("export.sheet"), title, t("export.rule_line", rule=list_rule(flt.statuses), time=when),
                      t("export.footer"))
        body, count = write_xlsx(rows, columns, sheet, about)
        return body, title, count


def _describe(flt: EnterpriseFilter) -> str:
    parts = []
    if flt.statuses:
        parts.append(t("col.status") + "：" + "、".join(t(f"status.{s}") for s in flt.statuses))
    if flt.industry:
        parts.append(t("col.industry") + "：" + flt.industry)
    if flt.search:
        parts.append(t("table.search") + "：" + flt.search)
    return "；".join(parts)
