"""The big screen at /bigscreen: dark, large type, no scrollbars, nothing that needs a mouse.

/bigscreen?street=330105005000&refresh=5&rotate=60 shows one street, checks for new data every 5 s
(default every second; re-querying only when it changed) and, with rotate, moves on to the next street every 60 s.
"""

from __future__ import annotations

from dash import dcc, html

from i18n import t
from layouts import formatting
from layouts.bigscreen import ids

DEFAULT_REFRESH = 1  # seconds between checks for new data: colour changes reach the screen within 2 s


def bigscreen_page() -> html.Div:
    return html.Div(className="bigscreen", children=[
        dcc.Location(id=ids.BIG_URL),
        dcc.Interval(id=ids.BIG_TICK, interval=DEFAULT_REFRESH * 1000),
        dcc.Store(id=ids.BIG_VERSION),
        dcc.Store(id=ids.BIG_SIZE),
        html.Header(className="big-header", children=[
            html.H1(id=ids.BIG_TITLE), html.Div(id=ids.BIG_CLOCK, className="big-clock"),
        ]),
        html.Div(id=ids.BIG_KPIS, className="big-kpis"),
        html.Div(className="big-body", children=[
            dcc.Graph(id=ids.BIG_MAP, className="big-map", config={"staticPlot": True, "displayModeBar": False}),
            html.Div(className="big-side", children=[
                html.Div(id=ids.BIG_RANKING, className="big-ranking"),
                dcc.Graph(id=ids.BIG_TREND, className="big-trend",
                          config={"staticPlot": True, "displayModeBar": False}),
            ]),
        ]),
    ])


def big_kpis(totals: dict) -> list[html.Div]:
    tiles = [
        (t("kpi.residents_red"), formatting.count(totals["residents_red"]), "red"),
        (t("kpi.residents_yellow"), formatting.count(totals["residents_yellow"]), "yellow"),
        (t("kpi.red_ratio"), formatting.percent(totals["residents_red_ratio"]), "red"),
        (t("kpi.managed"), formatting.count(totals["managed_total"]), ""),
        (t("kpi.enterprises_cleared"), formatting.count(totals["enterprises_cleared"]), "green"),
        (t("kpi.enterprises_warned"), formatting.count(totals["enterprises_warned"]), "red"),
    ]
    return [html.Div([html.Div(label, className="big-kpi-label"), html.Div(value, className="big-kpi-value")],
                     className=f"big-kpi {tone}") for label, value, tone in tiles]


def big_ranking(rows: list[dict], top: int = 10) -> list:
    """The areas with the highest red ratio (places, not people: nothing to mask)."""
    ordered = sorted(rows, key=lambda r: (-(r["red_ratio"] or 0), r["name"]))[:top]
    return [
        html.Div(t("big.ranking"), className="big-side-title"),
        html.Ol([html.Li([html.Span(r["name"]), html.Span(formatting.percent(r["red_ratio"]), className="v")])
                 for r in ordered]),
    ]


