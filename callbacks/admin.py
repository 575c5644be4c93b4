"""Callbacks of the auditor's and the administrator's pages. Each checks the role before anything else."""

from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import urlencode

from dash import Input, Output, State, callback, ctx, no_update
from flask import has_request_context, request

from callbacks.access import Access, NotAllowed, current_access
from data_access import integrations, users
from data_access.session import writing
from i18n import t
from layouts import ids
from layouts.formatting import CST


@callback(Output(ids.AUDIT_TABLE, "rowData"), Output(ids.AUDIT_EXPORT, "href"),
          Input(ids.AUDIT_ACTION, "value"), Input(ids.AUDIT_USER, "value"), Input(ids.AUDIT_SINCE, "date"))
def show_audit_log(action: str | None, username: str | None, since: str | None):
    access = current_access()
    return audit_view(access, action, username, since)


def audit_since(since: str | None) -> datetime | None:
    return datetime.combine(date.fromisoformat(since[:10]), time(0), CST) if since else None


def audit_view(access: Access, action: str | None, username: str | None, since: str | None):
    if access.role != "auditor":
        raise NotAllowed(access.role)
    with writing() as conn:
        rows = users.audit_rows(conn, action or None, (username or "").strip() or None, audit_since(since))
    shown = [{**r, "at": r["at"].astimezone(CST).strftime("%Y-%m-%d %H:%M:%S"),
              "action": t(f"action.{r['action']}"), "role": t(f"role.{r['role']}") if r["role"] else ""}
             for r in rows]
    query = urlencode({k: v for k, v in {"action": action, "user": username, "since": since}.items() if v})
    return shown, "/export/audit.csv" + ("?" + query if query else "")


@callback(
    Output(ids.ADMIN_TABLE, "rowData"), Output(ids.ADMIN_MESSAGE, "children"),
    Input(ids.ADMIN_CREATE, "n_clicks"), Input(ids.ADMIN_DISABLE, "n_clicks"), Input(ids.ADMIN_ENABLE, "n_clicks"),
    Input(ids.ADMIN_RESET, "n_clicks"),
    State(ids.ADMIN_USERNAME, "value"), State(ids.ADMIN_NAME, "value"), State(ids.ADMIN_ROLE, "value"),
    State(ids.ADMIN_ORG, "value"), State(ids.ADMIN_TABLE, "selectedRows"),
)
def manage_users(_create, _disable, _enable, _reset, username, name, role, org, selected):
    action = ctx.triggered_id if isinstance(ctx.triggered_id, str) else None
    return user_admin(current_access(), action, {"username": username, "name": name, "role": role, "org": org},
                      (selected or [{}])[0].get("username"))


def user_admin(access: Access, action: str | None, form: dict, chosen: str | None) -> tuple[list, str]:
    """Carry out one administrator action; returns the users and a message."""
    if access.role != "administrator":
        raise NotAllowed(access.role)
    address = request.remote_addr if has_request_context() else None
    message = ""
    try:
        with writing() as conn:
            if action == ids.ADMIN_CREATE:
                user, password = users.create_user(conn, (form["username"] or "").strip().lower(),
                                                   (form["name"] or "").strip() or "-", form["role"] or "",
                                                   (form["org"] or "").strip())
                users.record(conn, access.username, access.role, "user_created", user.org_code,
                             {"user": user.username, "role": user.role}, address)
                message = t("admin.created", username=user.username, password=password)
            elif action in (ids.ADMIN_DISABLE, ids.ADMIN_ENABLE, ids.ADMIN_RESET) and chosen:
                message = _change(conn, access, action, chosen, address)
            rows = users.list_users(conn)
    except users.UserError as exc:
        return no_update, t(str(exc))
    state = {True: t("admin.active"), False: t("admin.inactive")}
    return [{**r, "role_name": t(f"role.{r['role']}"),
             "state": state[r["active"]] + ("（" + t("admin.demo") + "）" if r["demo_password"] else "")}
            for r in rows], message


@callback(
    Output(ids.TOKEN_TABLE, "rowData"), Output(ids.TOKEN_MESSAGE, "children"),
    Input(ids.TOKEN_CREATE, "n_clicks"), Input(ids.TOKEN_REVOKE, "n_clicks"),
    State(ids.TOKEN_NAME, "value"), State(ids.TOKEN_DESCRIPTION, "value"), State(ids.TOKEN_TABLE, "selectedRows"),
)
def manage_integrations(_create, _revoke, name, description, selected):
    action = ctx.triggered_id if isinstance(ctx.triggered_id, str) else None
    return integration_admin(current_access(), action, (name or "").strip().lower(), (description or "").strip(),
                             (selected or [{}])[0].get("name"))


def integration_admin(access: Access, action: str | None, name: str, description: str,
                      chosen: str | None) -> tuple[list, str]:
    """Create a token (shown once) or revoke one; returns the integrations and a message."""
    if access.role != "administrator":
        raise NotAllowed(access.role)
    address = request.remote_addr if has_request_context() else None
    message = ""
    try:
        with writing() as conn:
            if action == ids.TOKEN_CREATE:
                token = integrations.create_token(conn, name, access.username, description)
                users.record(conn, access.username, access.role, "token_created", None, {"integration": name}, address)
                message = t("admin.token_created", name=name, token=token)
            elif action == ids.TOKEN_REVOKE and chosen:
                integrations.revoke_token(conn, chosen)
                users.record(conn, access.username, access.role, "token_revoked", None, {"integration": chosen},
                             address)
                message = t("cli.token_revoked", name=chosen)
            rows = integrations.list_integrations(conn)
    except integrations.TokenError as exc:
        return no_update, t(str(exc))
    shown = [{**r, "created_at": _when(r["created_at"]), "last_used_at": _when(r["last_used_at"]),
              "state": t("admin.active") if r["active"] else t("admin.inactive")} for r in rows]
    return shown, message


def _when(value: datetime | None) -> str:
    return value.astimezone(CST).strftime("%Y-%m-%d %H:%M") if value else ""


def _change(conn, access: Access, action: str, username: str, address: str | None) -> str:
    if action == ids.ADMIN_RESET:
        password = users.reset_password(conn, username)
        users.record(conn, access.username, access.role, "password_reset", None, {"user": username}, address)
        return t("admin.reset_done", username=username, password=password)
    active = action == ids.ADMIN_ENABLE
    if username == access.username and not active:
        raise users.UserError("user.self")
    users.set_active(conn, username, active)
    users.record(conn, access.username, access.role, "user_enabled" if active else "user_disabled", None,
                 {"user": username}, address)
    return t("cli.user_enabled" if active else "cli.user_disabled", username=username)
