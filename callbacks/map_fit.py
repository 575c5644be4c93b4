"""Maps fitted to their box on screen (assets/map_fit.js): the server's figure goes to a store, and the browser
puts it on the graph with its view fitted to the graph's own size, from the extent the server names
(layout.meta.fit). A laptop's shorter map or a phone's narrow one shows the whole drilled area."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State


def fit_to_box(app: Dash, store_id: str, graph_id: str) -> None:
    """Whenever the store gets a figure, draw it on the graph fitted to the graph's size (in the browser)."""
    app.clientside_callback(ClientsideFunction("map_fit", "fit"), Output(graph_id, "figure"),
                            Input(store_id, "data"), State(graph_id, "id"), prevent_initial_call=True)
