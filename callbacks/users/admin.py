"""Callbacks of the administrator's page: users and integration tokens. Each change is one unit of work
with its audit row; PostgreSQL checks that it lies in the administrator's area."""

from __future__ import annotations

from datetime import datetime

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.gate import ensure, require
from data_access.session import writing
from data_access.users import accounts, integrations
from domain.actor import Actor
from domain.permissions import MANAGE_TOKENS, MANAGE_USERS
from i18n import t
from layouts.formatting import beijing_time
from layouts.users import ids


def register(app: Dash) -> None:
    app.callback(
        Output(ids.ADMIN_TABLE, "rowData"), Output(ids.ADMIN_MESSAGE, "children"),
        Input(ids.ADMIN_CREATE, "n_clicks"), Input(ids.ADMIN_DISABLE, "n_clicks"),
        Input(ids.ADMIN_ENABLE, "n_clicks"), Input(ids.ADMIN_RESET, "n_clicks"),
        State(ids.ADMIN_USERNAME, "value"), State(ids.ADMIN_NAME, "value"), State(ids.ADMIN_ROLE, "value"),
        State(ids.ADMIN_ORG, "value"), State(ids.ADMIN_TABLE, "selectedRows"),
    )(manage_users)
    app.callback(
        Output(ids.TOKEN_TABLE, "rowData"), Output(ids.TOKEN_MESSAGE, "children"),
        Input(ids.TOKEN_CREATE, "n_clicks"), Input(ids.TOKEN_REVOKE, "n_clicks"),
        State(ids.TOKEN_NAME, "value"), State(ids.TOKEN_DESCRIPTION, "value"), State(ids.TOKEN_APIS, "value"),
        State(ids.TOKEN_TABLE, "selectedRows"),
    )(manage_integrations)


def manage_users(_create, _disable, _enable, _reset, username, name, role, org, selected):
    action = ctx.triggered_id if isinstance(ctx.triggered_id, str) else None
    return user_admin(require(MANAGE_USERS), action, {"username": username, "name": name, "role": role, "org": org},
                      (selected or [{}])[0].get("username"))


def user_admin(actor: Actor, action: str | None, form: dict, chosen: str | None) -> tuple[list, str]:
    """Carry out one administrator action; returns the users and a message."""
    ensure(actor, MANAGE_USERS)
    message = ""
    try:
        with writing(actor) as work:
            if action == ids.ADMIN_CREATE:
                user, password = accounts.create_user(work.conn, (form["username"] or "").strip().lower(),
                                                      (form["name"] or "").strip() or "-", form["role"] or "",
                                                      (form["org"] or "").strip(), within=actor.scope)
                work.audit("user_created", user.org_code, {"user": user.username, "role": user.role})
                message = t("admin.created", username=user.username, password=password)
            elif action in (ids.ADMIN_DISABLE, ids.ADMIN_ENABLE, ids.ADMIN_RESET) and chosen:
                message = _change(work, action, chosen)
            rows = accounts.list_users(work.conn)
    except accounts.UserError as exc:
        return no_update, t(str(exc))
    state = {True: t("admin.active"), False: t("admin.inactive")}
    return [{**r, "role_name": t(f"role.{r['role']}"),
             "state": state[r["active"]] + ("（" + t("admin.demo") + "）" if r["demo_password"] else "")}
            for r in rows], message


def _change(work, action: str, username: str) -> str:
    if action == ids.ADMIN_RESET:
        password = accounts.reset_password(work.conn, username)
        work.audit("password_reset", None, {"user": username})
        return t("admin.reset_done", username=username, password=password)
    active = action == ids.ADMIN_ENABLE
    if username == work.actor.username and not active:
        raise accounts.UserError("user.self")
    accounts.set_active(work.conn, username, active)
    work.audit("user_enabled" if active else "user_disabled", None, {"user": username})
    return t("cli.user_enabled" if active else "cli.user_disabled", username=username)


def manage_integrations(_create, _revoke, name, description, apis, selected):
    action = ctx.triggered_id if isinstance(ctx.triggered_id, str) else None
    return integration_admin(require(MANAGE_TOKENS), action, (name or "").strip().lower(),
                             (description or "").strip(), (selected or [{}])[0].get("name"), apis or [])


def integration_admin(actor: Actor, action: str | None, name: str, description: str,
                      chosen: str | None, apis: list[str] = ()) -> tuple[list, str]:
    """Create a token (shown once) for the chosen APIs, or revoke one; returns the integrations and a message."""
    ensure(actor, MANAGE_TOKENS)
    message = ""
    try:
        with writing(actor) as work:
            if action == ids.TOKEN_CREATE:
                token = integrations.create_token(work.conn, name, actor.username, description, apis=apis)
                work.audit("token_created", None, {"integration": name, "apis": list(apis)})
                message = t("admin.token_created", name=name, token=token)
            elif action == ids.TOKEN_REVOKE and chosen:
                integrations.revoke_token(work.conn, chosen)
                work.audit("token_revoked", None, {"integration": chosen})
                message = t("cli.token_revoked", name=chosen)
            rows = integrations.list_integrations(work.conn)
    except integrations.TokenError as exc:
        return no_update, t(str(exc))
    shown = [{**r, "apis": "、".join(t("api.short." + a) for a in r["apis"]),
              "created_at": _when(r["created_at"]), "last_used_at": _when(r["last_used_at"]),
              "state": t("admin.active") if r["active"] else t("admin.inactive")} for r in rows]
    return shown, message


def _when(value: datetime | None) -> str:
    return beijing_time(value) if value else ""
