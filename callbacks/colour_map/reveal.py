"""Revealing one person's full data: community workers only, within their area, always logged."""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from callbacks.gate import clamp_view, current_actor
from data_access.colour_map import queries
from data_access.session import reading, writing
from domain.actor import Actor
from domain.divisions import Scope
from domain.permissions import REVEAL_PERSON
from i18n import t
from layouts.colour_map import ids
from layouts.ids import URL
from layouts.view import parse_view


def register(app: Dash) -> None:
    app.callback(Output(ids.REVEALED, "children"), Input(ids.reveal(ALL), "n_clicks"), State(URL, "search"),
                 prevent_initial_call=True)(reveal_person)


def reveal_person(clicks: list, search: str | None):
    if not isinstance(ctx.triggered_id, dict) or not any(clicks or []):
        return no_update
    return reveal_text(current_actor(), search, int(ctx.triggered_id["index"]))


def reveal_text(actor: Actor, search: str | None, index: int) -> str:
    """The full name, ID number and phone of row index of the enterprise in the URL, or why not.

    A refusal is audited too (someone tried), so the gate's check is made here rather than by require().
    """
    view, refused = clamp_view(parse_view(search)[0], actor, see_people=True)
    if not actor.may(REVEAL_PERSON) or refused or not view.enterprise:
        with writing(actor) as work:
            work.audit("refused", view.area, {"asked": "reveal", "enterprise": view.enterprise})
        return t("reveal.refused")
    with reading(actor) as conn:
        staff = queries.non_green_employees(conn, Scope(view.area), view.enterprise, masked=False)
    if not 0 <= index < len(staff):
        return t("reveal.refused")
    person = staff[index]
    with writing(actor) as work:
        work.audit("reveal", view.area, {"enterprise": view.enterprise, "id_number": person["id_number"]})
    return t("reveal.shown", name=person["name"], id_number=person["id_number"], phone=person["phone"] or "—")
