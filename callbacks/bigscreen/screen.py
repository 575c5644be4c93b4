"""Callbacks of the big screen: refresh on a timer, re-query only when the data changed, rotate streets."""

from __future__ import annotations

from urllib.parse import parse_qs

from dash import Dash, Input, Output, State, no_update

from callbacks.gate import require
from data_access import aggregates, areas
from data_access.session import DataUnavailable, reading
from domain.clock import now, today
from domain.divisions import DISTRICT, STREET_CODE, Scope
from domain.permissions import READ_BIG_SCREEN
from i18n import t
from layouts.bigscreen import ids
from layouts.bigscreen.page import DEFAULT_REFRESH, big_kpis, big_ranking
from layouts.charts import trend_chart
from layouts.map_figure import community_map
from layouts.metrics import METRICS, classify, metric_value


def screen_options(search: str | None) -> dict:
    """refresh (seconds, 5-3600), rotate (seconds, 0 = off), street: from the query string."""
    params = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}

    def seconds(name: str, default: int, low: int) -> int:
        value = params.get(name, "")
        return min(3600, max(low, int(value))) if value.isdigit() else default

    street = params.get("street") if STREET_CODE.fullmatch(params.get("street", "")) else None
    return {"refresh": seconds("refresh", DEFAULT_REFRESH, 1), "rotate": seconds("rotate", 0, 10), "street": street}


def register(app: Dash) -> None:
    # The screen's size in the browser: the map is fitted and the type scaled to it.
    app.clientside_callback(
        "function(path) { return [window.innerWidth, window.innerHeight]; }",
        Output(ids.BIG_SIZE, "data"), Input(ids.BIG_URL, "pathname"),
    )
    app.callback(Output(ids.BIG_TICK, "interval"), Input(ids.BIG_URL, "search"))(set_refresh)
    app.callback(
        Output(ids.BIG_TITLE, "children"), Output(ids.BIG_KPIS, "children"), Output(ids.BIG_MAP, "figure"),
        Output(ids.BIG_RANKING, "children"), Output(ids.BIG_TREND, "figure"), Output(ids.BIG_VERSION, "data"),
        Output(ids.BIG_CLOCK, "children"),
        Input(ids.BIG_TICK, "n_intervals"), Input(ids.BIG_URL, "search"), Input(ids.BIG_SIZE, "data"),
        State(ids.BIG_VERSION, "data"),
    )(refresh_screen)


def set_refresh(search: str | None) -> int:
    require(READ_BIG_SCREEN)
    return screen_options(search)["refresh"] * 1000


def refresh_screen(ticks: int | None, search: str | None, size: list | None, shown: dict | None):
    if not size:
        return (no_update,) * 7
    actor = require(READ_BIG_SCREEN)
    options = screen_options(search)
    clock = now().strftime("%Y-%m-%d %H:%M")
    try:
        with reading(actor) as conn:
            streets = areas.street_codes(conn, actor.scope) if options["rotate"] else []
            area = current_area(options, ticks or 0, streets, actor.org_code)
            version = {"data": aggregates.data_version(conn), "area": area, "size": size}
            if shown == version:  # nothing changed: keep the screen, move only the clock
                return no_update, no_update, no_update, no_update, no_update, no_update, clock
            return (*screen_content(conn, area, size), version, clock)
    except DataUnavailable:
        return no_update, no_update, no_update, no_update, no_update, no_update, t("map.error")


def current_area(options: dict, ticks: int, streets: list[str], org: str = DISTRICT.code) -> str:
    """The area on screen now: the user's own unless the district's user chose a street or rotation.

    streets: the district's street codes, in the order the rotation visits them.
    """
    if org != DISTRICT.code:
        return org
    if options["street"]:
        return options["street"]
    if not options["rotate"] or not streets:
        return DISTRICT.code
    elapsed = ticks * options["refresh"]
    return streets[(elapsed // options["rotate"]) % len(streets)]


def screen_content(conn, area: str, size: list) -> tuple:
    """Title, KPI tiles, map, ranking, trend for the area, laid out for a screen of size (width, height)."""
    width, height = int(size[0]), int(size[1])
    scale = max(0.6, min(3.0, height / 1080))
    scope = Scope(area)
    rows = aggregates.community_map_rows(conn, scope)
    streets = areas.street_outlines(conn, scope)
    totals = aggregates.area_totals(conn, scope)
    name = areas.area_name(conn, scope)
    trend = aggregates.colour_trend(conn, scope, today())
    values = {r["code"]: metric_value(r, "red_ratio", "residents") for r in rows}
    classes = classify(list(values.values()), METRICS["red_ratio"].colours)
    figure = community_map(rows, streets, values, classes, list(values), dark=True,
                           size=(int(width * 0.6), int(height * 0.78)))
    ranked = [{"name": r["name"], "red_ratio": values[r["code"]]} for r in rows]
    return (t("big.title", area=name), big_kpis(totals), figure, big_ranking(ranked),
            trend_chart(trend, t("big.trend"), dark=True, scale=scale))
