"""Page skeletons. Data arrives through callbacks; these functions take no data and do no I/O."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from i18n import t
from layouts import ids, imports
from layouts.table import grid_locale, table_columns

LIVE_SECONDS = 1  # how often an open map asks whether the data changed (one cheap query)


def shell() -> html.Div:
    """The app: a location and the page its path names (the map page, or the big screen at /bigscreen)."""
    return html.Div([dcc.Location(id=ids.ROUTE), html.Div(id=ids.PAGE)])


def map_page(import_tab: bool = False) -> html.Div:
    """The map page; a data operator's also has the import tab."""
    return html.Div(
        id=ids.MAP_PAGE,
        className="page",
        children=[
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            dcc.Interval(id=ids.LIVE_TICK, interval=LIVE_SECONDS * 1000),
            dcc.Store(id=ids.LIVE_VERSION), dcc.Store(id=ids.LIVE_SEEN),
            html.Header(className="header", children=[
                html.H1(t("app.title")),
                html.Div(t("app.subtitle"), className="subtitle"),
                html.A(t("big.link"), href="/bigscreen", className="big-link", target="_blank"),
                html.Div(id=ids.DATA_TIME, className="data-time"),
                html.Div(id=ids.USER_BOX, className="user-box"),
            ]),
            html.Nav(id=ids.BREADCRUMB, className="breadcrumb", **{"aria-label": t("crumb.label")}),
            html.Div(id=ids.CHOICES, className="controls"),
            html.Div(id=ids.MESSAGE, className="message", role="alert"),
            html.Div(id=ids.KPIS, className="kpis"),
            html.Div(className="map-row", children=[
                dcc.Graph(id=ids.MAP, className="map", config={
                    "displaylogo": False, "scrollZoom": True, "modeBarButtonsToRemove": ["toImage", "select2d",
                                                                                         "lasso2d"]}),
                html.Aside(className="side", children=[
                    html.Div(id=ids.LEGEND, className="legend"),
                    html.Div(id=ids.SIDE, className="side-content"),
                ]),
            ]),
            dcc.Tabs(id=ids.TABS, value="table", className="tabs", children=[
                dcc.Tab(label=t("tab.table"), value="table", children=table_tab()),
                dcc.Tab(label=t("tab.stats"), value="stats", children=stats_tab()),
                *([dcc.Tab(label=t("tab.import"), value="import", children=imports.import_tab(), id=ids.IMPORT_TAB)]
                  if import_tab else []),
            ]),
        ],
    )


def table_tab() -> html.Div:
    return html.Div(className="tab-body", children=[
        html.Div(className="table-filters", children=[
            dcc.Dropdown(id=ids.TABLE_STATUS, multi=True, placeholder=t("table.status_any"),
                         options=[{"label": t(f"status.{s}"), "value": s}
                                  for s in ("cleared", "caution", "warned", "incomplete")]),
            dcc.Dropdown(id=ids.TABLE_INDUSTRY, placeholder=t("table.industry_any")),
            dcc.Input(id=ids.TABLE_SEARCH, type="search", debounce=True, placeholder=t("table.search"),
                      maxLength=100, className="search"),
            html.Div(id=ids.TABLE_COUNT, className="table-count"),
        ]),
        html.Div(id=ids.EXPORTS, className="exports"),
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
                         "maxBlocksInCache": 20, "localeText": grid_locale()},
        style={"height": "560px"},
        className="ag-theme-alpine",
    )


def stats_tab() -> html.Div:
    graph = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
    return html.Div(className="tab-body stats", children=[
        dcc.Graph(id=ids.RANKING_CHART, config=graph, className="chart"),
        dcc.Graph(id=ids.TREND_CHART, config=graph, className="chart"),
        dcc.Graph(id=ids.COMPARE_CHART, config=graph, className="chart"),
    ])


def user_box(name: str, role: str) -> list:
    return [html.Span(t("auth.user", name=name, role=role)), html.A(t("auth.logout"), href="/logout")]
