"""The scoreboard on the big screen at /scoreboard/screen: dark, large type, no scrollbars, no mouse.

It checks SCREEN_VERSION_PATH (a digest of the figures) with the big screen's poller (assets/bigscreen.js)
and is drawn again only when a figure changed. /bigscreen?turn=60 and /scoreboard/screen?turn=60 take turns
every 60 s (the pages of SANSETU_BIGSCREEN_PAGES).
"""

from __future__ import annotations

from dash import dcc, html

from i18n import t
from layouts import formatting
from layouts.scoreboard_screen import ids

SCREEN_REFRESH = 5  # seconds between checks of the figures' digest
SCREEN_VERSION_PATH = "/scoreboard/screen/version"


def scoreboard_screen() -> html.Div:
    return html.Div(className="bigscreen sb-screen", children=[
        dcc.Location(id=ids.SBS_URL),
        dcc.Interval(id=ids.SBS_TICK, interval=SCREEN_REFRESH * 1000),
        dcc.Store(id=ids.SBS_SOURCE, data=SCREEN_VERSION_PATH),
        dcc.Store(id=ids.SBS_WANTED),
        dcc.Store(id=ids.SBS_SHOWN),
        dcc.Store(id=ids.SBS_PAGES),
        html.Header(className="big-header", children=[
            html.H1(t("big.loading"), id=ids.SBS_TITLE),
            html.Div(t("big.updating"), id=ids.SBS_UPDATING, className="big-updating", hidden=True),
            html.Div(id=ids.SBS_CLOCK, className="big-clock"),
        ]),
        html.Div(className="sbs-body", children=[
            html.Ul(id=ids.SBS_HEADLINES, className="sbs-headlines"),
            html.Div(className="sbs-side", children=[
                html.Div(id=ids.SBS_STREETS, className="big-ranking sbs-ranking"),
                html.Div(id=ids.SBS_COMMUNITIES, className="big-ranking sbs-ranking"),
            ]),
        ]),
    ])


def screen_headlines(sentences: list[dict]) -> list[html.Li]:
    return [html.Li([html.Span(s["text"], className="sb-sentence"),
                     html.Span(t("scoreboard.as_of", time=formatting.beijing_time(s["as_of"])) if s["as_of"] else "",
                               className="sb-as-of")],
                    className="sb-headline" if s["has_data"] else "sb-headline sb-empty") for s in sentences]


def _value(value) -> str:
    return "—" if value is None else f"{float(value):.1f}"  # a score: one decimal, as on the page


def screen_ranking(title: str, rows: list[dict], own: str | None = None, top: int = 10) -> list:
    """The first `top` areas by combined score (places and work only, nothing about a person)."""
    shown = [r for r in rows if r["place"] is not None][:top]
    return [
        html.Div(title, className="big-side-title"),
        html.Ol([html.Li([html.Span(f"{r['place']}.", className="place"), html.Span(r["name"]),
                          html.Span(_value(r["value"]), className="v")],
                         className="sb-own" if r["code"] == own else None) for r in shown]),
    ]


def screen_parts(board: dict) -> tuple:
    """Title, sentences, streets' and communities' combined rankings."""
    return (t("scoreboard.screen.title", area=board["area"]), screen_headlines(board["sentences"]),
            screen_ranking(t("scoreboard.screen.top"), board["streets_combined"], board["own_street"]),
            screen_ranking(t("scoreboard.screen.communities", count=10), board["communities_combined"]))
