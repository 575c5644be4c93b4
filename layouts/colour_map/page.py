"""The map page's skeleton. Data arrives through callbacks; this takes no data and does no I/O."""

from __future__ import annotations

from dash import dcc, html

from i18n import t
from layouts import ids as shell_ids
from layouts.charts import graph_config
from layouts.colour_map import ids
from layouts.colour_map.history import history_controls
from layouts.colour_map.search import search_box

LIVE_SECONDS = 1  # how often an open map asks whether the data changed (one cheap query)


def map_page() -> html.Div:
    return html.Div(className="page", children=[
        dcc.Location(id=shell_ids.URL, refresh="callback-nav"),
        dcc.Interval(id=ids.LIVE_TICK, interval=LIVE_SECONDS * 1000),
        dcc.Store(id=ids.LIVE_VERSION), dcc.Store(id=ids.LIVE_SEEN), dcc.Store(id=ids.MAP_DRAWN),
        html.Div(id=ids.DATA_TIME, className="data-time"),
        html.Div(className="crumb-row", children=[
            html.Nav(id=ids.BREADCRUMB, className="breadcrumb", **{"aria-label": t("crumb.label")}),
            search_box(),
        ]),
        html.Div(id=ids.CHOICES, className="controls"),
        history_controls(),
        html.Div(id=ids.MESSAGE, className="message", role="alert"),
        html.Div(id=ids.KPIS, className="kpis kpis-row"),
        html.Div(className="map-row", children=[
            dcc.Graph(id=ids.MAP, className="map", config=graph_config(scrollZoom=True)),
            html.Aside(className="side", children=[
                html.Div(id=ids.LEGEND, className="legend"),
                html.Div(id=ids.SIDE, className="side-content"),
            ]),
        ]),
    ])
