"""Callbacks of the enterprise table: filters make a new grid; the grid asks for its rows page by page."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from dash import ALL, MATCH, Dash, Input, Output, State, ctx, no_update

from callbacks.enterprises.exports import export_href
from callbacks.gate import clamp_view, require
from data_access.enterprises import queries
from data_access.enterprises.queries import BadFilter, EnterpriseFilter
from data_access.session import DataUnavailable, reading
from domain.actor import Actor
from domain.divisions import DIVISION_CODE, Scope
from domain.permissions import EXPORT_ENTERPRISES, READ_ENTERPRISES
from i18n import t
from layouts.enterprises import ids
from layouts.enterprises.tab import enterprise_grid, export_links
from layouts.ids import URL
from layouts.view import parse_view, view_search

SORT_FIELDS = {"status_name": "status"}


def register(app: Dash) -> None:
    app.callback(Output(ids.TABLE_AREA, "data"), Input(URL, "search"), State(ids.TABLE_AREA, "data"))(follow_area)
    app.callback(
        Output(ids.TABLE_HOLDER, "children"), Output(ids.EXPORTS, "children"),
        Output(ids.TABLE_INDUSTRY, "options"), Output(ids.TABLE_COUNT, "children"),
        Input(ids.TABLE_AREA, "data"), Input(ids.TABLE_STATUS, "value"), Input(ids.TABLE_INDUSTRY, "value"),
        Input(ids.TABLE_SEARCH, "value"), prevent_initial_call=True,
    )(refilter_table)
    app.callback(
        Output(ids.table(MATCH), "getRowsResponse"), Input(ids.table(MATCH), "getRowsRequest"),
        State(URL, "search"), State(ids.TABLE_STATUS, "value"), State(ids.TABLE_INDUSTRY, "value"),
        State(ids.TABLE_SEARCH, "value"),
    )(table_rows)
    app.callback(Output(URL, "search", allow_duplicate=True), Input(ids.table(ALL), "cellClicked"),
                 State(URL, "search"), prevent_initial_call=True)(open_enterprise_row)
    # The map is above the table: bring it into view when a row opens an enterprise on it.
    app.clientside_callback("(clicks) => { window.scrollTo({top: 0, behavior: 'smooth'}); return Date.now(); }",
                            Output(ids.OPENED, "data"), Input(ids.table(ALL), "cellClicked"),
                            prevent_initial_call=True)


def _area(search: str | None, actor: Actor) -> str:
    return clamp_view(parse_view(search)[0], actor, see_people=False)[0].area


def follow_area(search: str | None, shown: str | None):
    """The URL's area, when it is not the one the table shows already: the metric, the basis, the
    enterprise opened on the map do not make the table read its rows again."""
    area = _area(search, require(READ_ENTERPRISES))
    return no_update if area == shown else area


def refilter_table(area, statuses, industry, text):
    actor = require(READ_ENTERPRISES)
    # the store comes from the browser: an area outside the user's own is the user's own
    area = area if isinstance(area, str) and DIVISION_CODE.fullmatch(area) and actor.covers(area) else actor.org_code
    key = hashlib.sha1(repr((area, statuses, industry, text)).encode()).hexdigest()[:12]
    page = table_page({"startRow": 0, "endRow": 1}, actor, area, statuses or (), industry, text)
    try:
        with reading(actor) as conn:
            options = queries.industries(conn, Scope(area))
    except DataUnavailable:
        options = []
    count = t("table.count", count=f"{page[1]:,}") if page else t("table.bad_filter", field="")
    links = export_links([
        (t("export.xlsx"), export_href("xlsx", area, statuses or (), industry, text), "xlsx"),
        (t("export.csv"), export_href("csv", area, statuses or (), industry, text), "csv"),
        (t("export.cleared"), export_href("xlsx", area, which="cleared"), "cleared"),
        (t("export.warned"), export_href("xlsx", area, which="warned"), "warned"),
    ]) if actor.may(EXPORT_ENTERPRISES) else []
    return enterprise_grid(key), links, options, count


def table_rows(request, search, statuses, industry, text):
    if not request:
        return no_update
    actor = require(READ_ENTERPRISES)
    page = table_page(request, actor, _area(search, actor), statuses or (), industry, text)
    rows, total = page or ([], 0)
    return {"rowData": rows, "rowCount": total}


def open_enterprise_row(_clicks: list, search: str | None):
    """A click on a row opens its enterprise on the map (the grid's row id is the credit code)."""
    actor = require(READ_ENTERPRISES)
    clicked = (ctx.triggered[0]["value"] if ctx.triggered else None) or {}
    code = str(clicked.get("rowId") or "")
    try:
        with reading(actor) as conn:
            community = queries.enterprise_community(conn, actor.scope, code)
    except DataUnavailable:
        return no_update
    if not community:
        return no_update
    view = parse_view(search)[0]
    return view_search(replace(view, street=community[:9] + "000", community=community, enterprise=code))


def table_page(request: dict, actor: Actor, area: str, statuses, industry, text) -> tuple[list[dict], int] | None:
    """One block of rows for the grid's request, or None for a request the table does not offer."""
    sort = tuple((SORT_FIELDS.get(s.get("colId"), s.get("colId")), s.get("sort"))
                 for s in request.get("sortModel") or [])
    try:
        flt = EnterpriseFilter(statuses=tuple(statuses), industry=industry, search=text, sort=sort)
        start = int(request.get("startRow") or 0)
        end = int(request.get("endRow") or start + 50)
        with reading(actor) as conn:
            rows, total = queries.enterprise_page(conn, Scope(area), flt, start, end - start)
    except (BadFilter, ValueError, TypeError, DataUnavailable):
        return None
    return [{**r, "status_name": t(f"status.{r['status']}")} for r in rows], total
