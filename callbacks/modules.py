"""A module is one declared thing: its name, label, the action that shows it, its layout, its callbacks and
routes. app.py lists the modules explicitly; the router, the navigation and the tabs are built from the list.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from dash import Dash
from flask import Flask, request

from callbacks.gate import NotAllowed, current_actor, record_refusal
from callbacks.inputs import BadInput, json_body


def _nothing(_target) -> None:
    return None


def _idle() -> None:
    return None


@dataclass(frozen=True)
class Module:
    name: str
    label: str  # i18n key of the navigation entry or tab
    action: str  # the permission (domain.permissions) that shows the module to a user
    layout: Callable[[], object]  # the module's component tree; takes no data, does no I/O
    callbacks: Callable[[Dash], None] = _nothing  # registers the module's callbacks on the app
    routes: Callable[[Flask], None] = _nothing  # registers the module's downloads (people, behind its action)
    api: Callable[[Flask], None] = _nothing  # registers the routes systems call with their own tokens ...
    api_paths: frozenset[str] = frozenset()  # ... at these paths (the login gate lets them through)
    public: Callable[[Flask], None] = _nothing  # registers pages for anyone, no login (a phone's declaration)
    path: str | None = None  # a page of its own at this path ...
    tab_of: str | None = None  # ... or a tab under the page of the named module (sharing its URL's area)
    subtitle: str | None = None  # i18n key of the page's subtitle (default: the label)
    nav: bool = True  # a page listed in the header's navigation
    new_window: bool = False  # its navigation entry opens a new window (the big screen)
    framed: bool = True  # drawn inside the header and navigation (the big screen is not)
    fragments: Callable[[], list] = field(default=lambda: [])  # parts callbacks draw later (for validation)
    background: Callable[[], object] = _idle  # starts the module's work on a schedule (each server process)

    def __post_init__(self) -> None:
        if (self.path is None) == (self.tab_of is None):
            raise ValueError(f"module {self.name}: exactly one of path and tab_of")


def check_modules(modules: tuple[Module, ...]) -> None:
    """Names and paths unique, every tab under a page that exists: a wrong list fails at start-up."""
    names = [m.name for m in modules]
    paths = [m.path for m in modules if m.path]
    if len(set(names)) != len(names) or len(set(paths)) != len(paths):
        raise ValueError("module names and paths must be unique")
    pages = {m.name for m in modules if m.path}
    missing = {m.tab_of for m in modules if m.tab_of} - pages
    if missing:
        raise ValueError(f"tabs under unknown pages: {sorted(missing)}")


def api_paths(modules: tuple[Module, ...]) -> set[str]:
    """The modules' routes for systems (their own tokens, not people)."""
    return set().union(*(m.api_paths for m in modules))


def register_public(server: Flask, modules: tuple[Module, ...]) -> set[str]:
    """The modules' pages for anyone (no login): the endpoints they register, which alone the login gate lets
    through by name (not by a path prefix), each one the module's own narrow door."""
    before = {rule.endpoint for rule in server.url_map.iter_rules()}
    for module in modules:
        module.public(server)
    return {rule.endpoint for rule in server.url_map.iter_rules()} - before


def start_background(modules: tuple[Module, ...]) -> None:
    """Each module's scheduled work, started once the app is made (in every server process)."""
    for module in modules:
        module.background()


def register_modules(app: Dash, modules: tuple[Module, ...]) -> dict[str, str]:
    """Each module's callbacks and routes, each behind the gate for the module's action: a role that may not
    see a module gets 403 from all of it before any of its code runs (a background job's requests too).

    Returns the action of each callback (by its output key, as the browser names it) and route (endpoint).
    """
    actions: dict[str, str] = {}
    for module in modules:
        before = _registered(app)
        module.callbacks(app)
        module.routes(app.server)
        actions |= dict.fromkeys(_registered(app) - before, module.action)
        module.api(app.server)  # systems, not people: each route checks its own token
        module.public(app.server)  # no login: the page checks its form token and the database limits it
    app.server.before_request(lambda: _gate(app, actions))
    return actions


def _registered(app: Dash) -> set[str]:
    return set(app.callback_map) | {rule.endpoint for rule in app.server.url_map.iter_rules()}


def _gate(app: Dash, actions: dict[str, str]) -> None:
    """NotAllowed (403) for a callback or route of a module the user may not see; BadInput for a callback
    the app does not have (or one that runs in the browser): Dash would answer those with a 500."""
    key = request.endpoint
    if request.path == app.config.routes_pathname_prefix + "_dash-update-component":
        body = json_body()
        key = body.get("output") if isinstance(body, dict) else None
        if not isinstance(key, str) or app.callback_map.get(key, {}).get("callback") is None:
            raise BadInput("input.unknown_callback")
    action = actions.get(key)
    if action is None:
        return
    actor = current_actor()
    if not actor.may(action):
        record_refusal(actor, None, request.full_path if key == request.endpoint else key)
        raise NotAllowed(f"{actor.role} may not {action}")


def looked_at(tab: str) -> str:
    """A clientside callback (URL search, the tabs' value) -> {search, at: now} while the tab is the one looked
    at, else nothing: a module's tab under the map follows the URL without a request while it is hidden, and is
    drawn afresh each time it is opened (see shown_search)."""
    return ("(search, shown) => shown === " + json.dumps(tab)
            + " ? {search: search || '', at: Date.now()} : window.dash_clientside.no_update")


def shown_search(looked: dict | None) -> str | None:
    """The URL's search from a looked_at store (None before the tab was first opened)."""
    return looked.get("search") if isinstance(looked, dict) and isinstance(looked.get("search"), str) else None
