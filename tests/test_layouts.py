"""Layouts are pure builders; every component id is defined once in layouts/ids.py and used."""

from __future__ import annotations

import json

from layouts import ids
from layouts.page import shell


def _ids_in(component) -> list:
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


def _name(component_id) -> str:
    """A plain id, or the type of a pattern-matching id."""
    return component_id["type"] if isinstance(component_id, dict) else component_id


def test_no_two_id_constants_share_a_value():
    values = list(_defined_ids().values())
    assert len(values) == len(set(values))


def test_every_component_id_in_the_app_is_unique_and_defined_in_ids():
    import app

    used = _ids_in(app.app.validation_layout)
    assert len(used) == len({json.dumps(u, sort_keys=True) for u in used})
    names = {_name(u) for u in used}
    assert names <= set(_defined_ids().values())
    assert set(_defined_ids().values()) <= names


def test_pattern_ids_come_from_ids_functions():
    assert ids.table("k") == {"type": ids.TABLE, "key": "k"}


def test_the_app_validates_its_callbacks_against_every_page():
    import app

    app.app._setup_server()  # Dash checks the callbacks' ids against validation_layout here
    assert app.app.layout is shell
    assert {_name(i) for i in _ids_in(app.app.validation_layout)} >= {ids.MAP, ids.BIG_MAP, ids.TABLE}
