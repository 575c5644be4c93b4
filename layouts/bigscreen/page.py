"""The big screen at /bigscreen: dark, large type, no scrollbars, nothing that needs a mouse.

/bigscreen?street=330105005000&refresh=5&rotate=60 shows one street, checks for new data every 5 s
(default every second; re-querying only when it changed) and, with rotate, moves on to the next street every 60 s.

The check (assets/bigscreen.js) asks VERSION_PATH for the data's version, one request at a time, and asks the
server to draw only when the version, the area or the screen's size changed and no drawing is on its way: a
slow server delays the picture but never cancels it, and the last picture (with its data time) stays up.
"""

from __future__ import annotations

from dash import dcc, html

from i18n import t
from layouts import formatting
from layouts.bigscreen import ids

DEFAULT_REFRESH = 1  # seconds between checks for new data: colour changes reach the screen within 2 s
VERSION_PATH = "/bigscreen/version"


def bigscreen_page() -> html.Div:
    return html.Div(className="bigscreen", children=[
        dcc.Location(id=ids.BIG_URL),
        dcc.Interval(id=ids.BIG_TICK, interval=DEFAULT_REFRESH * 1000),
        dcc.Store(id=ids.BIG_SOURCE, data=VERSION_PATH),
        dcc.Store(id=ids.BIG_WANTED),
        dcc.Store(id=ids.BIG_SHOWN),
        dcc.Store(id=ids.BIG_PAGES),
        html.Header(className="big-header", children=[
            html.H1(t("big.loading"), id=ids.BIG_TITLE),
            html.Div(t("big.updating"), id=ids.BIG_UPDATING, className="big-updating", hidden=True),
            html.Div(id=ids.BIG_CLOCK, className="big-clock"),
        ]),
        html.Div(id=ids.BIG_KPIS, className="big-kpis"),
        html.Div(className="big-body", children=[
            html.Div(className="big-map-box", children=[
                dcc.Graph(id=ids.BIG_MAP, className="big-map", config={"staticPlot": True, "displayModeBar": False}),
                html.Div(id=ids.BIG_LEGEND, className="big-legend"),
            ]),
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




def big_legend(title: str, entries: list[tuple[str, str]], data_time: str) -> list:
    """The map's classes with the metric and its unit, and the time of the data the picture shows."""
    return [
        html.Div(title, className="big-legend-title"),
        *[html.Div([html.Span(className="swatch", style={"background": colour}), label], className="big-legend-item")
          for colour, label in entries],
        html.Div(data_time, className="big-data-time"),
    ]
