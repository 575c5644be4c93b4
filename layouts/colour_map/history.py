"""The map's look back in time: a day of the history (the URL's `day`) and a play button that steps through
the days up to now. Takes no data: the callbacks set the day and the days allowed."""

from __future__ import annotations

from dash import dcc, html

from i18n import t
from layouts.colour_map import ids

STEP_SECONDS = 1.5  # how often play asks for the next day (it waits until the day before is drawn)


def history_controls() -> html.Div:
    return html.Div(className="history", children=[
        html.Span(t("history.label"), className="control-label"),
        dcc.DatePickerSingle(id=ids.HISTORY_DAY, display_format="YYYY-MM-DD", clearable=True, className="history-day",
                             placeholder=t("history.now"), first_day_of_week=1, month_format="YYYY年M月"),
        html.Button(t("history.play"), id=ids.HISTORY_PLAY, n_clicks=0, className="history-play"),
        dcc.Interval(id=ids.HISTORY_TICK, interval=int(STEP_SECONDS * 1000), disabled=True),
    ])


def play_label(playing: bool) -> str:
    return t("history.pause") if playing else t("history.play")
