"""Callbacks of the health-code services page: the queue, one case, the actions on it, walk-ins and
oversight. Thin: the work is in callbacks.health_services.work and data_access.health_services."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.gate import ensure, require
from callbacks.health_services import work
from callbacks.health_services.exports import decisions_href
from callbacks.map_fit import fit_to_box
from data_access import aggregates, areas
from data_access.health_services import appeals, oversight
from data_access.health_services.appeals import AppealError
from data_access.session import reading
from domain import clock
from domain.actor import Actor
from domain.appeals import propose, reviews_at, steps_missing, waiting_tier
from domain.permissions import (
    CONFIGURE_APPEALS,
    EXPORT_APPEALS,
    HANDLE_APPEALS,
    OVERSEE_APPEALS,
    READ_APPEALS,
    REASSIGN_APPEALS,
    REVIEW_APPEALS,
)
from i18n import t
from layouts.formatting import count, percent
from layouts.health_services import case as builders
from layouts.health_services import ids
from layouts.health_services import oversight as views
from layouts.map_figure import empty_figure

CASE_OUTPUTS = (ids.CASE_PANEL, "style"), (ids.CASE_HEADER, "children"), (ids.CASE_RECORD, "children"), \
    (ids.HEALTH_STATE, "children"), (ids.MOVEMENT_STATE, "children"), (ids.COMMITMENT_STATE, "children"), \
    (ids.PROPOSAL_SYSTEM, "children"), (ids.REVIEW_HISTORY, "children"), (ids.OUTCOME, "children"), \
    (ids.HEALTH_SYMPTOMS, "value"), (ids.HEALTH_TEMPERATURE, "value"), (ids.HEALTH_CONTACT, "value"), \
    (ids.MOVEMENT_KEY_AREA, "value"), (ids.MOVEMENT_PLACES, "value"), (ids.COMMITMENT_SIGNED, "value"), \
    (ids.PROPOSAL_DECISION, "value"), (ids.REASSIGN_COMMUNITY, "options"), (ids.HEALTH_SAVE, "style"), \
    (ids.MOVEMENT_SAVE, "style"), (ids.COMMITMENT_SAVE, "style"), (ids.COMMITMENT_FILE, "style"), \
    (ids.PROPOSAL_ACTIONS, "style"), (ids.REVIEW_ACTIONS, "style"), (ids.REASSIGN_ROW, "style"), \
    (ids.STEPS_FORM, "disabled")
ACTIONS = (ids.HEALTH_SAVE, ids.MOVEMENT_SAVE, ids.COMMITMENT_SAVE, ids.PROPOSAL_SUBMIT, ids.REVIEW_APPROVE,
           ids.REVIEW_SEND_BACK, ids.REASSIGN_SUBMIT)


def register(app: Dash) -> None:
    app.callback(Output(ids.TAB_WALK_IN, "style"), Output(ids.TAB_OVERSIGHT, "style"),
                 Output(ids.CONFIG_SECTION, "style"), Input(ids.SERVICES_TABS, "id"))(show_allowed)
    app.callback(Output(ids.QUEUE_GRID, "rowData"), Input(ids.QUEUE_STATUS, "value"),
                 Input(ids.QUEUE_REFRESH, "n_clicks"), Input(ids.CASE_VERSION, "data"))(show_queue)
    app.callback(Output(ids.CASE_ID, "data"), Input(ids.QUEUE_GRID, "selectedRows"))(choose_case)
    app.callback(*[Output(i, p) for i, p in CASE_OUTPUTS], Input(ids.CASE_ID, "data"),
                 Input(ids.CASE_VERSION, "data"))(show_case)
    app.callback(Output(ids.CASE_MESSAGE, "children"), Output(ids.CASE_VERSION, "data"),
                 *[Input(a, "n_clicks") for a in ACTIONS],
                 State(ids.CASE_ID, "data"), State(ids.CASE_VERSION, "data"),
                 State(ids.HEALTH_SYMPTOMS, "value"), State(ids.HEALTH_TEMPERATURE, "value"),
                 State(ids.HEALTH_CONTACT, "value"), State(ids.MOVEMENT_KEY_AREA, "value"),
                 State(ids.MOVEMENT_PLACES, "value"), State(ids.COMMITMENT_SIGNED, "value"),
                 State(ids.COMMITMENT_FILE, "contents"), State(ids.COMMITMENT_FILE, "filename"),
                 State(ids.PROPOSAL_DECISION, "value"), State(ids.PROPOSAL_OVERRIDE, "value"),
                 State(ids.REVIEW_REASON, "value"), State(ids.REASSIGN_COMMUNITY, "value"),
                 prevent_initial_call=True)(act_on_case)
    app.callback(Output(ids.WALK_IN_MESSAGE, "children"), Input(ids.WALK_IN_SUBMIT, "n_clicks"),
                 State(ids.WALK_IN_ID, "value"), State(ids.WALK_IN_CURRENT, "value"),
                 State(ids.WALK_IN_REQUESTED, "value"), State(ids.WALK_IN_REASON, "value"),
                 State(ids.WALK_IN_PHONE, "value"), prevent_initial_call=True)(register_walk_in)
    app.callback(Output(ids.OVERSIGHT_KPIS, "children"), Output(ids.OVERSIGHT_STREETS, "rowData"),
                 Output(ids.OVERSIGHT_COMMUNITIES, "rowData"), Output(ids.CONFIG_RED_GREEN, "value"),
                 Output(ids.CONFIG_RED_YELLOW, "value"), Output(ids.CONFIG_YELLOW_GREEN, "value"),
                 Output(ids.CONFIG_DEADLINE, "value"), Output(ids.OVERSIGHT_MAP_DRAWN, "data"),
                 Output(ids.OVERSIGHT_LEGEND, "children"), Input(ids.SERVICES_TABS, "value"),
                 Input(ids.OVERSIGHT_REFRESH, "n_clicks"), Input(ids.CONFIG_MESSAGE, "children"))(show_oversight)
    fit_to_box(app, ids.OVERSIGHT_MAP_DRAWN, ids.OVERSIGHT_MAP)
    app.callback(Output(ids.DECISIONS_LINK, "href"), Output(ids.DECISIONS_LINK, "style"),
                 Input(ids.DECISIONS_DAY, "date"))(show_decisions_link)
    app.callback(Output(ids.CONFIG_MESSAGE, "children"), Input(ids.CONFIG_SAVE, "n_clicks"),
                 State(ids.CONFIG_RED_GREEN, "value"), State(ids.CONFIG_RED_YELLOW, "value"),
                 State(ids.CONFIG_YELLOW_GREEN, "value"), State(ids.CONFIG_DEADLINE, "value"),
                 prevent_initial_call=True)(save_configuration)


def show_allowed(_page):
    return parts_shown(require(READ_APPEALS))


def parts_shown(actor: Actor) -> tuple:
    """The page's parts by what the user may do: walk-ins (handle), oversight (oversee), the configuration
    (configure, the district only: PostgreSQL refuses anyone else)."""
    configure = actor.may(CONFIGURE_APPEALS) and actor.scope.level == "district"
    return (None if actor.may(HANDLE_APPEALS) else HIDDEN, None if actor.may(OVERSEE_APPEALS) else HIDDEN,
            SHOWN if configure else HIDDEN)


def show_queue(statuses, _refresh, _version):
    return queue_view(require(READ_APPEALS), tuple(statuses or ()))


def queue_view(actor: Actor, statuses: tuple[str, ...]) -> list[dict]:
    ensure(actor, READ_APPEALS)
    with reading(actor) as conn:
        return builders.queue_rows(appeals.queue(conn, actor.scope, statuses))


def choose_case(selected):
    return (selected or [{}])[0].get("id") or no_update


def show_case(appeal_id, _version):
    return case_view(require(READ_APPEALS), appeal_id)


def case_view(actor: Actor, appeal_id: int | None) -> tuple:
    """Everything the case panel shows, in CASE_OUTPUTS' order (hidden when no case is chosen)."""
    ensure(actor, READ_APPEALS)
    with reading(actor) as conn:
        case = appeals.appeal(conn, actor.scope, int(appeal_id)) if appeal_id else None
        if case is None:
            return ({"display": "none"}, *[no_update] * (len(CASE_OUTPUTS) - 1))
        record, reviews = appeals.person_record(case), case["reviews"]
        shown = actions_shown(actor, case)
        places = appeals.communities(conn, actor.scope) if shown[-1] == SHOWN else []  # the reassign list
    facts = appeals.facts(case, record)
    missing = steps_missing(facts)
    proposal = None if missing else propose(facts)
    temperature = float(case["health_temperature"]) if case["health_temperature"] is not None else None
    decision = case["proposed_decision"] or (proposal.decision if proposal else None)
    return ({"display": "block"}, builders.case_header(case), builders.record_view(case, record),
            *[builders.step_state(case, s) for s in ("health", "movement", "commitment")],
            builders.proposal_view(case, proposal, missing), builders.review_history(reviews),
            builders.outcome_text(case), case["health_symptoms"], temperature, case["health_contact"],
            case["movement_key_area"], case["movement_places"], case["commitment_signed"], decision,
            [{"label": f"{p['street']} · {p['name']}", "value": p["code"]} for p in places], *shown,
            shown[0] == HIDDEN)  # the steps' answers read-only to whoever may not record them


SHOWN, HIDDEN, BUTTON = {"display": "block"}, {"display": "none"}, {"display": "inline-block"}


def actions_shown(actor: Actor, case: dict) -> tuple[dict, ...]:
    """The case's controls, only to those who may use them on this case now (PostgreSQL refuses the rest
    anyway): the steps' save buttons and upload, the proposal (an open case, appeals.handle); approve and send
    back (a case waiting for the reviewer's own tier, not their own proposal); reassign (the district)."""
    handle = actor.may(HANDLE_APPEALS) and case["status"] == "open"
    tier = waiting_tier(case["tiers"], case["tiers_done"]) if case["status"] == "review" else None
    review = (actor.may(REVIEW_APPEALS) and tier is not None and tier == reviews_at(actor.scope.level)
              and case["proposed_by"] != actor.username)
    reassign = (actor.may(REASSIGN_APPEALS) and actor.scope.level == "district"
                and case["status"] in ("open", "review"))
    step = BUTTON if handle else HIDDEN
    return (step, step, step, SHOWN if handle else HIDDEN, SHOWN if handle else HIDDEN,
            SHOWN if review else HIDDEN, SHOWN if reassign else HIDDEN)


def act_on_case(*args):
    clicks, (appeal_id, version, *values) = args[:len(ACTIONS)], args[len(ACTIONS):]
    action = ctx.triggered_id if isinstance(ctx.triggered_id, str) else None
    if not appeal_id or action is None or not any(clicks):
        return no_update, no_update
    actor = require(READ_APPEALS)
    return carry_out(actor, action, int(appeal_id), values), (version or 0) + 1


def carry_out(actor: Actor, action: str, appeal_id: int, values: list) -> str:
    """One action on the case, by the id of the button pressed; the work module checks each right."""
    (symptoms, temperature, contact, key_area, places, signed, file, file_name, decision, override, reason,
     community) = values
    try:
        if action == ids.HEALTH_SAVE:
            return work.save_step(actor, appeal_id, "health", {"symptoms": symptoms, "contact": contact,
                                                               "temperature": temperature})
        if action == ids.MOVEMENT_SAVE:
            return work.save_step(actor, appeal_id, "movement", {"key_area": key_area, "places": places})
        if action == ids.COMMITMENT_SAVE:
            return work.save_step(actor, appeal_id, "commitment", {"signed": signed, "file": file,
                                                                   "file_name": file_name})
        if action == ids.PROPOSAL_SUBMIT:
            return work.propose_decision(actor, appeal_id, decision, override)
        if action in (ids.REVIEW_APPROVE, ids.REVIEW_SEND_BACK):
            verdict = "approve" if action == ids.REVIEW_APPROVE else "send_back"
            return work.review_case(actor, appeal_id, verdict, reason)
        return work.reassign_case(actor, appeal_id, community)
    except AppealError as exc:
        return t(str(exc))
    except PermissionError:
        return t("auth.forbidden")


def register_walk_in(_clicks, id_number, current, requested, reason, phone):
    actor = require(READ_APPEALS)
    try:
        message, _appeal_id = work.register_walk_in(actor, {
            "id_number": id_number or "", "current_colour": current or "", "requested_colour": requested or "",
            "reason": reason or "", "phone": phone or ""})
    except PermissionError:
        return t("auth.forbidden")
    return message


def show_oversight(tab, _refresh, _saved):
    if tab != "oversight":
        return (no_update,) * 9
    actor = require(READ_APPEALS)
    return (*oversight_view(actor), *open_map_view(actor))


def open_map_view(actor: Actor) -> tuple[dict, list]:
    """The map of open requests per community of the area, and its legend."""
    if not actor.may(OVERSEE_APPEALS):
        return empty_figure(), []
    with reading(actor) as conn:
        counts = oversight.open_by_community(conn, actor.scope)
        shapes = aggregates.community_map_rows(conn, actor.scope)
        outlines = areas.street_outlines(conn, actor.scope)
    figure = views.open_map(shapes, outlines, counts) if shapes else empty_figure()
    return figure, views.open_legend()


def show_decisions_link(day):
    return decisions_link(require(READ_APPEALS), day)


def decisions_link(actor: Actor, day: str | None) -> tuple[str, dict]:
    """The day's list of decisions as a download link (to those who may export); no day chosen: today."""
    if not actor.may(EXPORT_APPEALS):
        return "", HIDDEN
    return decisions_href(actor.org_code, (day or clock.today().isoformat())[:10]), {}


def oversight_view(actor: Actor) -> tuple:
    if not actor.may(OVERSEE_APPEALS):
        return t("auth.forbidden"), [], [], None, None, None, None
    with reading(actor) as conn:
        deadline = appeals.deadline_hours(conn)
        totals = oversight.appeal_totals(conn, actor.scope, deadline)
        streets = oversight.appeals_by_street(conn, actor.scope, deadline)
        communities = oversight.appeals_by_community(conn, actor.scope, deadline)
        rules = {(r["from_colour"], r["to_colour"]): ",".join(r["tiers"]) for r in appeals.tier_rules(conn)}
    return (kpis(totals, deadline), [_shown(r) for r in streets], [_shown(r) for r in communities],
            rules.get(("red", "green")), rules.get(("red", "yellow")), rules.get(("yellow", "green")), deadline)


def _hours(value) -> str:
    return "-" if value is None else f"{float(value):.1f}"


def _shown(row: dict) -> dict:
    return {**row, "review_rate": percent(row["review_rate"]), "median_hours": _hours(row["median_hours"]),
            "p95_hours": _hours(row["p95_hours"])}


def kpis(totals: dict, deadline: int) -> list:
    from dash import html

    shown = [("received", count(totals["received"])), ("reviewed", count(totals["reviewed"])),
             ("converted", count(totals["converted"])), ("rejected", count(totals["rejected"])),
             ("open", count(totals["open"])), ("review_rate", percent(totals["review_rate"])),
             ("median_hours", _hours(totals["median_hours"])), ("p95_hours", _hours(totals["p95_hours"]))]
    cards = [html.Div(className="kpi", children=[html.Div(t(f"appeals.oversight.{k}"), className="kpi-label"),
                                                 html.Div(v, className="kpi-value")]) for k, v in shown]
    cards.append(html.Div(className="kpi kpi-red", children=[
        html.Div(t("appeals.oversight.overdue", hours=deadline), className="kpi-label"),
        html.Div(count(totals["overdue"]), className="kpi-value")]))
    return cards


def save_configuration(_clicks, red_green, red_yellow, yellow_green, deadline):
    actor = require(READ_APPEALS)
    if not actor.may(CONFIGURE_APPEALS):
        return t("appeals.error.configure")
    rules = {("red", "green"): red_green, ("red", "yellow"): red_yellow, ("yellow", "green"): yellow_green}
    return work.configure(actor, {k: v.split(",") for k, v in rules.items() if v},
                          int(deadline) if deadline else None)
