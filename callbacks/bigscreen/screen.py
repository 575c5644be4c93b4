"""Callbacks of the big screen: a cheap version check in the browser, a drawing only when the data changed.

The browser's poller (assets/bigscreen.js) asks VERSION_PATH, one request at a time, and sets the wanted
picture only when it differs from the one shown and no drawing is on its way, so a slow server delays the
picture but never cancels it; the last picture, with its data time, stays up meanwhile.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from dash import ClientsideFunction, Dash, Input, Output, State, no_update
from flask import Flask, Response, jsonify, request

from callbacks.gate import require
from data_access import aggregates, areas
from data_access.session import DataUnavailable, reading
from data_access.settings import settings
from domain.actor import Actor
from domain.clock import now, today
from domain.divisions import DISTRICT, DIVISION_CODE, STREET_CODE, Scope
from domain.permissions import READ_BIG_SCREEN
from i18n import t
from layouts import formatting
from layouts.bigscreen import ids
from layouts.bigscreen.page import DEFAULT_REFRESH, VERSION_PATH, big_kpis, big_legend, big_ranking
from layouts.charts import trend_chart
from layouts.map_figure import community_map
from layouts.metrics import NO_DATA, class_labels, legend_title, metric_classes, metric_value

METRIC, BASIS = "red_ratio", "residents"
DEFAULT_SIZE = (1920, 1080)


def screen_options(search: str | None) -> dict:
    """refresh (seconds, 1-3600), rotate (seconds, 0 = off), street: from the query string."""
    params = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}

    def seconds(name: str, default: int, low: int) -> int:
        value = params.get(name, "")
        return min(3600, max(low, int(value))) if value.isdigit() else default

    street = params.get("street") if STREET_CODE.fullmatch(params.get("street", "")) else None
    return {"refresh": seconds("refresh", DEFAULT_REFRESH, 1), "rotate": seconds("rotate", 0, 10), "street": street}


def register(app: Dash) -> None:
    app.clientside_callback(ClientsideFunction("bigscreen", "clock"), Output(ids.BIG_CLOCK, "children"),
                            Input(ids.BIG_TICK, "n_intervals"))
    app.clientside_callback(
        ClientsideFunction("bigscreen", "poll"), Output(ids.BIG_WANTED, "data"), Output(ids.BIG_UPDATING, "hidden"),
        Input(ids.BIG_TICK, "n_intervals"), State(ids.BIG_URL, "search"), State(ids.BIG_SOURCE, "data"),
        State(ids.BIG_WANTED, "data"), State(ids.BIG_SHOWN, "data"),
    )
    app.callback(Output(ids.BIG_TICK, "interval"), Input(ids.BIG_URL, "search"))(set_refresh)
    # the pages in turn (?turn=N): the map and, beside it, e.g. the scoreboard (SANSETU_BIGSCREEN_PAGES)
    app.callback(Output(ids.BIG_PAGES, "data"), Input(ids.BIG_URL, "pathname"))(turn_pages)
    app.clientside_callback(ClientsideFunction("bigscreen", "turn"), Output(ids.BIG_URL, "href"),
                            Input(ids.BIG_TICK, "n_intervals"), State(ids.BIG_URL, "search"),
                            State(ids.BIG_PAGES, "data"), prevent_initial_call=True)
    app.callback(
        Output(ids.BIG_TITLE, "children"), Output(ids.BIG_KPIS, "children"), Output(ids.BIG_MAP, "figure"),
        Output(ids.BIG_LEGEND, "children"), Output(ids.BIG_RANKING, "children"), Output(ids.BIG_TREND, "figure"),
        Output(ids.BIG_SHOWN, "data"), Output(ids.BIG_UPDATING, "hidden", allow_duplicate=True),
        Input(ids.BIG_WANTED, "data"), prevent_initial_call=True,
    )(draw_screen)


def register_routes(server: Flask) -> None:
    server.add_url_rule(VERSION_PATH, "bigscreen_version", screen_version)


def set_refresh(search: str | None) -> int:
    require(READ_BIG_SCREEN)
    return screen_options(search)["refresh"] * 1000


def turn_pages(_path) -> list[str]:
    require(READ_BIG_SCREEN)
    return list(settings().bigscreen_pages)


def screen_version() -> Response:
    """What the screen should show now: the data's version and the area (one small query)."""
    actor = require(READ_BIG_SCREEN)
    options = screen_options(request.query_string.decode())
    try:
        with reading(actor) as conn:
            streets = areas.street_codes(conn, actor.scope) if options["rotate"] else []
            version = aggregates.data_version(conn)
    except DataUnavailable:
        return Response(status=503)
    area = current_area(options, int(now().timestamp()), streets, actor.org_code)
    return jsonify({"key": f"{version}|{area}|{today()}", "area": area})


def current_area(options: dict, seconds: int, streets: list[str], org: str = DISTRICT.code) -> str:
    """The area on screen now: the user's own unless the district's user chose a street or rotation.

    seconds: the clock (rotation moves on every options["rotate"] seconds); streets: the district's street
    codes, in the order the rotation visits them.
    """
    if org != DISTRICT.code:
        return org
    if options["street"]:
        return options["street"]
    if not options["rotate"] or not streets:
        return DISTRICT.code
    return streets[(seconds // options["rotate"]) % len(streets)]


def draw_screen(wanted: dict | None):
    """The picture the poller asked for; on failure the old picture stays and the poller asks again."""
    actor = require(READ_BIG_SCREEN)
    if not isinstance(wanted, dict):
        return (no_update,) * 8
    shown = {"key": wanted.get("key"), "at": wanted.get("at"), "size": wanted.get("size"), "ok": True}
    try:
        with reading(actor) as conn:
            content = screen_content(conn, wanted_area(wanted, actor), wanted_size(wanted))
    except DataUnavailable:
        return (no_update,) * 6 + ({**shown, "ok": False}, True)
    return (*content, shown, True)


def wanted_area(wanted: dict, actor: Actor) -> str:
    area = wanted.get("area")
    return area if isinstance(area, str) and DIVISION_CODE.fullmatch(area) and actor.covers(area) else actor.org_code


def wanted_size(wanted: dict) -> tuple[int, int]:
    size = wanted.get("size")
    if isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and 200 <= v <= 10_000 for v in size):
        return size[0], size[1]
    return DEFAULT_SIZE


def screen_content(conn, area: str, size: tuple[int, int]) -> tuple:
    """Title, KPI tiles, map, legend, ranking, trend for the area, laid out for a screen of size (width, height)."""
    width, height = size
    scale = max(0.6, min(3.0, height / 1080))
    scope = Scope(area)
    rows = aggregates.community_map_rows(conn, scope)
    streets = areas.street_outlines(conn, scope)
    totals = aggregates.area_totals(conn, scope)
    name = areas.area_name(conn, scope)
    trend = aggregates.colour_trend(conn, scope, today())
    newest = aggregates.data_time(conn)
    values = {r["code"]: metric_value(r, METRIC, BASIS) for r in rows}
    classes = metric_classes(METRIC, settings().class_breaks[METRIC])
    figure = community_map(rows, streets, values, classes, list(values), dark=True,
                           size=(int(width * 0.6), int(height * 0.78)), fixed_labels=True)
    ranked = [{"name": r["name"], "red_ratio": values[r["code"]]} for r in rows]
    when = t("map.data_time", time=formatting.beijing_time(newest)) if newest else t("map.no_data_time")
    entries = list(zip(classes.colours, class_labels(classes), strict=True))
    if any(v is None for v in values.values()):
        entries.append((NO_DATA, t("legend.no_data")))
    legend = big_legend(legend_title(METRIC), entries, when)
    return (t("big.title", area=name), big_kpis(totals), figure, legend, big_ranking(ranked),
            trend_chart(trend, t("big.trend"), dark=True, scale=scale))
