"""The URL is the view: parsing, writing back, drilling, refusing what does not fit."""

from __future__ import annotations

import pytest

from layouts.view import View, drill, parse_view, view_search


def test_a_drilled_view_survives_the_round_trip_through_its_url():
    view = View("330105005000", "330105005051", "92330105947911632R", "yellow", "both", False)
    assert parse_view(view_search(view)) == (view, [])


def test_the_default_view_has_an_empty_query_string():
    assert view_search(View()) == ""
    assert parse_view("")[0] == View()


@pytest.mark.parametrize(
    ("search", "dropped"),
    [
        ("?street=33010500500", ["street"]),  # too short
        ("?street=330105005000&community=330105007051", ["community"]),  # not in that street
        ("?metric=%27%3B+DROP+TABLE+person", ["metric"]),
        ("?basis=everyone", ["basis"]),
        ("?street=330105005000&community=330105005051&enterprise=not-a-code", ["enterprise"]),
    ],
)
def test_invalid_parameters_are_dropped_and_named(search, dropped):
    view, names = parse_view(search)
    assert names == dropped
    assert view.metric in ("red_ratio",) or "metric" not in dropped


def test_a_community_alone_implies_its_street():
    assert parse_view("?community=330105005051")[0].street == "330105005000"


def test_clicks_drill_one_level_down():
    district = View()
    street = drill(district, "330105005051")
    assert (street.street, street.community) == ("330105005000", None)
    community = drill(street, "330105005052")
    assert community.community == "330105005052"
    enterprise = drill(community, "92330105947911632R", "330105005052")
    assert enterprise.level == "enterprise" and enterprise.enterprise == "92330105947911632R"
    assert enterprise.up_to("street") == View("330105005000")


def test_a_click_on_nothing_changes_nothing():
    view = View("330105005000")
    assert drill(view, None) == view
    assert drill(view, "x") == view


def test_a_map_click_without_a_place_changes_nothing(as_user):
    from dash import no_update

    from callbacks.colour_map.view import drill_from_map

    with as_user("official"):
        _clicks_lead_nowhere_or_one_level_down(drill_from_map, no_update)


def _clicks_lead_nowhere_or_one_level_down(drill_from_map, no_update) -> None:
    assert drill_from_map({"points": [{"curveNumber": 0}]}, "?street=330105005000") is no_update
    assert drill_from_map({"points": []}, "") is no_update
    assert drill_from_map({"points": [{"location": "330105005051"}]}, "?street=330105005000") == (
        "?street=330105005000&community=330105005051")
