"""Revealing one person's full data: community workers only, within their area, always logged."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, ctx, no_update
from flask import has_request_context, request

from callbacks.access import Access, clamp_view, current_access
from data_access import enterprise_queries, users
from data_access.scope import Scope
from data_access.session import reading, writing
from i18n import t
from layouts import ids
from layouts.view import parse_view


@callback(Output(ids.REVEALED, "children"), Input(ids.reveal(ALL), "n_clicks"), State(ids.URL, "search"),
          prevent_initial_call=True)
def reveal_person(clicks: list, search: str | None):
    if not isinstance(ctx.triggered_id, dict) or not any(clicks or []):
        return no_update
    return reveal_text(current_access(), search, int(ctx.triggered_id["index"]))


def reveal_text(access: Access, search: str | None, index: int) -> str:
    """The full name, ID number and phone of row index of the enterprise in the URL, or why not."""
    view, refused = clamp_view(parse_view(search)[0], access)
    address = request.remote_addr if has_request_context() else None
    if not access.can_reveal or refused or not view.enterprise:
        with writing() as conn:
            users.record(conn, access.username, access.role, "refused", view.area,
                         {"asked": "reveal", "enterprise": view.enterprise}, address)
        return t("reveal.refused")
    with reading(access.scope) as conn:
        staff = enterprise_queries.non_green_employees(conn, Scope(view.area), view.enterprise, masked=False)
    if not 0 <= index < len(staff):
        return t("reveal.refused")
    person = staff[index]
    with writing() as conn:
        users.record(conn, access.username, access.role, "reveal", view.area,
                     {"enterprise": view.enterprise, "id_number": person["id_number"]}, address)
    return t("reveal.shown", name=person["name"], id_number=person["id_number"], phone=person["phone"] or "—")
