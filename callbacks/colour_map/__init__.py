"""The three-colour map module: the page at /, drill-down to one enterprise, revealing one person."""

from __future__ import annotations

from dash import Dash, html

from callbacks.colour_map import history, reveal, search, view
from callbacks.modules import Module
from domain.permissions import READ_MAP
from layouts.colour_map import ids
from layouts.colour_map.page import map_page


def _callbacks(app: Dash) -> None:
    view.register(app)
    reveal.register(app)
    search.register(app)
    history.register(app)


MODULE = Module(
    name="colour_map", label="nav.map", subtitle="app.subtitle", action=READ_MAP, path="/", layout=map_page,
    callbacks=_callbacks,
    # drawn inside the enterprise panel by show_view
    fragments=lambda: [html.Div(id=ids.REVEALED), html.Button(id=ids.reveal(0))],
)
