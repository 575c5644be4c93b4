"""The map page's search: places of the user's area by name or credit code; Enter opens the first."""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update

from callbacks.gate import require
from data_access.colour_map import queries
from data_access.session import DataUnavailable, reading
from domain.actor import Actor
from domain.permissions import READ_MAP
from layouts.colour_map import ids
from layouts.colour_map.search import place_view, search_results
from layouts.ids import URL
from layouts.view import parse_view, view_search

SHOWN = 10  # places listed under the box


def register(app: Dash) -> None:
    app.callback(Output(ids.SEARCH_RESULTS, "children"), Input(ids.SEARCH, "value"), State(URL, "search"),
                 prevent_initial_call=True)(show_matches)
    app.callback(Output(URL, "search", allow_duplicate=True), Output(ids.SEARCH, "value"),
                 Input(ids.SEARCH, "n_submit"), State(ids.SEARCH, "value"), State(URL, "search"),
                 prevent_initial_call=True)(open_first_match)
    # A view opened (from the list, the map or a link) closes the list: the box empties, in the browser
    # (an empty box is left alone, so a drill does not ask the server for no matches).
    app.clientside_callback("(search, term) => term ? '' : window.dash_clientside.no_update",
                            Output(ids.SEARCH, "value", allow_duplicate=True),
                            Input(URL, "search"), State(ids.SEARCH, "value"), prevent_initial_call=True)


def show_matches(term: str | None, search: str | None):
    actor = require(READ_MAP)
    return search_results(matches(actor, term), term or "", parse_view(search)[0])


def open_first_match(_submits: int | None, term: str | None, search: str | None):
    found = matches(require(READ_MAP), term)
    if not found:
        return no_update, no_update
    return view_search(place_view(parse_view(search)[0], found[0])) or "?", ""


def matches(actor: Actor, term: str | None) -> list[dict]:
    """Places of the user's whole area (not only the view's) whose name holds term; none for no term."""
    if not (term or "").strip() or len(term) > 100:
        return []
    try:
        with reading(actor) as conn:
            return queries.find_places(conn, actor.scope, term, SHOWN)
    except DataUnavailable:
        return []
