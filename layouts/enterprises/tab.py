"""The enterprise table tab: filters, export links, and the grid paged on the server."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from domain.registers import STATUSES
from i18n import t
from layouts.enterprises import ids
from layouts.enterprises.columns import table_columns
from layouts.grid import dropdown_labels, grid_locale


def table_tab() -> html.Div:
    return html.Div(className="tab-body", children=[
        dcc.Store(id=ids.TABLE_AREA),
        html.Div(className="table-filters", children=[
            dcc.Dropdown(id=ids.TABLE_STATUS, multi=True, placeholder=t("table.status_any"), labels=dropdown_labels(),
                         options=[{"label": t(f"status.{s}"), "value": s} for s in STATUSES]),
            dcc.Dropdown(id=ids.TABLE_INDUSTRY, placeholder=t("table.industry_any"), labels=dropdown_labels()),
            dcc.Input(id=ids.TABLE_SEARCH, type="search", debounce=True, placeholder=t("table.search"),
                      maxLength=100, className="search"),
            html.Div(id=ids.TABLE_COUNT, className="table-count"),
        ]),
        html.Div(id=ids.EXPORTS, className="exports"),
        dcc.Store(id=ids.OPENED),
        html.P(t("table.open_hint"), className="table-hint"),
        html.Div(id=ids.TABLE_HOLDER, children=enterprise_grid()),
    ])


def enterprise_grid(key: str = "") -> dag.AgGrid:
    """The grid, paged on the server (infinite row model). A new key makes a new grid: filters changed."""
    return dag.AgGrid(
        id=ids.table(key or "initial"),
        columnDefs=table_columns(),
        defaultColDef={"sortable": True, "resizable": True, "filter": False},
        rowModelType="infinite",
        dashGridOptions={"pagination": True, "paginationPageSize": 50, "cacheBlockSize": 50,
                         "maxBlocksInCache": 20, "localeText": grid_locale(), "rowClass": "opens-enterprise"},
        getRowId="params.data.credit_code",  # a click names the enterprise it opens
        style={"height": "560px"},
        className="ag-theme-alpine",
    )


def export_links(links: list[tuple[str, str, str]]) -> list:
    """(label, href, kind) as download links."""
    return [html.A(label, href=href, className=f"export {kind}", download="", **{"data-export": kind})
            for label, href, kind in links]
