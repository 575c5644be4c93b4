"""Callbacks of the key-persons page: thin glue over data_access.keypersons and the page's builders."""

from __future__ import annotations

import base64

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.gate import ensure, require
from callbacks.keypersons.exports import day_bounds, overdue_href, records_href
from data_access.importing.base import ImportRequest
from data_access.importing.load import run
from data_access.keypersons import oversight, tasks
from data_access.keypersons.intake import batch_source
from data_access.session import DataUnavailable, reading, writing
from domain import clock
from domain.actor import Actor
from domain.permissions import (
    EXPORT_KEYPERSONS,
    HANDLE_KEYPERSONS,
    OVERSEE_KEYPERSONS,
    PLACE_KEYPERSONS,
    READ_KEYPERSONS,
    RECEIVE_KEYPERSONS,
)
from i18n import t
from layouts.keypersons import ids
from layouts.keypersons import page as builders

MOST_FILE_BYTES = 20 * 1024 * 1024


def register(app: Dash) -> None:
    app.callback(Output(ids.TAB_BATCHES, "style"), Output(ids.TAB_UNPLACED, "style"),
                 Output(ids.TAB_OVERSIGHT, "style"), Output(ids.UPLOAD_BAR, "style"),
                 Output(ids.TASK_ACTIONS, "style"), Output(ids.TABS, "value"), Input(ids.TABS, "id"))(show_allowed)
    app.callback(Output(ids.UPLOAD_MESSAGE, "children"), Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"),
                 State(ids.BATCH_KIND, "value"), State(ids.SENDER, "value"), State(ids.SKIP_BAD, "value"),
                 prevent_initial_call=True)(receive_batch)
    app.callback(Output(ids.BATCH_GRID, "rowData"), Input(ids.TABS, "value"),
                 Input(ids.UPLOAD_MESSAGE, "children"))(show_batches)
    app.callback(Output(ids.TASK_GRID, "rowData"), Input(ids.TABS, "value"), Input(ids.TASK_REFRESH, "n_clicks"),
                 Input(ids.TASK_MESSAGE, "children"))(show_tasks)
    app.callback(Output(ids.TASK_MESSAGE, "children"), Input(ids.CONTACT, "n_clicks"),
                 Input(ids.SET_MEASURE, "n_clicks"), Input(ids.FOLLOW_UP, "n_clicks"), Input(ids.RELEASE, "n_clicks"),
                 State(ids.TASK_GRID, "selectedRows"), State(ids.CONTACT_NOTE, "value"), State(ids.MEASURE, "value"),
                 State(ids.HOTEL, "value"), State(ids.TEMPERATURE, "value"), State(ids.SYMPTOMS, "value"),
                 State(ids.TEST_RESULT, "value"), prevent_initial_call=True)(act_on_task)
    app.callback(Output(ids.UNPLACED_GRID, "rowData"), Output(ids.PLACE_COMMUNITY, "options"),
                 Input(ids.TABS, "value"), Input(ids.PLACE_MESSAGE, "children"))(show_unplaced)
    app.callback(Output(ids.PLACE_MESSAGE, "children"), Input(ids.PLACE, "n_clicks"),
                 State(ids.UNPLACED_GRID, "selectedRows"), State(ids.PLACE_COMMUNITY, "value"),
                 prevent_initial_call=True)(place_record)
    app.callback(Output(ids.COMMUNITY_GRID, "rowData"), Input(ids.TABS, "value"))(show_communities)
    app.callback(Output(ids.CASE, "options"), Input(ids.TABS, "value"))(show_cases)
    app.callback(Output(ids.CHAIN, "figure"), Input(ids.CASE, "value"), prevent_initial_call=True)(show_chain)
    app.callback(Output(ids.OVERDUE_STREET_GRID, "rowData"), Output(ids.OVERDUE_COMMUNITY_GRID, "rowData"),
                 Output(ids.OVERDUE_GRID, "rowData"),
                 Input(ids.TABS, "value"), Input(ids.OVERDUE_REFRESH, "n_clicks"))(show_overdue)
    app.callback(Output(ids.EXPORT_BAR, "style"), Output(ids.EXPORT_BATCH, "href"),
                 Output(ids.EXPORT_BATCH, "children"), Output(ids.EXPORT_DAY, "href"), Output(ids.EXPORT_DAY, "style"),
                 Output(ids.EXPORT_NOTE, "children"), Input(ids.BATCH_GRID, "selectedRows"),
                 Input(ids.UPLOAD_MESSAGE, "children"))(export_links)
    app.callback(Output(ids.OVERDUE_EXPORT, "href"), Output(ids.OVERDUE_EXPORT, "style"),
                 Input(ids.TABS, "id"))(overdue_export_link)


def show_allowed(_page):
    actor = require(READ_KEYPERSONS)
    place = actor.may(PLACE_KEYPERSONS) and actor.scope.level == "district"
    *parts, first = builders.visible_parts(actor.may(RECEIVE_KEYPERSONS), actor.may(OVERSEE_KEYPERSONS), place,
                                           actor.may(HANDLE_KEYPERSONS))
    # The page opens on 社区任务: left alone for a user who opens there, so a tab they click while the page is
    # still opening is not turned back
    return (*parts, no_update if first == builders.OPENING_TAB else first)


def receive_batch(contents, filename, kind, sender, skip):
    actor = require(READ_KEYPERSONS)
    if not contents:
        return ""
    return batch_upload(ensure(actor, RECEIVE_KEYPERSONS), contents, filename or "批次.csv", kind, sender, bool(skip))


def batch_upload(actor: Actor, contents: str | None, filename: str, kind: str, sender: str | None,
                 skip: bool) -> str:
    ensure(actor, RECEIVE_KEYPERSONS)
    if not contents:
        return ""
    content = base64.b64decode(contents.split(",", 1)[1])[:MOST_FILE_BYTES]
    result = run(ImportRequest("keypersons", filename, content, actor.username, actor.org_code, role=actor.role,
                               source=batch_source(kind, (sender or "").strip() or filename, filename),
                               skip_bad_rows=skip, session=actor.session))
    errors = [f"第 {e.row} 行 {e.column}：{t('import.reason.' + e.reason)}" for e in result.errors[:20]]
    return "；".join([result.message, *result.notes, *errors])


def show_batches(_tab, _message):
    actor = require(READ_KEYPERSONS)
    with reading(actor) as conn:
        return builders.batch_rows(oversight.batches(conn, actor.scope))


def show_tasks(_tab, _refresh, _message):
    actor = require(READ_KEYPERSONS)
    with reading(actor) as conn:
        return builders.task_rows(tasks.tasks(conn, actor.scope))


def act_on_task(_contact, _measure, _follow, _release, selected, note, measure, hotel, temperature, symptoms,
                test_result):
    actor = require(READ_KEYPERSONS)
    task_id = (selected or [{}])[0].get("id")
    if not task_id:
        return t("keypersons.choose_task")
    return task_step(ensure(actor, HANDLE_KEYPERSONS), ctx.triggered_id, int(task_id), note=note, measure=measure,
                     hotel=hotel,
                     temperature=temperature, symptoms=bool(symptoms), test_result=test_result)


def task_step(actor: Actor, step: str, task_id: int, **values) -> str:
    ensure(actor, HANDLE_KEYPERSONS)
    try:
        if step in (ids.CONTACT, ids.FOLLOW_UP):
            with writing(actor) as work:
                if step == ids.CONTACT:
                    tasks.first_contact(work.conn, task_id, actor.username, values.get("note"))
                else:
                    tasks.follow_up(work.conn, task_id, clock.today(), actor.username, values["symptoms"],
                                    values.get("temperature"), values.get("test_result"), None)
                work.audit("keyperson_contacted" if step == ids.CONTACT else "keyperson_followup", None,
                           {"task": task_id})
            return t("keypersons.done")
        if step == ids.SET_MEASURE:
            changed = tasks.set_measure(actor, task_id, values.get("measure") or "", values.get("hotel"), clock.today())
        else:
            changed = tasks.release(actor, task_id)
        return t("keypersons.colours_changed", count=changed)
    except tasks.TaskError as exc:
        return t(str(exc))
    except DataUnavailable:
        return t("keypersons.error.step")


def show_unplaced(_tab, _message):
    actor = require(READ_KEYPERSONS)
    if not actor.may(PLACE_KEYPERSONS) or actor.scope.level != "district":
        return [], []
    with reading(actor) as conn:
        places = tasks.communities(conn)
        return builders.unplaced_rows(tasks.unplaced(conn)), [{"label": n, "value": c} for c, n in places]


def place_record(_clicks, selected, community):
    actor = require(READ_KEYPERSONS)
    record = (selected or [{}])[0].get("id")
    if not record or not community:
        return t("keypersons.choose_task")
    try:
        return t("keypersons.placed", task=tasks.place_by_hand(ensure(actor, PLACE_KEYPERSONS), int(record), community))
    except (tasks.TaskError, DataUnavailable):
        return t("keypersons.error.placed")


def show_communities(_tab):
    actor = require(READ_KEYPERSONS)
    if not actor.may(OVERSEE_KEYPERSONS):
        return []
    with reading(actor) as conn:  # the Beijing day, whatever the database server's time zone
        return oversight.communities(conn, actor.scope, clock.now(), clock.today())


def show_cases(_tab):
    actor = require(READ_KEYPERSONS)
    with reading(actor) as conn:
        return [{"label": f"{c['name']}（{c['contacts']}）", "value": c["id"]} for c in oversight.cases(conn)]


def show_chain(case_id):
    actor = require(READ_KEYPERSONS)
    if not case_id:
        return builders.chain_figure([], [], "")
    with reading(actor) as conn:
        nodes, edges = oversight.chain(conn, int(case_id))
    name = next((n["name"] for n in nodes if n["id"] == int(case_id)), "")
    return builders.chain_figure(nodes, edges, t("keypersons.chain.title", name=name))


def show_overdue(tab, _refresh):
    """Tasks past their deadline in the user's area (PostgreSQL keeps a community worker to their community)."""
    actor = require(READ_KEYPERSONS)
    if tab != "overdue":
        return [], [], []
    at, today = clock.now(), clock.today()
    with reading(actor) as conn:
        overdue = tasks.overdue(conn, actor.scope, at, today)
    streets = [{**s, "street": s["name"]} for s in overdue["streets"]]
    return streets, overdue["communities"], builders.overdue_rows(overdue["tasks"][:tasks.MOST_ROWS])


def export_links(selected, _uploaded=None):
    """The health bureau's file of the chosen batch and of today's batches (for those who may export); with no
    batch received today in the area, a line saying so instead of a link to an empty file."""
    actor = require(READ_KEYPERSONS)
    if not actor.may(EXPORT_KEYPERSONS):
        return builders.HIDDEN, None, t("keypersons.export.choose"), None, builders.HIDDEN, ""
    today = clock.today()
    with reading(actor) as conn:
        received = oversight.records_count(conn, actor.scope, *day_bounds(today))
    day, day_style, note = records_href(actor.org_code, day=today.isoformat()), None, ""
    if not received:
        day, day_style, note = None, builders.HIDDEN, t("keypersons.export.today_none")
    batch = (selected or [{}])[0].get("id")
    if not batch:
        return None, None, t("keypersons.export.choose"), day, day_style, note
    return (None, records_href(actor.org_code, batch=int(batch)), t("keypersons.export.batch_link", batch=batch), day,
            day_style, note)


def overdue_export_link(_page):
    """The overdue tasks' file, for those who may export."""
    actor = require(READ_KEYPERSONS)
    if not actor.may(EXPORT_KEYPERSONS):
        return None, builders.HIDDEN
    return overdue_href(actor.org_code), None
