"""The auditor's page: the audit log, filtered, and its export."""

from __future__ import annotations

from dash import dcc, html

from domain.audit import AUDIT_ACTIONS
from i18n import t
from layouts.audit import ids
from layouts.grid import dropdown_labels, simple_grid


def audit_page() -> html.Div:
    return html.Div(className="page", children=[
        html.Div(className="table-filters", children=[
            dcc.Dropdown(id=ids.AUDIT_ACTION, placeholder=t("audit.action"), labels=dropdown_labels(),
                         options=[{"label": t(f"action.{a}"), "value": a} for a in AUDIT_ACTIONS]),
            dcc.Input(id=ids.AUDIT_USER, placeholder=t("audit.username"), debounce=True, maxLength=40,
                      className="search"),
            dcc.DatePickerSingle(id=ids.AUDIT_SINCE, placeholder=t("audit.since"), display_format="YYYY-MM-DD"),
            html.A(t("audit.export"), id=ids.AUDIT_EXPORT, className="export csv", href="/export/audit.csv"),
        ]),
        simple_grid(ids.AUDIT_TABLE, [("at", "audit.col.at", 170), ("username", "audit.col.username", 120),
                                ("role", "audit.col.role", 100), ("action", "audit.col.action", 120),
                                ("area", "audit.col.area", 130), ("detail", "audit.col.detail", 420),
                                ("address", "audit.col.address", 120)]),
    ])
