"""The map page: header, metric selector, KPI tiles, map. Data arrives through callbacks."""

from __future__ import annotations

from dash import dcc, html

from i18n import t
from layouts import ids
from layouts.metrics import DEFAULT_METRIC, METRICS


def map_page() -> html.Div:
    return html.Div(
        id=ids.MAP_PAGE,
        className="page",
        children=[
            html.Header(className="header", children=[
                html.H1(t("app.title")),
                html.Div(t("app.subtitle"), className="subtitle"),
                html.Div(id=ids.DATA_TIME, className="data-time"),
            ]),
            html.Div(className="controls", children=[
                html.Span(t("map.metric"), className="control-label"),
                dcc.RadioItems(
                    id=ids.METRIC,
                    options=[{"label": t(f"metric.{key}"), "value": key} for key in METRICS],
                    value=DEFAULT_METRIC,
                    inline=True,
                    className="metric-selector",
                ),
            ]),
            html.Div(id=ids.MESSAGE, className="message", role="alert"),
            html.Div(id=ids.KPIS, className="kpis"),
            dcc.Graph(
                id=ids.MAP,
                className="map",
                config={"displaylogo": False, "scrollZoom": True, "modeBarButtonsToRemove": ["toImage"]},
                style={"height": "72vh"},
            ),
        ],
    )
