"""Callbacks of the scoreboard's big-screen page: the big screen's poller (assets/bigscreen.js) asks the
figures' digest and the server draws only when it changed; the pages take turns with ?turn=N."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, no_update
from flask import Flask, Response, jsonify

from callbacks.gate import require
from data_access.scoreboard_views.board import board_for
from data_access.session import DataUnavailable
from data_access.settings import settings
from domain.clock import today
from domain.permissions import READ_SCOREBOARD
from layouts.scoreboard_screen import ids
from layouts.scoreboard_screen.page import SCREEN_VERSION_PATH, screen_parts


def register(app: Dash) -> None:
    app.clientside_callback(ClientsideFunction("bigscreen", "clock"), Output(ids.SBS_CLOCK, "children"),
                            Input(ids.SBS_TICK, "n_intervals"))
    app.clientside_callback(
        ClientsideFunction("bigscreen", "poll"), Output(ids.SBS_WANTED, "data"), Output(ids.SBS_UPDATING, "hidden"),
        Input(ids.SBS_TICK, "n_intervals"), State(ids.SBS_URL, "search"), State(ids.SBS_SOURCE, "data"),
        State(ids.SBS_WANTED, "data"), State(ids.SBS_SHOWN, "data"))
    app.clientside_callback(ClientsideFunction("bigscreen", "turn"), Output(ids.SBS_URL, "href"),
                            Input(ids.SBS_TICK, "n_intervals"), State(ids.SBS_URL, "search"),
                            State(ids.SBS_PAGES, "data"), prevent_initial_call=True)
    app.callback(Output(ids.SBS_PAGES, "data"), Input(ids.SBS_URL, "pathname"))(turn_pages)
    app.callback(Output(ids.SBS_TITLE, "children"), Output(ids.SBS_HEADLINES, "children"),
                 Output(ids.SBS_STREETS, "children"), Output(ids.SBS_COMMUNITIES, "children"),
                 Output(ids.SBS_SHOWN, "data"), Output(ids.SBS_UPDATING, "hidden", allow_duplicate=True),
                 Input(ids.SBS_WANTED, "data"), prevent_initial_call=True)(draw_screen)


def register_routes(server: Flask) -> None:
    server.add_url_rule(SCREEN_VERSION_PATH, "scoreboard_screen_version", screen_version)


def turn_pages(_path) -> list[str]:
    require(READ_SCOREBOARD)
    return list(settings().bigscreen_pages)


def screen_version() -> Response:
    """The figures' digest (changes only when a figure does; the board is at most 30 s old) and the area."""
    actor = require(READ_SCOREBOARD)
    try:
        version = board_for(actor, settings().scoreboard_weights)["digest"]
    except DataUnavailable:
        return Response(status=503)
    return jsonify({"key": f"{version}|{actor.org_code}|{today()}", "area": actor.org_code})


def draw_screen(wanted: dict | None):
    actor = require(READ_SCOREBOARD)
    if not isinstance(wanted, dict):
        return (no_update,) * 6
    shown = {"key": wanted.get("key"), "at": wanted.get("at"), "size": wanted.get("size"), "ok": True}
    try:
        content = board_for(actor, settings().scoreboard_weights)
    except DataUnavailable:
        return (no_update,) * 4 + ({**shown, "ok": False}, True)
    return (*screen_parts(content), shown, True)
