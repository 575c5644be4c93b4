"""Download routes: the enterprise table under its filters, and the one-click cleared and warned lists.

GET /export/enterprises.xlsx?area=330105005000&status=cleared&industry=...&q=...&list=cleared
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

from flask import Flask, Response, request

from callbacks.access import Access, current_access
from callbacks.admin import audit_since
from data_access import enterprise_queries, map_queries, users
from data_access.enterprise_queries import BadFilter, EnterpriseFilter
from data_access.exporters import Column, write_csv, write_xlsx
from data_access.scope import Scope
from data_access.session import DataUnavailable, reading, writing
from i18n import t
from layouts import formatting
from layouts.table import COLUMNS

LISTS = {"all": (), "cleared": ("cleared",), "warned": ("warned",)}
KINDS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8"}


def export_href(kind: str, area: str, statuses=(), industry: str | None = None, search: str | None = None,
                which: str = "all") -> str:
    params = {"area": area, "status": ",".join(statuses), "industry": industry or "", "q": search or "",
              "list": which}
    return f"/export/enterprises.{kind}?" + urlencode({k: v for k, v in params.items() if v})


def register(server: Flask) -> None:
    server.add_url_rule("/export/enterprises.<kind>", "export_enterprises", export_enterprises)
    server.add_url_rule("/export/audit.csv", "export_audit", export_audit)


def export_enterprises(kind: str) -> Response:
    access = current_access()
    if kind not in KINDS:
        return _refuse("kind", 404)
    which = request.args.get("list", "all")
    if which not in LISTS:
        return _refuse("list")
    area = request.args.get("area", "")
    try:
        scope = Scope(area)
    except ValueError:
        return _refuse("area")
    if not access.can_export or not access.covers(area):
        _log(access, "refused", area, {"asked": request.full_path})
        return Response(t("auth.forbidden"), status=403, mimetype="text/plain")
    try:
        statuses = LISTS[which] or tuple(s for s in request.args.get("status", "").split(",") if s)
        flt = EnterpriseFilter(statuses=statuses, industry=request.args.get("industry") or None,
                               search=request.args.get("q") or None, sort=(("community_name", "asc"),
                                                                          ("name", "asc")))
    except BadFilter as exc:
        return _refuse(str(exc))
    try:
        body, title, count = _build(kind, scope, flt, which, access)
        _log(access, "export", scope.code, {"file": kind, "list": which, "filter": _describe(flt), "rows": count})
    except DataUnavailable:
        return Response(t("map.error"), status=503, mimetype="text/plain")
    filename = f"{title}_{datetime.now():%Y%m%d_%H%M}.{kind}"
    return Response(body, mimetype=KINDS[kind],
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


def _build(kind: str, scope: Scope, flt: EnterpriseFilter, which: str, access: Access
           ) -> tuple[bytes, str, int]:
    columns = [Column(field, t(header), width) for field, header, _, width in COLUMNS]
    with reading(access.scope) as conn:
        area = map_queries.area_name(conn, scope)
        newest = map_queries.data_time(conn)
        rows = ({**r, "status_name": t(f"status.{r['status']}")}
                for r in enterprise_queries.enterprise_rows(conn, scope, flt))
        title = f"{area}{t('export.title_' + which)}"
        if kind == "csv":
            return _with_title(write_csv(rows, columns), title)
        about = [
            (t("export.area"), area),
            (t("export.filter"), _describe(flt) or t("export.filter_none")),
            (t("export.data_time"), formatting.beijing_time(newest) if newest else "—"),
            (t("export.export_time"), formatting.beijing_time(datetime.now().astimezone())),
        ]
        return _with_title(write_xlsx(rows, columns, t("export.sheet"), about), title)


def _with_title(written: tuple[bytes, int], title: str) -> tuple[bytes, str, int]:
    return written[0], title, written[1]


def _log(access: Access, action: str, area: str | None, detail: dict) -> None:
    with writing() as conn:
        users.record(conn, access.username, access.role, action, area, detail, request.remote_addr)


def export_audit() -> Response:
    """The audit log under the auditor's filters, as CSV. Auditors only; the export is itself logged."""
    access = current_access()
    if access.role != "auditor":
        _log(access, "refused", None, {"asked": request.full_path})
        return Response(t("auth.forbidden"), status=403, mimetype="text/plain")
    try:
        since = audit_since(request.args.get("since"))
    except ValueError:
        return _refuse("since")
    with writing() as conn:
        rows = users.audit_rows(conn, request.args.get("action") or None, request.args.get("user") or None,
                                since, limit=10_000)
    columns = [Column(f, t(f"audit.col.{f}"), 20) for f in ("at", "username", "role", "action", "area", "detail",
                                                               "address")]
    body, count = write_csv(rows, columns)
    _log(access, "export", None, {"file": "audit.csv", "rows": count, "filter": dict(request.args)})
    return Response(body, mimetype=KINDS["csv"], headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(f'审计日志_{datetime.now():%Y%m%d_%H%M}.csv')}"})


def _describe(flt: EnterpriseFilter) -> str:
    parts = []
    if flt.statuses:
        parts.append(t("col.status") + "：" + "、".join(t(f"status.{s}") for s in flt.statuses))
    if flt.industry:
        parts.append(t("col.industry") + "：" + flt.industry)
    if flt.search:
        parts.append(t("table.search") + "：" + flt.search)
    return "；".join(parts)


def _refuse(field: str, status: int = 400) -> Response:
    return Response(t("export.bad_request", field=field), status=status, mimetype="text/plain")
