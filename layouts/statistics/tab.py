"""The statistics tab's skeleton: three charts drawn by callbacks when the tab is looked at."""

from __future__ import annotations

from dash import dcc, html

from layouts.charts import graph_config
from layouts.statistics import ids


def stats_tab() -> html.Div:
    graph = graph_config()
    return html.Div(className="tab-body stats", children=[
        dcc.Graph(id=ids.RANKING_CHART, config=graph, className="chart"),
        dcc.Graph(id=ids.TREND_CHART, config=graph, className="chart"),
        dcc.Graph(id=ids.COMPARE_CHART, config=graph, className="chart"),
        dcc.Store(id=ids.VIEW),
    ])
