"""The administrator's page: users, and the integration tokens of systems that call our APIs (each for the APIs
chosen)."""

from __future__ import annotations

from dash import dcc, html

from domain.integrations import APIS
from domain.roles import ROLES
from i18n import t
from layouts.grid import simple_grid
from layouts.users import ids

TOKEN_COLUMNS = [("name", "admin.col.integration", 160), ("description", "admin.integration_description", 220),
                 ("apis", "admin.col.apis", 260),
                 ("created_by", "admin.col.created_by", 120), ("created_at", "admin.col.created_at", 160),
                 ("last_used_at", "admin.col.last_used_at", 160), ("state", "admin.col.active", 100)]

def admin_page() -> html.Div:
    return html.Div(className="page", children=[
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
        simple_grid(ids.ADMIN_TABLE, [("username", "admin.username", 140), ("display_name", "admin.display_name", 160),
                                ("role_name", "admin.role", 120), ("org_code", "admin.org", 140),
                                ("state", "admin.col.active", 120)], selectable=True),
        html.H2(t("admin.integrations"), className="section-title"),
        html.P(t("admin.integrations_help"), className="note"),
        html.Div(id=ids.TOKEN_MESSAGE, className="message", role="alert"),
        html.Div(className="token-apis", children=[
            html.Span(t("admin.token_apis") + "：", className="note"),
            dcc.Checklist(id=ids.TOKEN_APIS, inline=True, value=[],
                          options=[{"label": t("api.name." + a), "value": a} for a in APIS]),
        ]),
        html.Div(className="table-filters admin-form", children=[
            dcc.Input(id=ids.TOKEN_NAME, placeholder=t("admin.integration_name"), maxLength=40, className="search"),
            dcc.Input(id=ids.TOKEN_DESCRIPTION, placeholder=t("admin.integration_description"), maxLength=100,
                      className="search"),
            html.Button(t("admin.token_create"), id=ids.TOKEN_CREATE, className="export"),
            html.Button(t("admin.token_revoke"), id=ids.TOKEN_REVOKE, className="export warned"),
        ]),
        simple_grid(ids.TOKEN_TABLE, TOKEN_COLUMNS, selectable=True),
    ])
