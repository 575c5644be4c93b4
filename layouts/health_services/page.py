"""The health-code services page: tabs for the appeals queue with its case, walk-in registration and
oversight. The layout takes no data; the builders below draw what callbacks bring."""

from __future__ import annotations

from dash import dcc, html

from domain.appeals import STATUSES, TIER_CHOICES
from i18n import t
from layouts.charts import graph_config
from layouts.grid import picking_grid, simple_grid
from layouts.health_services import ids

QUEUE_COLUMNS = [("id", "appeals.col.id", 80), ("name", "appeals.col.name", 90),
                 ("id_number", "appeals.col.id_number", 170), ("community", "appeals.col.community", 130),
                 ("change", "appeals.col.change", 130), ("submitted", "appeals.col.submitted_at", 150),
                 ("hours", "appeals.col.hours", 130), ("status_name", "appeals.col.status", 90),
                 ("waiting", "appeals.col.waiting", 110), ("channel_name", "appeals.col.channel", 90)]
AREA_COLUMNS = [("received", "appeals.col.received", 90), ("reviewed", "appeals.col.reviewed", 100),
                ("converted", "appeals.col.converted", 90), ("rejected", "appeals.col.rejected", 110),
                ("open", "appeals.col.open", 100), ("overdue", "appeals.col.overdue", 90),
                ("review_rate", "appeals.col.review_rate", 110), ("median_hours", "appeals.col.median_hours", 110),
                ("p95_hours", "appeals.col.p95_hours", 110)]


def _yes_no(component_id: str, yes: str = "appeals.yes", no: str = "appeals.no") -> dcc.RadioItems:
    return dcc.RadioItems(id=component_id, options=[{"label": t(yes), "value": True}, {"label": t(no), "value": False}],
                          inline=True, className="yes-no")


def _field(label: str, control) -> html.Label:
    return html.Label(className="appeal-field", children=[html.Span(t(label)), control])


DECISIONS = ("convert", "reject")
HIDDEN = {"display": "none"}  # controls a user may not use stay hidden until the callbacks show them


def _step(title: str, state_id: str, fields: list, save_id: str) -> html.Fieldset:
    return html.Fieldset(className="appeal-step", children=[
        html.Legend(t(title)), html.Div(id=state_id, className="note"), *fields,
        html.Button(t("appeals.step.save"), id=save_id, className="export", style=HIDDEN),
    ])


def case_panel() -> html.Div:
    return html.Div(id=ids.CASE_PANEL, className="appeal-case", style={"display": "none"}, children=[
        html.Div(id=ids.CASE_MESSAGE, className="message", role="alert"),
        html.Div(id=ids.CASE_HEADER),
        html.Div(className="appeal-columns", children=[
            html.Div(className="appeal-steps", children=[
                html.Fieldset(id=ids.STEPS_FORM, className="appeal-steps-form", disabled=True, children=[
                    _step("appeals.step.health", ids.HEALTH_STATE, [
                        _field("appeals.health.symptoms", _yes_no(ids.HEALTH_SYMPTOMS)),
                        _field("appeals.health.temperature", dcc.Input(id=ids.HEALTH_TEMPERATURE, type="number",
                                                                       min=34, max=43, step=0.1)),
                        _field("appeals.health.contact", _yes_no(ids.HEALTH_CONTACT))], ids.HEALTH_SAVE),
                    _step("appeals.step.movement", ids.MOVEMENT_STATE, [
                        _field("appeals.movement.key_area", _yes_no(ids.MOVEMENT_KEY_AREA)),
                        _field("appeals.movement.places", dcc.Input(id=ids.MOVEMENT_PLACES, maxLength=200))],
                          ids.MOVEMENT_SAVE),
                    _step("appeals.step.commitment", ids.COMMITMENT_STATE, [
                        _field("appeals.commitment.signed", _yes_no(ids.COMMITMENT_SIGNED, "appeals.signed_yes",
                                                                    "appeals.signed_no")),
                        dcc.Upload(id=ids.COMMITMENT_FILE, children=html.A(t("appeals.commitment.file")),
                                   className="appeal-upload", max_size=5 * 1024 * 1024, style=HIDDEN)],
                          ids.COMMITMENT_SAVE),
                ]),
                html.Fieldset(className="appeal-step", children=[
                    html.Legend(t("appeals.proposal")), html.Div(id=ids.PROPOSAL_SYSTEM),
                    html.Div(id=ids.PROPOSAL_ACTIONS, style=HIDDEN, children=[
                        _field("appeals.proposal.decision", dcc.RadioItems(
                            id=ids.PROPOSAL_DECISION, inline=True,
                            options=[{"label": t(f"appeals.decision.{d}"), "value": d} for d in DECISIONS])),
                        dcc.Input(id=ids.PROPOSAL_OVERRIDE, placeholder=t("appeals.proposal.override_reason"),
                                  maxLength=200, className="wide"),
                        html.Button(t("appeals.proposal.submit"), id=ids.PROPOSAL_SUBMIT, className="export"),
                    ]),
                ]),
                html.Fieldset(className="appeal-step", children=[
                    html.Legend(t("appeals.review")), html.Div(id=ids.REVIEW_HISTORY),
                    html.Div(id=ids.REVIEW_ACTIONS, style=HIDDEN, children=[
                        dcc.Input(id=ids.REVIEW_REASON, placeholder=t("appeals.review.reason"), maxLength=200,
                                  className="wide"),
                        html.Div(className="exports", children=[
                            html.Button(t("appeals.review.approve"), id=ids.REVIEW_APPROVE,
                                        className="export cleared"),
                            html.Button(t("appeals.review.send_back"), id=ids.REVIEW_SEND_BACK,
                                        className="export warned"),
                        ]),
                    ]),
                    html.Div(id=ids.REASSIGN_ROW, className="exports", style=HIDDEN, children=[
                        dcc.Dropdown(id=ids.REASSIGN_COMMUNITY, placeholder=t("appeals.reassign"),
                                     className="appeal-reassign"),
                        html.Button(t("appeals.reassign.submit"), id=ids.REASSIGN_SUBMIT, className="export"),
                    ]),
                ]),
                html.Fieldset(className="appeal-step", children=[
                    html.Legend(t("appeals.outcome")), html.Div(id=ids.OUTCOME, className="appeal-outcome")]),
            ]),
            html.Div(id=ids.CASE_RECORD, className="appeal-record"),
        ]),
    ])


def queue_grid():
    """The queue: a click on a row opens its case (no check boxes); rows keep their id across refreshes."""
    return picking_grid(ids.QUEUE_GRID, QUEUE_COLUMNS)


def queue_tab() -> html.Div:
    return html.Div(className="page", children=[
        html.Div(className="exports", children=[
            dcc.Checklist(id=ids.QUEUE_STATUS, inline=True, value=["open", "review"],
                          options=[{"label": t(f"appeals.status.{s}"), "value": s} for s in STATUSES]),
            html.Button(t("appeals.refresh"), id=ids.QUEUE_REFRESH, className="export"),
        ]),
        queue_grid(),
        html.P(t("appeals.pick"), className="note"),
        case_panel(),
    ])


def walk_in_tab() -> html.Div:
    colours = [{"label": t(f"colour.{c}"), "value": t(f"colour.{c}")} for c in ("red", "yellow", "green")]
    return html.Div(className="page appeal-walk-in", children=[
        html.Div(id=ids.WALK_IN_MESSAGE, className="message", role="alert"),
        _field("appeals.walk_in.id_number", dcc.Input(id=ids.WALK_IN_ID, maxLength=20)),
        _field("appeals.walk_in.current", dcc.RadioItems(id=ids.WALK_IN_CURRENT, options=colours[:2], inline=True,
                                                         className="yes-no")),
        _field("appeals.walk_in.requested", dcc.RadioItems(id=ids.WALK_IN_REQUESTED, options=colours[1:],
                                                           inline=True, className="yes-no")),
        _field("appeals.walk_in.reason", dcc.Input(id=ids.WALK_IN_REASON, maxLength=200, className="wide")),
        _field("appeals.walk_in.phone", dcc.Input(id=ids.WALK_IN_PHONE, maxLength=20)),
        html.Button(t("appeals.walk_in.submit"), id=ids.WALK_IN_SUBMIT, className="export"),
    ])


def _tier_choice(component_id: str, current: str, requested: str) -> html.Label:
    options = [{"label": " → ".join(t(f"appeals.tier.{x}") for x in c), "value": ",".join(c)} for c in TIER_CHOICES]
    return html.Label(className="appeal-field", children=[
            html.Span(t("appeals.config.rule", current=t(f"colour.{current}"), requested=t(f"colour.{requested}"))),
            dcc.Dropdown(id=component_id, options=options, clearable=False)])


def oversight_tab() -> html.Div:
    return html.Div(className="page", children=[
        html.Button(t("appeals.refresh"), id=ids.OVERSIGHT_REFRESH, className="export"),
        html.Div(id=ids.OVERSIGHT_KPIS, className="kpis"),
        html.H2(t("appeals.map.title"), className="section-title"),
        dcc.Store(id=ids.OVERSIGHT_MAP_DRAWN),
        html.Div(className="appeal-map", children=[
            dcc.Graph(id=ids.OVERSIGHT_MAP, config=graph_config(scrollZoom=True), style={"height": "560px"}),
            html.Div(id=ids.OVERSIGHT_LEGEND, className="legend"),
        ]),
        html.H2(t("appeals.decisions"), className="section-title"),
        html.Div(className="exports", children=[
            html.Label(className="appeal-field", children=[
                html.Span(t("appeals.decisions.day")),
                dcc.DatePickerSingle(id=ids.DECISIONS_DAY, display_format="YYYY-MM-DD", first_day_of_week=1,
                                     placeholder=t("appeals.decisions.today"), clearable=True)]),
            html.A(t("appeals.decisions.export"), id=ids.DECISIONS_LINK, href="", download="",
                   className="export xlsx", style={"display": "none"}),
        ]),
        html.H2(t("appeals.oversight.by_street"), className="section-title"),
        simple_grid(ids.OVERSIGHT_STREETS, [("name", "appeals.col.area", 140), *AREA_COLUMNS]),
        html.H2(t("appeals.oversight.by_community"), className="section-title"),
        simple_grid(ids.OVERSIGHT_COMMUNITIES, [("name", "appeals.col.area", 140),
                                                ("street", "appeals.col.street", 120), *AREA_COLUMNS]),
        html.Div(id=ids.CONFIG_SECTION, style=HIDDEN, children=[
            html.H2(t("appeals.config"), className="section-title"),
            html.Div(id=ids.CONFIG_MESSAGE, className="message", role="alert"),
            html.Div(className="appeal-config", children=[
                _tier_choice(ids.CONFIG_RED_GREEN, "red", "green"),
                _tier_choice(ids.CONFIG_RED_YELLOW, "red", "yellow"),
                _tier_choice(ids.CONFIG_YELLOW_GREEN, "yellow", "green"),
                _field("appeals.config.deadline", dcc.Input(id=ids.CONFIG_DEADLINE, type="number", min=1, max=720)),
                html.Button(t("appeals.config.save"), id=ids.CONFIG_SAVE, className="export"),
            ]),
        ]),
    ])


def services_page() -> html.Div:
    return html.Div(className="page", children=[
        dcc.Store(id=ids.CASE_ID), dcc.Store(id=ids.CASE_VERSION, data=0),
        # Tabs a user may not use stay hidden (the callbacks refuse them anyway); shown by callbacks.page.
        dcc.Tabs(id=ids.SERVICES_TABS, value="queue", children=[
            dcc.Tab(label=t("appeals.tab.queue"), value="queue", children=queue_tab()),
            dcc.Tab(id=ids.TAB_WALK_IN, label=t("appeals.tab.walk_in"), value="walk_in", children=walk_in_tab(),
                    style=HIDDEN),
            dcc.Tab(id=ids.TAB_OVERSIGHT, label=t("appeals.tab.oversight"), value="oversight",
                    children=oversight_tab(), style=HIDDEN),
        ]),
    ])
