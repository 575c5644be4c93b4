"""A module is one declared thing: its name, label, the action that shows it, its layout, its callbacks and
routes. app.py lists the modules explicitly; the router, the navigation and the tabs are built from the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dash import Dash
from flask import Flask


def _nothing(_target) -> None:
    return None


@dataclass(frozen=True)
class Module:
    name: str
    label: str  # i18n key of the navigation entry or tab
    action: str  # the permission (domain.permissions) that shows the module to a user
    layout: Callable[[], object]  # the module's component tree; takes no data, does no I/O
    callbacks: Callable[[Dash], None] = _nothing  # registers the module's callbacks on the app
    routes: Callable[[Flask], None] = _nothing  # registers the module's downloads and API routes
    path: str | None = None  # a page of its own at this path ...
    tab_of: str | None = None  # ... or a tab under the page of the named module (sharing its URL's area)
    subtitle: str | None = None  # i18n key of the page's subtitle (default: the label)
    nav: bool = True  # a page listed in the header's navigation
    new_window: bool = False  # its navigation entry opens a new window (the big screen)
    framed: bool = True  # drawn inside the header and navigation (the big screen is not)
    fragments: Callable[[], list] = field(default=lambda: [])  # parts callbacks draw later (for validation)

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
