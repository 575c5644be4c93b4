"""Callbacks of the scoreboard page: one drawing of the headlines and the rankings for the user's area."""

from __future__ import annotations

import orjson
from dash import Dash, Input, Output

from callbacks.answers import encoded
from callbacks.gate import require
from data_access.scoreboard_views.board import board_for, street_place
from data_access.session import DataUnavailable
from data_access.settings import settings
from domain.permissions import READ_SCOREBOARD
from i18n import t
from layouts.scoreboard import ids
from layouts.scoreboard import page as builders


def register(app: Dash) -> None:
    app.callback(Output(ids.SB_HEADLINES, "children"), Output(ids.SB_MEASURE, "options"),
                 Output(ids.SB_STREETS, "children"), Output(ids.SB_COMMUNITIES, "children"),
                 Output(ids.SB_WEIGHTS, "children"), Output(ids.SB_PLACE, "children"),
                 Output(ids.SB_MESSAGE, "children"), Input(ids.SB_MEASURE, "value"))(show_scoreboard)


def show_scoreboard(measure: str | None):
    actor = require(READ_SCOREBOARD)
    try:
        content = board_for(actor, settings().scoreboard_weights)
    except DataUnavailable:
        return [], [], [], [], "", "", t("scoreboard.error")
    return drawn(content, measure or builders.COMBINED)


def drawn(content: dict, measure: str) -> tuple:
    """The page's outputs for a measure as JSON fragments, drawn once per kept board (99 communities' rows
    are some 20 ms to build and as much to serialise; a kept board's page then costs neither)."""
    if measure not in {m["key"] for m in content["measures"]}:
        measure = builders.COMBINED  # whatever else a request names (nothing unbounded is kept)
    kept = content.setdefault("drawn", {})
    if measure not in kept:
        kept[measure] = tuple(orjson.Fragment(encoded(v)) for v in (*page_parts(content, measure), ""))
    return kept[measure]


def page_parts(content: dict, measure: str) -> tuple:
    """Headlines, measure options, the streets' and the communities' rankings, weights, the own street's place."""
    goods = {m["key"]: m["good"] for m in content["measures"]}
    if measure not in goods:
        measure = builders.COMBINED
    key = "combined" if measure == builders.COMBINED else measure
    streets = content["streets_combined"] if key == "combined" else content["streets"][key]
    communities = content["communities_combined"] if key == "combined" else content["communities"].get(key, [])
    good = goods.get(key, "high")
    place, count = street_place(content)
    return (builders.headline_items(content["sentences"]), builders.measure_options(content["measures"]),
            builders.ranking_table(t("scoreboard.rank.streets"), key, good, streets, content["own_street"]),
            builders.ranking_table(t("scoreboard.rank.communities"), key, good, communities),
            builders.weights_line(content["weights"]),
            t("scoreboard.street_place", count=count, place=place) if place else "")
