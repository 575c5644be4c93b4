"""The auditor's page (the audit log) and the administrator's page (users)."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from i18n import t
from layouts import ids
from layouts.table import grid_locale

ACTIONS = ("login", "login_failed", "logout", "export", "reveal", "user_created", "user_disabled",
           "user_enabled", "password_reset", "refused", "import", "live_batch", "token_created", "token_revoked")
TOKEN_COLUMNS = [("name", "admin.col.integration", 160), ("description", "admin.integration_description", 220),
                 ("created_by", "admin.col.created_by", 120), ("created_at", "admin.col.created_at", 160),
                 ("last_used_at", "admin.col.last_used_at", 160), ("state", "admin.col.active", 100)]
ROLES = ("leader", "official", "community_worker", "data_operator", "auditor", "administrator")


def _header(title: str) -> html.Header:
    return html.Header(className="header", children=[
        html.H1(t("app.title")), html.Div(title, className="subtitle"),
        html.A(t("auth.logout"), href="/logout", className="big-link"),
    ])


def _grid(grid_id: str, columns: list[tuple[str, str, int]], selectable: bool = False) -> dag.AgGrid:
    options = {"pagination": True, "paginationPageSize": 50, "localeText": grid_locale()}
    if selectable:
        options["rowSelection"] = {"mode": "singleRow"}
    return dag.AgGrid(id=grid_id, rowData=[], className="ag-theme-alpine", style={"height": "560px"},
                      columnDefs=[{"field": f, "headerName": t(h), "width": w} for f, h, w in columns],
                      defaultColDef={"sortable": True, "resizable": True, "filter": True},
                      dashGridOptions=options)


def audit_page() -> html.Div:
    return html.Div(id=ids.AUDIT_PAGE, className="page", children=[
        _header(t("nav.audit")),
        html.Div(className="table-filters", children=[
            dcc.Dropdown(id=ids.AUDIT_ACTION, placeholder=t("audit.action"),
                         options=[{"label": t(f"action.{a}"), "value": a} for a in ACTIONS]),
            dcc.Input(id=ids.AUDIT_USER, placeholder=t("audit.username"), debounce=True, maxLength=40,
                      className="search"),
            dcc.DatePickerSingle(id=ids.AUDIT_SINCE, placeholder=t("audit.since"), display_format="YYYY-MM-DD"),
            html.A(t("audit.export"), id=ids.AUDIT_EXPORT, className="export csv", href="/export/audit.csv"),
        ]),
        _grid(ids.AUDIT_TABLE, [("at", "audit.col.at", 170), ("username", "audit.col.username", 120),
                                ("role", "audit.col.role", 100), ("action", "audit.col.action", 120),
                                ("area", "audit.col.area", 130), ("detail", "audit.col.detail", 420),
                                ("address", "audit.col.address", 120)]),
    ])


def admin_page() -> html.Div:
    return html.Div(id=ids.ADMIN_PAGE, className="page", children=[
        _header(t("nav.admin")),
        html.Div(id=ids.ADMIN_MESSAGE, className="message", role="alert"),
        html.Div(className="table-filters admin-form", children=[
            dcc.Input(id=ids.ADMIN_USERNAME, placeholder=t("admin.username"), maxLength=40, className="search"),
            dcc.Input(id=ids.ADMIN_NAME, placeholder=t("admin.display_name"), maxLength=40, className="search"),
            dcc.Dropdown(id=ids.ADMIN_ROLE, placeholder=t("admin.role"),
                         options=[{"label": t(f"role.{r}"), "value": r} for r in ROLES]),
            dcc.Input(id=ids.ADMIN_ORG, placeholder=t("admin.org"), maxLength=12, className="search"),
            html.Button(t("admin.create"), id=ids.ADMIN_CREATE, className="export"),
        ]),
        html.Div(className="exports", children=[
            html.Button(t("admin.disable"), id=ids.ADMIN_DISABLE, className="export warned"),
            html.Button(t("admin.enable"), id=ids.ADMIN_ENABLE, className="export cleared"),
            html.Button(t("admin.reset"), id=ids.ADMIN_RESET, className="export"),
        ]),
        _grid(ids.ADMIN_TABLE, [("username", "admin.username", 140), ("display_name", "admin.display_name", 160),
                                ("role_name", "admin.role", 120), ("org_code", "admin.org", 140),
                                ("state", "admin.col.active", 120)], selectable=True),
        html.H2(t("admin.integrations"), className="section-title"),
        html.P(t("admin.integrations_help"), className="note"),
        html.Div(id=ids.TOKEN_MESSAGE, className="message", role="alert"),
        html.Div(className="table-filters admin-form", children=[
            dcc.Input(id=ids.TOKEN_NAME, placeholder=t("admin.integration_name"), maxLength=40, className="search"),
            dcc.Input(id=ids.TOKEN_DESCRIPTION, placeholder=t("admin.integration_description"), maxLength=100,
                      className="search"),
            html.Button(t("admin.token_create"), id=ids.TOKEN_CREATE, className="export"),
            html.Button(t("admin.token_revoke"), id=ids.TOKEN_REVOKE, className="export warned"),
        ]),
        _grid(ids.TOKEN_TABLE, TOKEN_COLUMNS, selectable=True),
    ])
