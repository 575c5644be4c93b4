"""Callbacks of the migrants page: thin glue over data_access.migrants and the page's builders; the export of a
community's rental-house register (XLSX, audited)."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update
from flask import Flask, Response

from callbacks import answers
from callbacks.door import export_door
from callbacks.downloads import attachment
from callbacks.gate import ensure, require
from callbacks.map_fit import fit_to_box
from data_access import areas
from data_access.exporters import Column, write_xlsx
from data_access.migrants import maps, oversight, review
from data_access.session import DataUnavailable, reading, writing
from domain import clock
from domain.actor import Actor
from domain.divisions import Scope, is_community_code
from domain.migrants import DENSITY_WEIGHTS
from domain.permissions import EXPORT_MIGRANTS, OVERSEE_MIGRANTS, READ_MIGRANTS, REVIEW_MIGRANTS
from i18n import t
from layouts.formatting import beijing_time
from layouts.map_figure import empty_figure
from layouts.migrants import ids
from layouts.migrants import maps as map_builders
from layouts.migrants import page as builders

EXPORT_PATH = "/export/migrants/houses.xlsx"
REGISTER_COLUMNS = ("house_code", "address", "rooms", "capacity", "lat", "lon", "landlord", "landlord_id",
                    "landlord_phone", "tenants", "names")


def register(app: Dash) -> None:
    app.callback(Output(ids.MG_REVIEW_BAR, "style"), Output(ids.MG_TAB_OVERSIGHT, "style"),
                 Output(ids.MG_REVOKE, "style"), Input(ids.MG_TABS, "id"))(show_allowed)
    app.callback(Output(ids.MG_PEOPLE, "rowData"), Input(ids.MG_TABS, "value"), Input(ids.MG_PEOPLE_HOUSE, "value"),
                 Input(ids.MG_PEOPLE_MESSAGE, "children"))(show_people)
    app.callback(Output(ids.MG_PEOPLE_MESSAGE, "children"), Input(ids.MG_REVOKE, "n_clicks"),
                 State(ids.MG_PEOPLE, "selectedRows"), prevent_initial_call=True)(revoke_selected)
    app.callback(Output(ids.MG_QUEUE, "rowData"), Output(ids.MG_QUEUE_NOTE, "children"), Input(ids.MG_TABS, "value"),
                 Input(ids.MG_REFRESH, "n_clicks"), Input(ids.MG_MESSAGE, "children"))(show_queue)
    app.callback(Output(ids.MG_MESSAGE, "children"), Input(ids.MG_ACCEPT, "n_clicks"),
                 Input(ids.MG_CORRECT, "n_clicks"), Input(ids.MG_REJECT, "n_clicks"),
                 State(ids.MG_QUEUE, "selectedRows"), State(ids.MG_FIELD, "value"), State(ids.MG_VALUE, "value"),
                 State(ids.MG_REASON, "value"), prevent_initial_call=True)(review_selected)
    app.callback(Output(ids.MG_ROLLOUT, "figure"), Output(ids.MG_STREETS, "rowData"),
                 Output(ids.MG_COMMUNITIES, "rowData"), Output(ids.MG_EXPORT_COMMUNITY, "options"),
                 Output(ids.MG_MAP_COMMUNITY, "options"), Input(ids.MG_TABS, "value"))(show_oversight)
    app.callback(Output(ids.MG_MAP_DRAWN, "data"), Output(ids.MG_LEGEND, "children"),
                 Output(ids.MG_MAP_MESSAGE, "children"), Input(ids.MG_TABS, "value"),
                 Input(ids.MG_MAP_COMMUNITY, "value"), Input(ids.MG_MAP_WEIGHT, "value"))(show_map)
    fit_to_box(app, ids.MG_MAP_DRAWN, ids.MG_MAP)
    app.callback(Output(ids.MG_MAP_COMMUNITY, "value"), Input(ids.MG_MAP, "clickData"),
                 prevent_initial_call=True)(open_clicked)
    app.callback(Output(ids.MG_EXPORT, "href"), Input(ids.MG_EXPORT_COMMUNITY, "value"))(export_link)


def routes(server: Flask) -> None:
    server.add_url_rule(EXPORT_PATH, "export_migrant_houses", export_houses)


def show_allowed(_page):
    actor = require(READ_MIGRANTS)
    return builders.visible_parts(actor.may(REVIEW_MIGRANTS), actor.may(OVERSEE_MIGRANTS))


def show_queue(_tab, _refresh, _message):
    actor = require(READ_MIGRANTS)
    with reading(actor) as conn:
        waiting = review.waiting_count(conn, actor.scope)
    rows = queue_rows(actor)
    shown = len(rows)
    return rows, (t("migrants.review.oldest_shown", shown=shown, total=waiting) if waiting > shown
                  else t("migrants.review.all_shown", total=waiting))


def queue_rows(actor: Actor) -> list[dict]:
    ensure(actor, READ_MIGRANTS)
    with reading(actor) as conn:
        return builders.queue_rows(review.queue(conn, actor.scope), beijing_time)


def show_people(tab, house_code, _message):
    if tab != "people":
        return no_update
    actor = require(READ_MIGRANTS)
    with reading(actor) as conn:
        return builders.people_rows(review.migrants(conn, actor.scope, house_code), beijing_time)


def revoke_selected(_clicks, selected):
    actor = require(READ_MIGRANTS)
    migrant = (selected or [{}])[0].get("id")
    if not migrant:
        return t("migrants.review.choose")
    return revoke(ensure(actor, REVIEW_MIGRANTS), int(migrant))


def revoke(actor: Actor, migrant: int) -> str:
    """Revoke a migrant's code (lost phone, a copy seen) and issue a new one, audited."""
    ensure(actor, REVIEW_MIGRANTS)
    try:
        with writing(actor) as work:
            review.revoke_qr(work, migrant)
    except review.ReviewError as exc:
        return t(str(exc))
    except DataUnavailable:
        return t("migrants.error.review")
    return t("migrants.people.revoked")


def review_selected(_accept, _correct, _reject, selected, field, value, reason):
    actor = require(READ_MIGRANTS)
    declaration = (selected or [{}])[0].get("id")
    if not declaration:
        return t("migrants.review.choose")
    step = {ids.MG_ACCEPT: "accept", ids.MG_CORRECT: "correct", ids.MG_REJECT: "reject"}[ctx.triggered_id]
    corrections = {field: (value or "").strip()} if step == "correct" and field else None
    return decide(ensure(actor, REVIEW_MIGRANTS), int(declaration), step, corrections, reason)


def decide(actor: Actor, declaration: int, step: str, corrections: dict | None = None,
           reason: str | None = None) -> str:
    """One review, in the reviewer's transaction (PostgreSQL checks the area): the message to show."""
    ensure(actor, REVIEW_MIGRANTS)
    try:
        with writing(actor) as work:
            if step == "reject":
                review.reject(work, declaration, reason)
                state = "rejected"
            else:
                review.accept(work, declaration, corrections if step == "correct" else None, clock.today())
                state = "corrected" if step == "correct" and corrections else "accepted"
    except review.ReviewError as exc:
        return t(str(exc))
    except DataUnavailable:
        return t("migrants.error.review")
    return t("migrants.review.done", state=t("migrants.state." + state))


def show_oversight(tab):
    if tab != "oversight":
        return (no_update,) * 5
    return oversight_view(require(READ_MIGRANTS))


def oversight_view(actor: Actor) -> tuple:
    ensure(actor, OVERSEE_MIGRANTS)
    with reading(actor) as conn:
        rows = oversight.communities(conn, actor.scope)
        weeks = oversight.rollout(conn, actor.scope)
    options = [{"label": f"{r['street']} {r['name']}", "value": r["community_code"]} for r in rows]
    return builders.rollout_chart(weeks), oversight.streets(rows), rows, options, options


def show_map(tab, community, weight):
    if tab != "oversight":
        return (no_update,) * 3
    return cached_map(require(READ_MIGRANTS), community, weight)


def cached_map(actor: Actor, community: str | None, weight: str | None) -> tuple:
    """map_view's answer, kept in the shared cache per area, role, question and migrants' data version (the
    density of the district's cells and a community's houses are not counted again until a house changes)."""
    ensure(actor, OVERSEE_MIGRANTS)
    weight = weight if weight in DENSITY_WEIGHTS else DENSITY_WEIGHTS[0]
    community = community if community and is_community_code(community) else None
    return answers.read_cached(actor, ("migrants.map", community, weight),
                               lambda conn, _version: map_outputs(conn, actor, community, weight),
                               version_of=maps.data_version)


def map_view(actor: Actor, community: str | None, weight: str | None) -> tuple:
    """The area's density layer, or one community's rental houses, drawn afresh (see map_outputs)."""
    ensure(actor, OVERSEE_MIGRANTS)
    with reading(actor) as conn:
        return map_outputs(conn, actor, community, weight)


def map_outputs(conn, actor: Actor, community: str | None, weight: str | None) -> tuple:
    """The area's density layer, or one community's rental houses (only a community of the user's area: another
    shows the area's density and says so)."""
    weight = weight if weight in DENSITY_WEIGHTS else DENSITY_WEIGHTS[0]
    asked = community if community and is_community_code(community) else None
    chosen = asked if asked and actor.covers(asked) else None
    areas_ = oversight.map_areas(conn, actor.scope)
    counts = {r["community_code"]: r for r in oversight.communities(conn, actor.scope)}
    outlines = areas.street_outlines(conn, actor.scope)
    houses = maps.community_houses(conn, actor.scope, chosen) if chosen else None
    cells = maps.density_cells(conn, actor.scope) if not chosen else None
    message = t("migrants.map.outside") if asked and not chosen else ""
    if not areas_:
        return empty_figure(), [], message
    if chosen:
        name = next((r["name"] for r in areas_ if r["code"] == chosen), chosen)
        return (map_builders.houses_figure(areas_, outlines, counts, chosen, houses),
                map_builders.houses_legend(name, houses), message)
    return (map_builders.density_figure(areas_, outlines, counts, cells, weight),
            map_builders.density_legend(weight), message)


def open_clicked(click):
    """A click on a community opens its rental houses (a click on a house point changes nothing)."""
    require(READ_MIGRANTS)
    point = ((click or {}).get("points") or [{}])[0]
    code = point.get("location")
    return code if isinstance(code, str) and is_community_code(code) else no_update


def export_link(community):
    require(READ_MIGRANTS)
    return f"{EXPORT_PATH}?community={community}" if community and is_community_code(community) else ""


@export_door(EXPORT_MIGRANTS, param="community", community=True, bad="migrants.export.bad_community")
def export_houses(actor: Actor, scope: Scope) -> Response:
    """A community's rental-house register for the police: XLSX, audited; only a community of the user's area."""
    community = scope.code
    columns = [Column(f, t("migrants.export." + f), 16, code=f == "house_code") for f in REGISTER_COLUMNS]
    with reading(actor) as conn:
        name = oversight.community_name(conn, community) or community
        rows = oversight.house_register(conn, community)
    body, count = write_xlsx(rows, columns, t("migrants.export.sheet"),
                             [(t("export.area"), name), (t("export.export_time"), beijing_time(clock.now()))])
    with writing(actor) as work:
        work.audit("export", community, {"file": "xlsx", "list": "migrant_houses", "rows": count})
    return attachment(body, t("migrants.export.file", community=name), "xlsx")
