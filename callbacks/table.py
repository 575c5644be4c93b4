"""Callbacks of the enterprise table: filters make a new grid; the grid asks for its rows page by page."""

from __future__ import annotations

import hashlib

from dash import MATCH, Input, Output, State, callback, html, no_update

from callbacks.access import Access, clamp_view, current_access
from callbacks.exports import export_href
from data_access import enterprise_queries
from data_access.enterprise_queries import BadFilter, EnterpriseFilter
from data_access.scope import Scope
from data_access.session import DataUnavailable, reading
from i18n import t
from layouts import ids
from layouts.page import enterprise_grid
from layouts.view import parse_view

SORT_FIELDS = {"status_name": "status"}


@callback(
    Output(ids.TABLE_HOLDER, "children"), Output(ids.EXPORTS, "children"), Output(ids.TABLE_INDUSTRY, "options"),
    Output(ids.TABLE_COUNT, "children"),
    Input(ids.URL, "search"), Input(ids.TABLE_STATUS, "value"), Input(ids.TABLE_INDUSTRY, "value"),
    Input(ids.TABLE_SEARCH, "value"),
)
def refilter_table(search, statuses, industry, text):
    access = current_access()
    area = clamp_view(parse_view(search)[0], access)[0].area
    key = hashlib.sha1(repr((area, statuses, industry, text)).encode()).hexdigest()[:12]
    page = table_page({"startRow": 0, "endRow": 1}, access, area, statuses or (), industry, text)
    try:
        with reading(access.scope) as conn:
            options = enterprise_queries.industries(conn, Scope(area))
    except DataUnavailable:
        options = []
    count = t("table.count", count=f"{page[1]:,}") if page else t("table.bad_filter", field="")
    links = export_links(area, statuses or (), industry, text) if access.can_export else []
    return enterprise_grid(key), links, options, count


def export_links(area: str, statuses, industry, text) -> list:
    def a(label: str, href: str, kind: str) -> html.A:
        return html.A(label, href=href, className=f"export {kind}", download="", **{"data-export": kind})


    return [
        a(t("export.xlsx"), export_href("xlsx", area, statuses, industry, text), "xlsx"),
        a(t("export.csv"), export_href("csv", area, statuses, industry, text), "csv"),
        a(t("export.cleared"), export_href("xlsx", area, which="cleared"), "cleared"),
        a(t("export.warned"), export_href("xlsx", area, which="warned"), "warned"),
    ]


@callback(
    Output(ids.table(MATCH), "getRowsResponse"),
    Input(ids.table(MATCH), "getRowsRequest"),
    State(ids.URL, "search"), State(ids.TABLE_STATUS, "value"), State(ids.TABLE_INDUSTRY, "value"),
    State(ids.TABLE_SEARCH, "value"),
)
def table_rows(request, search, statuses, industry, text):
    if not request:
        return no_update
    access = current_access()
    area = clamp_view(parse_view(search)[0], access)[0].area
    page = table_page(request, access, area, statuses or (), industry, text)
    rows, total = page or ([], 0)
    return {"rowData": rows, "rowCount": total}


def table_page(request: dict, access: Access, area: str, statuses, industry, text
               ) -> tuple[list[dict], int] | None:
    """One block of rows for the grid's request, or None for a request the table does not offer."""
    sort = tuple((SORT_FIELDS.get(s.get("colId"), s.get("colId")), s.get("sort"))
                 for s in request.get("sortModel") or [])
    try:
        flt = EnterpriseFilter(statuses=tuple(statuses), industry=industry, search=text, sort=sort)
        start = int(request.get("startRow") or 0)
        end = int(request.get("endRow") or start + 50)
        with reading(access.scope) as conn:
            rows, total = enterprise_queries.enterprise_page(conn, Scope(area), flt, start, end - start)
    except (BadFilter, ValueError, TypeError, DataUnavailable):
        return None
    return [{**r, "status_name": t(f"status.{r['status']}")} for r in rows], total
