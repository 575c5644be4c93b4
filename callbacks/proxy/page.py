"""Callbacks of the proxy page: the agent's list and the contact form, the area's list and assignments,
coverage. Thin: the work is in callbacks.proxy.work, data_access.proxy and layouts.proxy.views."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.gate import ensure, require
from callbacks.map_fit import fit_to_box
from callbacks.proxy import work
from data_access import aggregates, areas
from data_access.proxy import coverage
from data_access.proxy import work as lists
from data_access.session import reading
from domain.actor import Actor
from domain.permissions import ASSIGN_PROXY, READ_PROXY, WORK_PROXY
from i18n import t
from layouts.map_figure import empty_figure
from layouts.proxy import ids, views


def register(app: Dash) -> None:
    app.callback(Output(ids.WORK_GRID, "rowData"), Input(ids.WORK_REFRESH, "n_clicks"),
                 Input(ids.WORK_VERSION, "data"))(show_my_list)
    app.callback(Output(ids.WORK_PERSON, "data"), Output(ids.WORK_CHOSEN, "children"),
                 Input(ids.WORK_GRID, "selectedRows"))(choose_person)
    app.callback(Output(ids.WORK_MESSAGE, "children"), Output(ids.WORK_VERSION, "data"),
                 Input(ids.WORK_SAVE, "n_clicks"), Input(ids.WORK_BIND, "n_clicks"),
                 State(ids.WORK_PERSON, "data"), State(ids.WORK_CHANNEL, "value"), State(ids.WORK_OUTCOME, "value"),
                 State(ids.WORK_NOTE, "value"), State(ids.WORK_CARD, "value"), State(ids.WORK_VERSION, "data"),
                 prevent_initial_call=True)(act_on_person)
    app.callback(Output(ids.LIST_KPIS, "children"), Output(ids.LIST_GRID, "rowData"),
                 Output(ids.AGENTS_GRID, "rowData"), Output(ids.LIST_AGENT, "options"),
                 Input(ids.TABS, "value"), Input(ids.LIST_MESSAGE, "children"))(show_area_list)
    app.callback(Output(ids.LIST_MESSAGE, "children"), Input(ids.LIST_ASSIGN, "n_clicks"),
                 State(ids.LIST_GRID, "selectedRows"), State(ids.LIST_AGENT, "value"),
                 prevent_initial_call=True)(assign_people)
    app.callback(Output(ids.COVERAGE_KPIS, "children"), Output(ids.COVERAGE_MAP_DRAWN, "data"),
                 Output(ids.COVERAGE_LEGEND, "children"), Output(ids.COVERAGE_PROGRESS, "figure"),
                 Output(ids.COVERAGE_STREETS, "rowData"), Output(ids.COVERAGE_COMMUNITIES, "rowData"),
                 Output(ids.COVERAGE_AGENTS, "rowData"), Input(ids.TABS, "value"),
                 Input(ids.COVERAGE_REFRESH, "n_clicks"))(show_coverage)
    fit_to_box(app, ids.COVERAGE_MAP_DRAWN, ids.COVERAGE_MAP)


def show_my_list(_refresh, _version):
    return my_list(require(READ_PROXY))


def my_list(actor: Actor) -> list[dict]:
    """An agent's own people, those still to do first (others: nothing here; their list is the area's)."""
    if not actor.may(WORK_PROXY):
        return []
    with reading(actor) as conn:
        return views.person_rows(lists.listed(conn, actor.scope, actor.username, agent=actor.username))


def choose_person(selected):
    row = (selected or [{}])[0]
    if not row.get("id"):
        return None, t("proxy.pick")
    return row["id"], t("proxy.chosen", name=row.get("name", ""), address=row.get("address") or "")


def act_on_person(_save, _bind, person, channel, outcome, note, card, version):
    actor = require(READ_PROXY)
    if not actor.may(WORK_PROXY):
        return t("proxy.error.agents_only"), no_update
    if ctx.triggered_id == ids.WORK_BIND:
        message = work.bind_card(actor, person, card)
    else:
        message = work.record_contact(actor, person, channel, outcome, note)
    return message, (version or 0) + 1


def show_area_list(tab, _message):
    if tab != "list":
        return (no_update,) * 4
    return area_list(require(READ_PROXY))


def area_list(actor: Actor) -> tuple:
    with reading(actor) as conn:
        totals = coverage.coverage_totals(conn, actor.scope)
        rows = lists.listed(conn, actor.scope, actor.username)
        agents = lists.agents(conn, actor.scope)
    options = [{"label": f"{a['display_name']}（{a['community']}）", "value": a["username"]} for a in agents] \
        if actor.may(ASSIGN_PROXY) else []
    return views.list_kpis(totals), views.person_rows(rows), agents, options


def assign_people(_clicks, selected, agent):
    actor = require(READ_PROXY)
    if not actor.may(ASSIGN_PROXY):
        return t("proxy.error.assign_only")
    return work.assign(actor, [int(r["id"]) for r in selected or [] if r.get("id")], agent)


def show_coverage(tab, _refresh):
    if tab != "coverage":
        return (no_update,) * 7
    return coverage_view(require(READ_PROXY))


def coverage_view(actor: Actor) -> tuple:
    """Everything the coverage tab shows for the user's area."""
    ensure(actor, READ_PROXY)
    with reading(actor) as conn:
        totals = coverage.coverage_totals(conn, actor.scope)
        communities = coverage.coverage_by_community(conn, actor.scope)
        streets = coverage.coverage_by_street(conn, actor.scope)
        days = coverage.daily_progress(conn, actor.scope)
        agents = lists.agents(conn, actor.scope)
        shapes = aggregates.community_map_rows(conn, actor.scope)
        outlines = areas.street_outlines(conn, actor.scope)
    figure = views.coverage_map(shapes, outlines, communities) if shapes else empty_figure()
    return (views.coverage_kpis(totals), figure, views.coverage_legend(any(r["rate"] is None for r in communities)),
            views.progress_chart(days, totals["needing"]), views.area_rows(streets), views.area_rows(communities),
            agents)
