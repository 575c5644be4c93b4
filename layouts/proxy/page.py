"""The proxy-applications page (帮办代办): the agent's door-to-door list and contacts, the list of the area
with its reconciliation and assignments, and coverage (map, daily curve, workloads). The layout takes no
data; the builders below draw what callbacks bring."""

from __future__ import annotations

from dash import dcc, html

from domain.proxy import CHANNELS, OUTCOMES
from i18n import t
from layouts.charts import graph_config
from layouts.grid import picking_grid, simple_grid
from layouts.proxy import ids

WORK_COLUMNS = [("name", "proxy.col.name", 90), ("id_number", "proxy.col.id_number", 170),
                ("phone", "proxy.col.phone", 120), ("address", "proxy.col.address", 220),
                ("outcome_name", "proxy.col.outcome", 110), ("last_contact", "proxy.col.last_contact", 140),
                ("card_number", "proxy.col.card", 160), ("overdue_name", "proxy.col.overdue", 80)]
LIST_COLUMNS = [("name", "proxy.col.name", 90), ("id_number", "proxy.col.id_number", 170),
                ("community", "proxy.col.community", 120), ("source_name", "proxy.col.source", 110),
                ("agent_name", "proxy.col.agent", 150), ("outcome_name", "proxy.col.outcome", 110),
                ("last_contact", "proxy.col.last_contact", 140), ("overdue_name", "proxy.col.overdue", 80)]
AGENT_COLUMNS = [("display_name", "proxy.col.agent", 170), ("community", "proxy.col.community", 120),
                 ("assigned", "proxy.col.assigned", 90), ("applied", "proxy.col.applied", 90),
                 ("to_do", "proxy.col.to_do", 90), ("overdue", "proxy.col.overdue_count", 110)]
AREA_COLUMNS = [("listed", "proxy.col.listed", 90), ("needing", "proxy.col.needing", 90),
                ("applied", "proxy.col.applied", 90), ("rate_shown", "proxy.col.rate", 100),
                ("cards", "proxy.col.cards", 100), ("overdue", "proxy.col.overdue_count", 110)]


def _field(label: str, control) -> html.Label:
    return html.Label(className="appeal-field", children=[html.Span(t(label)), control])


def work_tab() -> html.Div:
    return html.Div(className="page", children=[
        html.Div(className="exports", children=[
            html.Button(t("proxy.refresh"), id=ids.WORK_REFRESH, className="export"),
            html.A(t("proxy.print"), href="/proxy/print", target="_blank", className="export"),
        ]),
        _grid(ids.WORK_GRID, WORK_COLUMNS),
        html.P(t("proxy.pick"), className="note"),
        html.Fieldset(className="appeal-step", children=[
            html.Legend(t("proxy.contact")), html.Div(id=ids.WORK_CHOSEN, className="note"),
            html.Div(id=ids.WORK_MESSAGE, className="message", role="alert"),
            _field("proxy.contact.channel", dcc.RadioItems(
                id=ids.WORK_CHANNEL, value="phone", inline=True, className="yes-no",
                options=[{"label": t(f"proxy.channel.{c}"), "value": c} for c in CHANNELS])),
            _field("proxy.contact.outcome", dcc.RadioItems(
                id=ids.WORK_OUTCOME, inline=True, className="yes-no",
                options=[{"label": t(f"proxy.outcome.{o}"), "value": o} for o in OUTCOMES])),
            _field("proxy.contact.note", dcc.Input(id=ids.WORK_NOTE, maxLength=200, className="wide")),
            html.Button(t("proxy.contact.save"), id=ids.WORK_SAVE, className="export"),
            _field("proxy.card", dcc.Input(id=ids.WORK_CARD, maxLength=24)),
            html.Button(t("proxy.card.bind"), id=ids.WORK_BIND, className="export"),
        ]),
    ])


def list_tab() -> html.Div:
    return html.Div(className="page", children=[
        html.Div(id=ids.LIST_KPIS, className="kpis"),
        html.Div(id=ids.LIST_MESSAGE, className="message", role="alert"),
        html.Div(className="exports", children=[
            dcc.Dropdown(id=ids.LIST_AGENT, placeholder=t("proxy.assign.agent"), className="appeal-reassign"),
            html.Button(t("proxy.assign.submit"), id=ids.LIST_ASSIGN, className="export"),
        ]),
        _grid(ids.LIST_GRID, LIST_COLUMNS, multiple=True),
        html.H2(t("proxy.agents"), className="section-title"),
        simple_grid(ids.AGENTS_GRID, AGENT_COLUMNS),
    ])


def coverage_tab() -> html.Div:
    return html.Div(className="page", children=[
        html.Button(t("proxy.refresh"), id=ids.COVERAGE_REFRESH, className="export"),
        html.Div(id=ids.COVERAGE_KPIS, className="kpis"),
        dcc.Store(id=ids.COVERAGE_MAP_DRAWN),
        html.Div(className="proxy-map", children=[
            dcc.Graph(id=ids.COVERAGE_MAP, config=graph_config(scrollZoom=True), style={"height": "560px"}),
            html.Div(id=ids.COVERAGE_LEGEND, className="legend"),
        ]),
        dcc.Graph(id=ids.COVERAGE_PROGRESS, config=graph_config()),
        html.H2(t("proxy.by_street"), className="section-title"),
        simple_grid(ids.COVERAGE_STREETS, [("name", "proxy.col.area", 140), *AREA_COLUMNS]),
        html.H2(t("proxy.by_community"), className="section-title"),
        simple_grid(ids.COVERAGE_COMMUNITIES, [("name", "proxy.col.area", 140), ("street", "proxy.col.street", 120),
                                               *AREA_COLUMNS]),
        html.H2(t("proxy.agents"), className="section-title"),
        simple_grid(ids.COVERAGE_AGENTS, AGENT_COLUMNS),
    ])


def _grid(grid_id: str, columns, multiple: bool = False):
    """A list whose rows keep their id (the list's number, never the ID number) across refreshes."""
    return picking_grid(grid_id, columns, multiple)


def proxy_page() -> html.Div:
    return html.Div(className="page", children=[
        dcc.Store(id=ids.WORK_PERSON), dcc.Store(id=ids.WORK_VERSION, data=0),
        dcc.Tabs(id=ids.TABS, value="work", children=[
            dcc.Tab(label=t("proxy.tab.work"), value="work", children=work_tab()),
            dcc.Tab(label=t("proxy.tab.list"), value="list", children=list_tab()),
            dcc.Tab(label=t("proxy.tab.coverage"), value="coverage", children=coverage_tab()),
        ]),
    ])
