"""Layouts are pure builders; every component id is defined once and used."""

from __future__ import annotations

from layouts import ids
from layouts.page import map_page


def _ids_in(component) -> list[str]:
    found = []
    if getattr(component, "id", None) is not None:
        found.append(component.id)
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if hasattr(child, "to_plotly_json"):
            found += _ids_in(child)
    return found


def _defined_ids() -> dict[str, str]:
    return {name: value for name, value in vars(ids).items() if name.isupper() and isinstance(value, str)}


def test_no_two_id_constants_share_a_value():
    values = list(_defined_ids().values())
    assert len(values) == len(set(values))


def test_every_component_id_in_the_layout_is_unique_and_defined_in_ids():
    used = _ids_in(map_page())
    assert len(used) == len(set(used))
    assert set(used) <= set(_defined_ids().values())
    assert set(_defined_ids().values()) <= set(used)


def test_the_app_layout_validates():
    import app

    app.app._setup_server()  # Dash validates the layout and the callbacks' ids here
    assert app.app.layout is map_page
