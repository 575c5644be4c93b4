"""Modules are declared once and registered explicitly: every component id is defined once, every id a
layout draws has a registered callback behind it, and every callback's output is drawn by some layout."""

from __future__ import annotations

import json

import pytest

from layouts.colour_map import ids as map_ids
from layouts.enterprises import ids as enterprise_ids
from tests.helpers import id_modules

ID_MODULES = id_modules()


@pytest.fixture(scope="module")
def dash_app():
    import app

    return app.app


def _ids_in(component) -> list:
    found = []
    if getattr(component, "id", None) is not None:
        found.append(component.id)
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            found += _ids_in(child)
    return found


def _name(component_id) -> str:
    """A plain id, or the type of a pattern-matching id (a dict, or its JSON as Dash keeps it)."""
    if isinstance(component_id, str) and component_id.startswith("{"):
        component_id = json.loads(component_id)
    return component_id["type"] if isinstance(component_id, dict) else component_id


def _defined() -> list[str]:
    return [v for m in ID_MODULES for k, v in vars(m).items() if k.isupper() and isinstance(v, str)]


def _callback_ids(dash_app) -> tuple[set[str], set[str]]:
    """(ids a registered callback reads or writes, ids a registered callback writes)."""
    touched, written = set(), set()
    for spec in dash_app._callback_list:
        for item in spec["inputs"] + spec["state"]:
            touched.add(_name(item["id"]))
        for part in spec["output"].strip(".").split("..."):
            written.add(_name(part.split("@")[0].rsplit(".", 1)[0]))
    for spec in dash_app.callback_map.values():  # a background callback's progress outputs
        written |= {_name(o.component_id) for o in (spec.get("background") or {}).get("progress", [])}
    return touched | written, written


def test_no_two_id_constants_share_a_value_across_all_modules():
    values = _defined()
    assert len(values) == len(set(values)), sorted(v for v in values if values.count(v) > 1)


def test_every_id_is_drawn_once_and_defined_in_an_ids_module(dash_app):
    used = _ids_in(dash_app.validation_layout)
    assert len(used) == len({json.dumps(u, sort_keys=True) for u in used})
    assert {_name(u) for u in used} == set(_defined())


def test_every_drawn_id_has_a_registered_callback_and_every_output_is_drawn(dash_app):
    drawn = {_name(u) for u in _ids_in(dash_app.validation_layout)}
    touched, written = _callback_ids(dash_app)
    assert drawn - touched == set(), "ids no callback reads or writes"
    assert written - drawn == set(), "callback outputs no layout draws"


def test_the_reveal_button_has_its_callback_in_the_running_app(dash_app):
    """Registered by the module list, not by a test importing a module (it once did nothing in production)."""
    _, written = _callback_ids(dash_app)
    assert map_ids.REVEALED in written


def test_the_app_validates_its_callbacks_against_every_page(dash_app):
    from layouts.shell import shell

    dash_app._setup_server()  # Dash checks the callbacks' ids against validation_layout here
    assert dash_app.layout is shell


def test_pattern_ids_come_from_ids_functions():
    assert enterprise_ids.table("k") == {"type": enterprise_ids.TABLE, "key": "k"}
    assert map_ids.reveal(3) == {"type": map_ids.REVEAL, "index": 3}


def test_modules_are_registered_by_the_list_and_each_has_a_layout_without_data(dash_app):
    import app

    names = [m.name for m in app.MODULES]
    assert names[:8] == ["colour_map", "enterprises", "warnings", "statistics", "imports", "bigscreen", "audit",
                         "users"]
    assert len(ID_MODULES) == 1 + len(names)  # the shell's ids and one ids module per module
    for module in app.MODULES:
        assert module.layout() is not None  # a layout takes no data and does no I/O
