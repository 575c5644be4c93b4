"""Callbacks of the map page: the URL is the state; every view is drawn from it."""

from __future__ import annotations

import hashlib

import orjson
from dash import Dash, Input, Output, State, no_update

from callbacks import answers
from callbacks.gate import clamp_view, require
from callbacks.map_fit import fit_to_box
from data_access import aggregates, areas
from data_access.colour_map import queries
from data_access.session import DataUnavailable, reading
from data_access.settings import settings
from domain.actor import Actor
from domain.divisions import DISTRICT, Scope
from domain.permissions import READ_MAP, READ_PEOPLE, REVEAL_PERSON
from i18n import t
from layouts import formatting
from layouts.colour_map import ids, panels
from layouts.colour_map.kpi import kpi_tiles
from layouts.ids import URL
from layouts.map_figure import community_map, empty_figure
from layouts.metrics import metric_classes, metric_value
from layouts.view import View, drill, parse_view, view_search

LISTED = 200  # enterprises listed beside a community's map; the table below holds them all


def register(app: Dash) -> None:
    app.callback(
        Output(ids.BREADCRUMB, "children"), Output(ids.CHOICES, "children"), Output(ids.MAP_DRAWN, "data"),
        Output(ids.LEGEND, "children"), Output(ids.SIDE, "children"), Output(ids.KPIS, "children"),
        Output(ids.DATA_TIME, "children"), Output(ids.MESSAGE, "children"), Output(ids.LIVE_SEEN, "data"),
        Output(ids.OUTPUT_DIGESTS, "data"), Input(URL, "search"), Input(ids.LIVE_VERSION, "data"),
        State(ids.OUTPUT_DIGESTS, "data"),
    )(show_view)
    fit_to_box(app, ids.MAP_DRAWN, ids.MAP)
    app.callback(Output(ids.LIVE_VERSION, "data"), Input(ids.LIVE_TICK, "n_intervals"),
                 State(ids.LIVE_SEEN, "data"), prevent_initial_call=True)(watch_data)
    # In the browser: a click on the map asks the server only for the view it leads to, not first for the URL.
    app.clientside_callback(DRILL_JS, Output(URL, "search"), Input(ids.MAP, "clickData"), State(URL, "search"),
                            prevent_initial_call=True)


def show_view(search: str | None, version: str | None, drawn: list | None = None):
    """The view the URL names, drawn again whenever the data changes (live colour updates); only the
    outputs that differ from what the page shows (drawn: their digests) are sent."""
    actor = require(READ_MAP)
    view, dropped = parse_view(search)
    view, refused = clamp_view(view, actor, actor.may(READ_PEOPLE))
    return only_changed(cached_view_outputs(view, dropped, actor, refused, version), drawn)


def only_changed(outputs: tuple, drawn: list | None) -> tuple:
    """The outputs, with no_update for each one the page already shows, and the digests of what it will show.

    Each output left out is a part of the page Dash's renderer does not mount again (its pass over the page
    for every component mounted was most of a click's time in the browser): a new metric leaves the tiles,
    the data time and the message as they are."""
    shown = drawn if isinstance(drawn, list) and len(drawn) == len(outputs) else [None] * len(outputs)
    digests = [s if o is no_update else _digest(o) for o, s in zip(outputs, shown, strict=True)]
    return (*[no_update if d is not None and d == s else o for o, d, s in zip(outputs, digests, shown, strict=True)],
            digests)


def _digest(output) -> str:
    raw = orjson.dumps(output) if isinstance(output, orjson.Fragment) else answers.encoded(output)
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def watch_data(_ticks: int, seen: str | None):
    """Each second, one small query: a new data version redraws the view (the map, the tiles, the panel)."""
    actor = require(READ_MAP)
    try:
        with reading(actor) as conn:
            version = aggregates.data_version(conn)
    except DataUnavailable:
        return no_update
    answers.remember_version(actor, version)
    return no_update if seen is None or version == seen else version


# drill_from_map as the browser runs it (the same cases give the same URL: tests/test_map_latency.py).
DRILL_JS = """(click, search) => {
  const noUpdate = window.dash_clientside.no_update;
  const point = ((click || {}).points || [{}])[0] || {};
  const data = point.customdata || [];
  let code, community = null;
  if (typeof point.location === 'string') { code = point.location; }
  else if (data.length > 5) { code = String(data[4]); community = String(data[5]); }
  else { return noUpdate; }
  const params = new URLSearchParams((search || '').replace(/^\\?/, ''));
  const view = {street: params.get('street'), community: params.get('community'), enterprise: params.get('enterprise')};
  if (view.community && !view.street) { view.street = view.community.slice(0, 9) + '000'; }
  if (!view.community) { view.enterprise = null; }
  const target = Object.assign({}, view);
  if (/^[0-9A-HJ-NP-RTUWXY]{18}$/.test(code) && community) {
    Object.assign(target, {street: community.slice(0, 9) + '000', community: community, enterprise: code});
  } else if (!/^[0-9]{12}$/.test(code)) {
    return noUpdate;
  } else if (!view.street && !view.community) {
    Object.assign(target, {street: code.slice(0, 9) + '000', community: null, enterprise: null});
  } else {
    Object.assign(target, {street: code.slice(0, 9) + '000', community: code, enterprise: null});
  }
  if (target.street === view.street && target.community === view.community && target.enterprise === view.enterprise) {
    return noUpdate;
  }
  const out = new URLSearchParams();
  for (const name of ['street', 'community', 'enterprise']) { if (target[name]) out.append(name, target[name]); }
  for (const name of ['metric', 'basis', 'points', 'day']) { if (params.get(name)) out.append(name, params.get(name)); }
  return '?' + out.toString();
}"""


def drill_from_map(click: dict | None, search: str | None):
    """Where a click on the map leads (the server's own statement of DRILL_JS, which the page runs)."""
    require(READ_MAP)
    point = ((click or {}).get("points") or [{}])[0]
    data = point.get("customdata") or []
    if isinstance(point.get("location"), str):  # a community polygon
        code, community = point["location"], None
    elif len(data) > 5:  # an enterprise point: [name, status, staff, red, credit code, community]
        code, community = str(data[4]), str(data[5])
    else:
        return no_update
    view, _ = parse_view(search)
    target = drill(view, code, community)
    return no_update if target == view else view_search(target) or "?"


def cached_view_outputs(view: View, dropped: list[str], actor: Actor, refused: bool = False,
                        known: str | None = None) -> tuple:
    """view_outputs, answered once per (area, role, view, data version) for every process of the server;
    known: the newest data version the page has seen."""
    try:
        return answers.read_cached(actor, ("map.view", view, tuple(dropped), refused), lambda conn, version: draw_view(
            view, dropped, actor, refused, fetch_view(conn, view, actor, version)), known)
    except DataUnavailable:
        return unavailable()


def view_outputs(view: View, dropped: list[str], actor: Actor, refused: bool = False) -> tuple:
    """Everything the map page shows for a view, or an empty page and a message why not."""
    try:
        with reading(actor) as conn:
            data = fetch_view(conn, view, actor)
    except DataUnavailable:
        return unavailable()
    return draw_view(view, dropped, actor, refused, data)


def unavailable() -> tuple:
    return [], [], empty_figure(), [], [], [], "", t("map.error"), no_update


def draw_view(view: View, dropped: list[str], actor: Actor, refused: bool, data: dict) -> tuple:
    messages = [t("map.bad_url", names="、".join(dropped))] if dropped else []
    if refused:
        messages.append(t("auth.out_of_scope"))
    if not data["rows"]:
        return [], [], empty_figure(), [], [], [], "", t("map.empty"), data["version"]
    if view.enterprise and data["detail"] is None:
        messages.append(t("map.not_found", code=view.enterprise))
    if view.day and view.enterprise:  # the history records colours, not who they were
        messages.append(t("history.enterprise_now"))
    values = {r["code"]: metric_value(r, view.metric, view.basis) for r in data["rows"]}
    classes = metric_classes(view.metric, settings().class_breaks[view.metric])
    focus = [view.community] if view.community else list(values)
    figure = community_map(data["rows"], data["streets"], values, classes, focus, data["points"], view.enterprise,
                           metric=view.metric)
    names = {r["code"]: r["name"] for r in data["rows"]} | {r["code"]: r["name"] for r in data["streets"]}
    if data["detail"]:
        names[view.enterprise] = data["detail"]["name"]
    legend = panels.legend(classes, view.metric, any(v is None for v in values.values()), bool(data["points"]))
    return (panels.breadcrumb(view, names), panels.choices(view), figure, legend,
            side_panel(view, data, values, names, actor), kpi_tiles(data["totals"]), _data_time(view, data["time"]),
            "；".join(messages), data["version"])


def side_panel(view: View, data: dict, values: dict, names: dict, actor: Actor) -> list:
    """The enterprise opened; else the community's enterprises, or the areas ranked, under the managed kinds."""
    if data["detail"]:
        return panels.enterprise_panel(data["detail"], data["staff"], view, actor.may(REVEAL_PERSON))
    managed = panels.managed_kinds(data["totals"], view)
    if view.community:
        listed, total = data["listed"]
        return [managed, *panels.enterprise_list(listed, total, view, names.get(view.community, ""))]
    title = t("side.ranking", area=names.get(view.street, t("crumb.district")), metric=t(f"metric.{view.metric}"))
    return [managed, *panels.ranking(data["rows"], values, view, title, "community")]


def _data_time(view: View, time) -> str:
    if view.day:  # a past day: its figures at the day's end
        return t("map.as_of", day=view.day.isoformat())
    return t("map.data_time", time=formatting.beijing_time(time)) if time else t("map.no_data_time")


def fetch_view(conn, view: View, actor: Actor, version: str | None = None) -> dict:
    """Everything a view needs, read in the caller's read-only transaction within the user's area."""
    shown = Scope(view.street) if view.street else DISTRICT
    area = Scope(view.area)
    rows = aggregates.community_map_rows(conn, shown, view.day)
    data = {
        "rows": rows,
        "streets": areas.street_outlines(conn, shown),
        "totals": (aggregates.totals_of(rows, area) if area.prefix.startswith(shown.prefix)
                   else aggregates.area_totals(conn, area, view.day)),
        "time": aggregates.data_time(conn),
        "version": version or aggregates.data_version(conn),
        "points": None, "detail": None, "staff": None, "listed": ([], 0),
    }
    if view.community or view.points:
        data["points"] = queries.enterprise_points(conn, area, view.day)
    if view.community and not view.enterprise:
        data["listed"] = queries.community_enterprises(conn, area, LISTED)
    if view.enterprise:
        data["detail"] = queries.enterprise_detail(conn, area, view.enterprise)
        if data["detail"] and actor.may(READ_PEOPLE):
            data["staff"] = queries.non_green_employees(conn, area, view.enterprise)
    return data
