"""Callbacks of the warnings tab: the area's open warnings, and a worker's steps recorded (one unit of work
with its audit row; PostgreSQL checks the area and the right to record)."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.gate import clamp_view, require
from callbacks.modules import looked_at, shown_search
from data_access.session import DataUnavailable, reading, writing
from data_access.warnings import steps
from domain.actor import Actor
from domain.clock import now
from domain.divisions import Scope
from domain.permissions import READ_WARNINGS, RECORD_WARNINGS
from domain.warnings import StepError, step_from_form
from i18n import t
from layouts import ids as shell_ids
from layouts.view import parse_view
from layouts.warnings import ids
from layouts.warnings.tab import enterprise_options, street_table, warning_table

TAB = "warnings"  # the module's name: its tab's value
AUDIT = {"notified": "warning_notified", "reopened": "reopening_confirmed"}


def register(app: Dash) -> None:
    # The URL reaches the lists only while the tab is looked at: a drill on the map asks the server nothing
    # for a hidden tab.
    app.clientside_callback(looked_at(TAB), Output(ids.WARNINGS_VIEW, "data"), Input(shell_ids.URL, "search"),
                            Input(shell_ids.TABS, "value"))
    app.callback(
        Output(ids.WARNING_STREETS, "children"), Output(ids.WARNING_LIST, "children"),
        Output(ids.WARNING_ENTERPRISE, "options"), Output(ids.WARNING_FORM, "hidden"),
        Input(ids.WARNINGS_VIEW, "data"), Input(ids.WARNINGS_RECORDED, "data"), State(shell_ids.TABS, "value"),
    )(show_warnings)
    app.callback(
        Output(ids.WARNING_MESSAGE, "children"), Output(ids.WARNINGS_RECORDED, "data"),
        Input(ids.WARNING_NOTIFY, "n_clicks"), Input(ids.WARNING_REOPEN, "n_clicks"),
        State(ids.WARNING_ENTERPRISE, "value"), State(ids.WARNING_WHEN, "value"), State(ids.WARNING_METHOD, "value"),
        State(ids.WARNING_RECIPIENT, "value"), State(ids.WARNING_NOTE, "value"), State(ids.WARNINGS_RECORDED, "data"),
        prevent_initial_call=True,
    )(record_step)


def show_warnings(looked: dict | None, _recorded: int, tab: str):
    search = shown_search(looked)
    if tab != TAB:  # drawn only when looked at
        return no_update, no_update, no_update, no_update
    actor = require(READ_WARNINGS)
    area = Scope(clamp_view(parse_view(search)[0], actor, see_people=False)[0].area)
    try:
        with reading(actor) as conn:
            rows = steps.open_warnings(conn, area)
            streets = steps.street_summary(conn, area, now())
    except DataUnavailable:
        return t("map.error"), [], [], True
    return street_table(streets), warning_table(rows, now()), enterprise_options(rows), not actor.may(RECORD_WARNINGS)


def record_step(_notice, _reopen, credit_code, when, method, recipient, note, recorded):
    step = "reopened" if ctx.triggered_id == ids.WARNING_REOPEN else "notified"
    message = record(require(READ_WARNINGS), step, {"credit_code": credit_code, "when": when, "method": method,
                                                    "recipient": recipient, "note": note})
    return message, (recorded or 0) + 1


def record(actor: Actor, step: str, form: dict) -> str:
    """One step of a warning recorded in the actor's name, with its audit row; a message saying what happened.

    A role that may not record gets a message and an audit row (someone tried), as a reveal does.
    """
    if not actor.may(RECORD_WARNINGS):
        with writing(actor) as work:
            work.audit("refused", None, {"asked": f"warning_{step}", "enterprise": form["credit_code"]})
        return t("warnings.refused.role")
    try:
        recorded = step_from_form(step, form["credit_code"], form["when"], form["method"], form["recipient"],
                                  form["note"], now())
        with writing(actor) as work:
            community = steps.record_step(work.conn, actor.scope, recorded, actor.username)
            work.audit(AUDIT[step], community, {"enterprise": recorded.credit_code, "method": recorded.method,
                                                "recipient": recorded.recipient, "when": recorded.happened_at})
    except StepError as exc:
        return t(str(exc))
    except steps.StepRefused:
        return t(f"warnings.refused.{step}")
    except DataUnavailable:
        return t("map.error")
    return t(f"warnings.done.{step}")
