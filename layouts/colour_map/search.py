"""The search box above the map: an enterprise, community or street by name or credit code, one click away."""

from __future__ import annotations

from dataclasses import replace

from dash import dcc, html

from i18n import t
from layouts.colour_map import ids
from layouts.view import View, view_search

SEARCH_DELAY = 0.3  # seconds after the last key before the search runs


def search_box() -> html.Div:
    return html.Div(className="place-search", role="search", children=[
        html.Label(t("search.label"), htmlFor=ids.SEARCH, className="sr-only"),
        dcc.Input(id=ids.SEARCH, type="search", debounce=SEARCH_DELAY, maxLength=100, autoComplete="off",
                  placeholder=t("search.placeholder"), className="search"),
        html.Div(id=ids.SEARCH_RESULTS, className="search-results"),
    ])


def place_view(view: View, place: dict) -> View:
    """The view that opens a place found by the search (keeping the metric and basis)."""
    top = view.up_to("district")
    if place["kind"] == "street":
        return replace(top, street=place["code"])
    community = place["community"]
    street = replace(top, street=community[:9] + "000", community=community)
    return replace(street, enterprise=place["code"]) if place["kind"] == "enterprise" else street


def search_results(places: list[dict], term: str, view: View) -> list:
    """The places found, each a link to its view; a line saying so when nothing was found."""
    if not term.strip():
        return []
    if not places:
        return [html.P(t("search.none", term=term.strip()), className="search-none")]
    return [html.Ul(className="search-list", children=[
        html.Li(dcc.Link([html.Span(t(f"search.kind.{p['kind']}"), className=f"search-kind kind-{p['kind']}"),
                          html.Span(p["name"], className="search-name"),
                          html.Span(p["place"], className="search-place")],
                         href="/" + view_search(place_view(view, p))), **{"data-code": p["code"]})
        for p in places
    ])]
