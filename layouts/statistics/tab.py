"""The statistics tab's skeleton: three charts drawn by callbacks when the tab is looked at."""

from __future__ import annotations

from dash import dcc, html

from layouts.statistics import ids


def stats_tab() -> html.Div:
    graph = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
    return html.Div(className="tab-body stats", children=[
        dcc.Graph(id=ids.RANKING_CHART, config=graph, className="chart"),
        dcc.Graph(id=ids.TREND_CHART, config=graph, className="chart"),
        dcc.Graph(id=ids.COMPARE_CHART, config=graph, className="chart"),
    ])
