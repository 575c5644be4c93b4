"""The router and the frame, built from the registered modules: the page a path names, if the user may
see it (else the first page they may), the navigation of the pages they may open, the tabs under it."""

from __future__ import annotations

from dash import Dash, Input, Output, html
from flask import session

from callbacks.gate import current_actor
from callbacks.modules import Module
from domain.actor import Actor
from i18n import t
from layouts import ids
from layouts.shell import NavItem, TabItem, bare, framed, shell


def register(app: Dash, modules: tuple[Module, ...]) -> None:
    def show_page(pathname: str | None):
        """The page for the path, as the user's role may see it."""
        return page_for(modules, current_actor(), pathname, session.get("csrf", ""))

    app.callback(Output(ids.PAGE, "children"), Input(ids.ROUTE, "pathname"))(show_page)


def page_for(modules: tuple[Module, ...], actor: Actor, pathname: str | None, form_token: str = ""):
    pages = [m for m in modules if m.path and actor.may(m.action)]
    if not pages:
        return html.Div(t("auth.forbidden"), className="message", role="alert")
    page = next((m for m in pages if m.path == pathname), pages[0])
    if not page.framed:
        return bare(page.layout())
    nav = [NavItem(t(m.label), m.path or "/", m is page, m.new_window) for m in pages if m.nav]
    if len(nav) < 2:  # a role with one page has nowhere to go: its subtitle names the page already
        nav = []
    return framed(page.layout(), nav, (actor.display_name, t(f"role.{actor.role}"), form_token),
                  tabs_for(modules, actor, page), t(page.subtitle or page.label))


def tabs_for(modules: tuple[Module, ...], actor: Actor, page: Module) -> list[TabItem]:
    return [TabItem(t(m.label), m.name, m.layout()) for m in modules if m.tab_of == page.name and actor.may(m.action)]


def validation_layout(modules: tuple[Module, ...]) -> html.Div:
    """Every component any page, tab or callback can draw, so Dash can check each callback against it."""
    tabs = [TabItem(m.name, m.name, html.Div()) for m in modules if m.tab_of]
    parts = [shell(), framed(html.Div(), [], ("", "", ""), tabs)]
    for module in modules:
        parts += [module.layout(), *module.fragments()]
    return html.Div(parts)


def public_pages(modules: tuple[Module, ...]) -> set[str]:
    """The paths a browser opens (anonymous visitors are sent to the login page from these)."""
    return {m.path for m in modules if m.path}
