"""The frame of every page: the location, and a header with the pages the user may open. Pure builders:
the router (callbacks.shell) decides what goes in, from the registered modules."""

from __future__ import annotations

from dataclasses import dataclass

from dash import dcc, html

from i18n import t
from layouts import ids


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    current: bool = False
    new_window: bool = False  # the big screen opens beside the page it was chosen from


@dataclass(frozen=True)
class TabItem:
    label: str
    value: str
    content: object  # the tab's component tree


def shell() -> html.Div:
    """The app: a location and the page its path names (filled by the router)."""
    return html.Div([dcc.Location(id=ids.ROUTE), html.Div(id=ids.PAGE)])


def framed(content, nav: list[NavItem], user: tuple[str, str, str], tabs: list[TabItem] | None = None,
           subtitle: str = "") -> html.Div:
    """A page with the header (title, navigation, the user (name, role, form token) and logout), and its tabs
    under the content."""
    links = [html.A(item.label, href=item.href, className="nav-link current" if item.current else "nav-link",
                    **({"target": "_blank"} if item.new_window else {}))
             for item in nav]
    header = html.Header(className="header", children=[
        html.H1(t("app.title")),
        html.Div(subtitle, className="subtitle"),
        html.Nav(links, className="nav", **{"aria-label": t("nav.label")}),
        html.Div(user_box(*user), className="user-box"),
    ])
    children = [header, content]
    if tabs:
        children.append(dcc.Tabs(id=ids.TABS, value=tabs[0].value, className="tabs", children=[
            dcc.Tab(label=tab.label, value=tab.value, children=tab.content) for tab in tabs]))
    return html.Div(children, className="frame")


def bare(content) -> html.Div:
    """A page without the header (the big screen: the wall shows nothing but the data)."""
    return html.Div(content)


def user_box(name: str, role: str, form_token: str = "") -> list:
    """Who is logged in, and logout: a form posted with the session's form token (a link could be followed
    by another site)."""
    return [html.Span(t("auth.user", name=name, role=role)),
            html.Form(action="/logout", method="POST", className="logout", children=[
                dcc.Input(type="hidden", name="csrf", value=form_token),
                html.Button(t("auth.logout"), type="submit", className="link-button")])]
