"""Callbacks of the policies page: thin glue over data_access.policies and the page's builders."""

from __future__ import annotations

import base64
import json

from dash import Dash, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

import data_access.policies.deaths  # registers the deaths list import kind
import data_access.policies.namelists  # registers the departments' name list import kinds
import data_access.policies.returns  # noqa: F401  (registers the payment_returns import kind)
from callbacks import answers
from callbacks.gate import ensure, require
from callbacks.map_fit import fit_to_box
from data_access.masking import mask_id_number
from data_access.policies import applications, catalogue, oversight, payments, rules
from data_access.session import DataUnavailable, reading, writing
from domain import clock
from domain.actor import Actor
from domain.permissions import (
    CONFIGURE_POLICIES,
    FILE_POLICIES,
    HANDLE_POLICIES,
    HOTLINE_POLICIES,
    OVERSEE_POLICIES,
    PAY_POLICIES,
    READ_POLICIES,
)
from domain.policies import ENTERPRISE, PERSON, PHONE, TARGETS, BadRule, period_of, step_error
from i18n import t
from layouts.policies import ids
from layouts.policies import page as builders

MOST_FILE_BYTES = 20 * 1024 * 1024
STEPS = {ids.STEP_ACCEPT: "accepted", ids.STEP_MORE: "more_info", ids.STEP_APPROVE: "approved",
         ids.STEP_REJECT: "rejected"}
ROLL_PATH = "/export/policy-roll.xlsx"


def register(app: Dash) -> None:
    app.callback(Output(ids.TAB_PAYMENTS, "style"), Output(ids.TAB_OVERSIGHT, "style"), Output(ids.P_DIRECT, "style"),
                 Output(ids.E_DIRECT, "style"), Output(ids.FILE_BOX, "style"), Output(ids.DEFINE_BOX, "style"),
                 Output(ids.STEP_BOX, "style"), Output(ids.P_POLICY, "options"), Output(ids.E_POLICY, "options"),
                 Output(ids.ROLL_POLICY, "options"), Output(ids.DEFINE_DEPARTMENT, "options"),
                 Output(ids.P_CATALOGUE, "rowData"), Output(ids.E_CATALOGUE, "rowData"),
                 Input(ids.TABS, "id"), Input(ids.DEFINE_MESSAGE, "children"))(show_allowed)
    for target, (policy, rule, reach, misfits, direct, message) in {
        PERSON: (ids.P_POLICY, ids.P_RULE, ids.P_REACH_GRID, ids.P_INELIGIBLE_GRID, ids.P_DIRECT, ids.P_MESSAGE),
        ENTERPRISE: (ids.E_POLICY, ids.E_RULE, ids.E_REACH_GRID, ids.E_INELIGIBLE_GRID, ids.E_DIRECT, ids.E_MESSAGE),
    }.items():
        app.callback(Output(rule, "children"), Output(reach, "rowData"), Output(misfits, "rowData"),
                     Input(policy, "value"), Input(message, "children"), prevent_initial_call=True)(
            _eligibility_of(target))
        app.callback(Output(message, "children"), Input(direct, "n_clicks"), State(policy, "value"),
                     prevent_initial_call=True)(queue_direct)
    app.callback(Output(ids.FILE_MESSAGE, "children"), Input(ids.FILE_SUBMIT, "n_clicks"),
                 State(ids.P_POLICY, "value"), State(ids.FILE_ID, "value"), prevent_initial_call=True)(file_for_person)
    app.callback(Output(ids.DEFINE_MESSAGE, "children"), Input(ids.DEFINE_SUBMIT, "n_clicks"),
                 State(ids.DEFINE_TARGET, "value"), State(ids.DEFINE_NAME, "value"), State(ids.DEFINE_CODE, "value"),
                 State(ids.DEFINE_DEPARTMENT, "value"), State(ids.DEFINE_AMOUNT, "value"),
                 State(ids.DEFINE_BUDGET, "value"), State(ids.DEFINE_RULE, "value"),
                 prevent_initial_call=True)(define_policy)
    app.callback(Output(ids.APP_GRID, "rowData"), Input(ids.TABS, "value"), Input(ids.APP_REFRESH, "n_clicks"),
                 Input(ids.STEP_MESSAGE, "children"))(show_applications)
    app.callback(Output(ids.STEP_MESSAGE, "children"), *[Input(b, "n_clicks") for b in STEPS],
                 State(ids.APP_GRID, "selectedRows"), State(ids.STEP_REASON, "value"),
                 prevent_initial_call=True)(take_step)
    app.callback(Output(ids.TIMELINE_GRID, "rowData"), Input(ids.APP_GRID, "selectedRows"),
                 Input(ids.STEP_MESSAGE, "children"), prevent_initial_call=True)(show_timeline)
    app.callback(Output(ids.HOTLINE_MESSAGE, "children"), Input(ids.HOTLINE_LOG, "n_clicks"),
                 State(ids.APP_GRID, "selectedRows"), State(ids.HOTLINE_KIND, "value"),
                 State(ids.HOTLINE_PHONE, "value"), State(ids.HOTLINE_SUMMARY, "value"),
                 prevent_initial_call=True)(log_hotline)
    app.callback(Output(ids.ROLL_GRID, "rowData"), Output(ids.FAILED_GRID, "rowData"), Output(ids.HELD_GRID, "rowData"),
                 Input(ids.TABS, "value"),
                 Input(ids.ROLL_MESSAGE, "children"), Input(ids.RETURNS_MESSAGE, "children"))(show_rolls)
    app.callback(Output(ids.ROLL_MESSAGE, "children"), Input(ids.ROLL_MAKE, "n_clicks"),
                 State(ids.ROLL_POLICY, "value"), prevent_initial_call=True)(make_roll)
    app.callback(Output(ids.ROLL_LINK, "href"), Input(ids.ROLL_GRID, "selectedRows"))(roll_link)
    app.callback(Output(ids.RETURNS_MESSAGE, "children"), Input(ids.RETURNS_UPLOAD, "contents"),
                 State(ids.RETURNS_UPLOAD, "filename"), prevent_initial_call=True)(upload_returns)
    app.callback(Output(ids.OVERVIEW, "children"), Output(ids.FIGURES_GRID, "rowData"),
                 Output(ids.REACH_MAP_DRAWN, "data"), Output(ids.STREET_CHART, "figure"),
                 Output(ids.RATINGS_GRID, "rowData"), Input(ids.TABS, "value"))(show_oversight)
    fit_to_box(app, ids.REACH_MAP_DRAWN, ids.REACH_MAP)


def show_allowed(_page, _defined):
    actor = require(READ_POLICIES)
    district = actor.scope.level == "district"
    pay, configure = actor.may(PAY_POLICIES) and district, actor.may(CONFIGURE_POLICIES) and district
    with reading(actor) as conn:
        listed = catalogue.policies(conn)
        departments = catalogue.departments(conn)
    by_target = {x: [p for p in listed if p["target"] == x] for x in TARGETS}
    return (builders.shown(pay), builders.shown(actor.may(OVERSEE_POLICIES)), builders.shown(pay),
            builders.shown(pay), builders.shown(actor.may(FILE_POLICIES)), builders.shown(configure),
            builders.shown(actor.may(HANDLE_POLICIES)), builders.policy_options(by_target[PERSON]),
            builders.policy_options(by_target[ENTERPRISE]), builders.policy_options(listed),
            [{"label": d["name"], "value": d["code"]} for d in departments],
            builders.catalogue_rows(by_target[PERSON]), builders.catalogue_rows(by_target[ENTERPRISE]))


def _eligibility_of(target: str):
    def show_eligibility(policy_id, _message):
        return eligibility(require(READ_POLICIES), target, policy_id)
    show_eligibility.__name__ = f"show_{target}_eligibility"
    return show_eligibility


def eligibility(actor: Actor, target: str, policy_id) -> tuple:
    """One policy's rule in words, its 直达 list and its applicants the data says are not eligible."""
    ensure(actor, READ_POLICIES)
    if not policy_id:
        return [], [], []
    scope = actor.scope.prefix
    with reading(actor) as conn:
        policy = catalogue.policy(conn, int(policy_id))
        if policy is None or policy["target"] != target:
            return [], [], []
        counts, reach = rules.eligibility(conn, policy, scope)
        misfits = rules.ineligible_applicants(conn, policy, scope)
        names = oversight.community_names(conn, scope)
    return (builders.rule_panel(policy, counts, len(misfits)),
            builders.reach_rows(reach, names, target, mask_id_number),
            builders.ineligible_rows(misfits, policy["rule"], target, mask_id_number))


def queue_direct(clicks, policy_id):
    actor = require(READ_POLICIES)
    if not clicks:
        return ""
    ensure(actor, PAY_POLICIES)
    if not policy_id:
        return t("policies.error.policy")
    period = period_of(clock.today())
    try:
        with reading(actor) as conn:
            policy = catalogue.policy(conn, int(policy_id))
        with writing(actor) as work:
            count = payments.queue_eligible(work, policy, period)
    except DataUnavailable as exc:
        return _refused(exc)
    return t("policies.direct.queued", count=count, period=period)


def file_for_person(clicks, policy_id, id_number):
    actor = require(READ_POLICIES)
    if not clicks:
        return ""
    ensure(actor, FILE_POLICIES)
    if not policy_id:
        return t("policies.error.policy")
    id_number = (id_number or "").strip().upper()
    if len(id_number) != 18:
        return t("policies.error.id_number")
    try:
        with writing(actor) as work:
            ref = applications.file_for_person(work, int(policy_id), id_number, period_of(clock.today()))
    except DataUnavailable as exc:
        return _refused(exc)
    return t("policies.file.done", ref=ref)


def define_policy(clicks, target, name, code, department, amount, budget, rule_json):
    actor = require(READ_POLICIES)
    if not clicks:
        return ""
    ensure(actor, CONFIGURE_POLICIES)
    try:
        rule = json.loads(rule_json or "")
        fields = {"target": target, "name": (name or "").strip(), "code": (code or "").strip(),
                  "department": department, "amount": float(amount), "budget": float(budget),
                  "opens": clock.today(), "rule": rule}
        if not fields["name"] or not fields["code"] or not department or fields["amount"] <= 0:
            raise ValueError
        with writing(actor) as work:
            catalogue.define_policy(work, fields)
    except BadRule as exc:
        return t(f"policies.rule_error.{exc}")
    except (ValueError, TypeError):
        return t("policies.error.define")
    except DataUnavailable as exc:
        return _refused(exc, "policies.error.define")
    return t("policies.define.done", name=fields["name"])


def show_applications(_tab, _refresh, _message):
    actor = require(READ_POLICIES)
    with reading(actor) as conn:
        return builders.application_rows(applications.applications(conn, actor.scope.prefix))


def take_step(*args):
    actor = require(READ_POLICIES)
    selected, reason = args[-2], args[-1]
    if not any(args[:-2]):
        return ""
    ensure(actor, HANDLE_POLICIES)
    app_id = (selected or [{}])[0].get("id")
    if not app_id:
        return t("policies.error.application")
    return step(actor, int(app_id), STEPS[ctx.triggered_id], reason)


def step(actor: Actor, application_id: int, step_name: str, reason: str | None) -> str:
    ensure(actor, HANDLE_POLICIES)
    with reading(actor) as conn:
        current = applications.application_state(conn, application_id)
    if current is None:
        return t("policies.error.area")
    problem = step_error(current["state"], step_name, reason)
    if problem:
        return t(f"policies.error.{problem}")
    try:
        with writing(actor) as work:
            done = applications.take_step(work, application_id, step_name, (reason or "").strip() or None)
    except DataUnavailable as exc:
        return _refused(exc)
    return t("policies.step.done", step=t(f"policies.step.{step_name}")) if done else t("policies.error.area")


def show_timeline(selected, _message):
    actor = require(READ_POLICIES)
    app_id = (selected or [{}])[0].get("id")
    if not app_id:
        return []
    with reading(actor) as conn:
        return builders.timeline_rows(applications.timeline(conn, int(app_id)))


def log_hotline(clicks, selected, kind, phone, summary):
    actor = require(READ_POLICIES)
    if not clicks:
        return ""
    ensure(actor, HOTLINE_POLICIES)
    row = (selected or [{}])[0]
    summary = (summary or "").strip()
    if not row.get("id"):
        return t("policies.error.application")
    if not summary or len(summary) > 500 or kind not in ("question", "complaint", "praise"):
        return t("policies.error.summary")
    phone = (phone or "").strip() or None
    if phone and not PHONE.fullmatch(phone):
        return t("policies.error.contact_phone")
    try:
        with reading(actor) as conn:
            current = applications.application_state(conn, int(row["id"]))
        if current is None:
            return t("policies.error.area")
        with writing(actor) as work:
            applications.log_hotline(work, current["id"], current["community_code"], phone, kind, summary)
    except DataUnavailable as exc:
        return _refused(exc)
    return t("policies.hotline.done")


def show_rolls(_tab, _made, _returned):
    actor = require(READ_POLICIES)
    if not actor.may(PAY_POLICIES):
        return [], [], []
    with reading(actor) as conn:
        return (builders.roll_rows(payments.rolls(conn)),
                builders.failed_rows(payments.failed_lines(conn, actor.scope.prefix)),
                builders.held_rows(payments.held_lines(conn, actor.scope.prefix)))


def make_roll(clicks, policy_id):
    actor = require(READ_POLICIES)
    if not clicks:
        return ""
    ensure(actor, PAY_POLICIES)
    if not policy_id:
        return t("policies.error.policy")
    try:
        with writing(actor) as work:
            roll = payments.make_roll(work, int(policy_id), period_of(clock.today()))
    except DataUnavailable as exc:
        return _refused(exc)
    return t("policies.roll.made", roll=roll) if roll else t("policies.roll.none")


def roll_link(selected):
    roll = (selected or [{}])[0].get("id")
    return f"{ROLL_PATH}?roll={int(roll)}" if roll else None


def upload_returns(contents, filename):
    actor = require(READ_POLICIES)
    if not contents:
        return ""
    ensure(actor, PAY_POLICIES)
    content = base64.b64decode(contents.split(",", 1)[1])[:MOST_FILE_BYTES]
    return returns_message(actor, content, filename or "回盘.xlsx")


def returns_message(actor: Actor, content: bytes, filename: str) -> str:
    ensure(actor, PAY_POLICIES)
    try:
        frame = payments.read_returns(content, filename)
        with writing(actor) as work:
            result = payments.apply_returns(work, frame)
            if result.errors:
                raise _Rejected(result.errors)
    except ValueError as exc:
        return str(exc)
    except _Rejected as rejected:
        return t("policies.returns.refused") + "；".join(rejected.errors[:20])
    except DataUnavailable as exc:
        return _refused(exc)
    return t("policies.returns.done_summary", paid=result.paid, failed=len(result.failed))


class _Rejected(Exception):
    """A returned file with bad rows: the transaction is rolled back, nothing written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("rejected")
        self.errors = errors


def show_oversight(tab):
    """Drawn when its tab is opened (not on every switch of tabs), and kept in the shared cache per area, user
    and policy data version: a figure that has not changed is not counted again."""
    actor = require(READ_POLICIES)
    if tab != "oversight":
        raise PreventUpdate
    if not actor.may(OVERSEE_POLICIES):
        return "", [], builders.reach_map([], {}), builders.street_chart([]), []
    scope = actor.scope.prefix
    # The username too: a department's own staff count only the applications dispatched to it.
    return answers.read_cached(actor, ("policies.oversight", actor.username),
                               lambda conn, _version: oversight_outputs(conn, scope),
                               version_of=oversight.data_version)


def oversight_outputs(conn, scope: str) -> tuple:
    """The overview's sentences, the per-policy figures, the map of reach, enterprise money per street and the
    ratings, read in one transaction."""
    oversight.settle(conn)
    listed = catalogue.policies(conn)
    eligible_rows = oversight.eligible_by_community(conn, listed, scope)
    figures = oversight.policy_figures(conn, scope)
    paid = oversight.paid_by_community(conn, scope)
    shapes = oversight.community_shapes(conn, scope)
    streets = oversight.enterprise_money_by_street(conn, scope)
    rated = oversight.ratings(conn, scope)
    view = oversight.overview(conn, scope)
    eligible: dict[int, int] = {}
    person_ids = {p["id"] for p in listed if p["target"] == PERSON}
    by_community: dict[str, int] = {}
    for r in eligible_rows:
        eligible[r["policy_id"]] = eligible.get(r["policy_id"], 0) + r["eligible"]
        if r["policy_id"] in person_ids:
            by_community[r["community_code"]] = by_community.get(r["community_code"], 0) + r["eligible"]
    reach = {c: min(paid.get(c, 0) / n, 1.0) if n else None for c, n in by_community.items()}
    return (builders.overview_text(view, builders.short_names(listed)), builders.figure_rows(figures, eligible),
            builders.reach_map(shapes, reach),
            builders.street_chart(streets), [{**r, "average": float(r["average"])} for r in rated])


def _refused(exc: DataUnavailable, fallback: str = "policies.error.other") -> str:
    refused = applications.refusal(exc)
    return t(f"policies.error.{refused.key}") if refused else t(fallback)
