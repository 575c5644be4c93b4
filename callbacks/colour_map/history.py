"""Callbacks of the map's look back in time: the day picked goes into the URL (the view shows that day's
figures); play steps a day at a time, each once the day before is drawn, up to now."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.gate import require
from data_access.colour_map.history import history_first_day
from data_access.session import DataUnavailable, reading
from domain.actor import Actor
from domain.clock import next_day, today
from domain.permissions import READ_MAP
from layouts.colour_map import ids
from layouts.colour_map.history import play_label
from layouts.ids import URL
from layouts.view import View, parse_view, view_search


def register(app: Dash) -> None:
    app.callback(
        Output(URL, "search", allow_duplicate=True), Output(ids.HISTORY_DAY, "date"),
        Output(ids.HISTORY_DAY, "min_date_allowed"), Output(ids.HISTORY_DAY, "max_date_allowed"),
        Output(ids.HISTORY_TICK, "disabled"), Output(ids.HISTORY_PLAY, "children"),
        Input(ids.HISTORY_DAY, "date"), Input(ids.HISTORY_PLAY, "n_clicks"), Input(ids.HISTORY_TICK, "n_intervals"),
        State(URL, "search"), State(ids.HISTORY_TICK, "disabled"), State(ids.DATA_TIME, "children"),
        prevent_initial_call="initial_duplicate",
    )(travel)
    # The picker follows the URL in the browser: a drill (the day unchanged) asks the server nothing.
    app.clientside_callback(FOLLOW_URL, Output(ids.HISTORY_DAY, "date", allow_duplicate=True), Input(URL, "search"),
                            State(ids.HISTORY_DAY, "date"), prevent_initial_call=True)


FOLLOW_URL = """(search, shown) => {
  const day = new URLSearchParams(search || '').get('day') || '';
  const wanted = /^\\d{4}-\\d{2}-\\d{2}$/.test(day) ? day : null;
  return wanted === (shown ? shown.slice(0, 10) : null) ? window.dash_clientside.no_update : wanted;
}"""


def travel(picked, _play, _tick, search, stopped, shown):
    actor = require(READ_MAP)
    view = parse_view(search)[0]
    trigger = ctx.triggered_id
    if trigger == ids.HISTORY_DAY:
        return _go(view, _picked_day(picked), no_update)
    if trigger == ids.HISTORY_PLAY:
        if not stopped:
            return no_update, no_update, no_update, no_update, True, play_label(False)
        start = view.day or next_day(None, _first_day(actor), today())
        return _go(view, start, start is not None)
    if trigger == ids.HISTORY_TICK:
        if stopped or (view.day and view.day.isoformat() not in (shown or "")):
            return (no_update,) * 6  # not playing, or the day before not drawn yet
        following = next_day(view.day, None, today()) if view.day else None
        return _go(view, following, following is not None)
    first = _first_day(actor)  # the page opened: the picker shows the URL's day and the days there are
    return (no_update, view.day.isoformat() if view.day else None, first.isoformat() if first else None,
            today().isoformat(), no_update, no_update)


def _go(view: View, day: date | None, playing) -> tuple:
    """The URL of the view on that day (None: now), the picker showing it, playback on or off (or unchanged)."""
    label = no_update if playing is no_update else play_label(playing)
    return (view_search(replace(view, day=day)) or "?", day.isoformat() if day else None, no_update, no_update,
            no_update if playing is no_update else not playing, label)


def _picked_day(picked: str | None) -> date | None:
    """The picker's day, if it is a day of the past (today, the future or nothing: now)."""
    try:
        day = date.fromisoformat((picked or "")[:10])
    except ValueError:
        return None
    return day if day < today() else None


def _first_day(actor: Actor) -> date | None:
    try:
        with reading(actor) as conn:
            return history_first_day(conn)
    except DataUnavailable:
        return None
