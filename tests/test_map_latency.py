"""What a drill on the map costs the browser, held without timing it (#13 item 4; the timings are in
`make bench`): the components a view mounts (Dash's renderer makes a pass over every component of the page
for each one mounted, so rows of four components made a drill into a 200-enterprise community take seconds),
and the requests a change of the URL sets off."""

from __future__ import annotations

import json

from sqlalchemy import text

from callbacks.colour_map.view import view_outputs
from i18n import t
from layouts.view import View
from tests.browser import ARTIFACTS, login
from tests.helpers import OUTPUTS, access_of, view_callback_body

PAGE_PARTS = 30  # the side panel's parts besides its rows: titles, the managed persons by kind, notes


def draw(view: View) -> dict:
    return dict(zip(OUTPUTS, view_outputs(view, [], access_of("official")), strict=True))


def components(tree) -> list:
    """Every Dash component in a tree (or list of trees)."""
    found, stack = [], list(tree) if isinstance(tree, list) else [tree]
    while stack:
        node = stack.pop()
        if hasattr(node, "to_plotly_json"):
            found.append(node)
            children = getattr(node, "children", None)
            stack += children if isinstance(children, list) else [children]
    return found


def test_a_side_list_is_one_component_a_row(engine):
    with engine.connect() as conn:
        community = conn.execute(text("SELECT community_code FROM enterprise GROUP BY 1"
                                      " ORDER BY count(*) DESC, 1 LIMIT 1")).scalar()
    district = draw(View())
    ranked = [c for c in components(district["side"]) if (c.to_plotly_json()["props"].get("data-rank"))]
    assert len(ranked) == 99 and all(type(c).__name__ == "A" and c.children for c in ranked)
    assert len(components(district["side"])) <= len(ranked) + PAGE_PARTS

    view = draw(View(community[:9] + "000", community))
    rows = [c for c in components(view["side"]) if c.to_plotly_json()["props"].get("data-code")]
    assert len(rows) > PAGE_PARTS  # enough rows that four components a row would break the bound below
    assert len(components(view["side"])) <= len(rows) + PAGE_PARTS
    for row in rows:  # the name, a link that opens the enterprise, its status drawn from the row's attributes
        props = row.to_plotly_json()["props"]
        assert props["href"].endswith(f"&enterprise={props['data-code']}") and props["data-spa"] == "1"
        assert props["data-value"] == t(f"status.{props['data-status']}")


def test_a_change_of_the_url_asks_the_server_only_for_the_view_and_the_tables_area(app_module):
    """The history picker, the search box and the tabs under the map follow the URL in the browser."""
    from dash import Dash

    dash_app = next(v for v in vars(app_module).values() if isinstance(v, Dash))
    on_url = [c for c in dash_app._callback_list
              if any(i["id"] == "url" and i["property"] == "search" for i in c["inputs"])]
    served = sorted(c["output"] for c in on_url if not c.get("clientside_function"))
    assert served == sorted([view_callback_body("")["output"], "table-area.data"])
    assert len(on_url) - len(served) >= 4  # picker, search box, statistics, warnings: clientside


def test_a_drill_by_the_side_list_stays_in_the_page_and_asks_nothing_for_hidden_parts(browser, server, engine):
    """A row of the list opens its view without reloading the page (as dcc.Link did), and the requests the
    drill makes are the map's view and the enterprise table's, none for the hidden tabs, picker or search."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server, "official")
    page.wait_for_selector(".ranking a[data-rank]", timeout=60_000)
    page.wait_for_selector(".maplibregl-canvas", timeout=60_000)
    page.wait_for_timeout(1_500)  # the page's own first requests are over
    asked: list[str] = []
    page.on("request", lambda r: "_dash-update-component" in r.url
            and asked.append(json.loads(r.post_data or "{}").get("output", "")))
    page.evaluate("() => { window.__samePage = true; }")
    with engine.connect() as conn:
        community = conn.execute(text("SELECT community_code FROM enterprise GROUP BY 1"
                                      " ORDER BY count(*) DESC, 1 LIMIT 1")).scalar()
    page.locator(f".ranking a[href$='community={community}']").click()
    page.wait_for_selector(".enterprise-list a[data-code]", timeout=60_000)
    assert f"community={community}" in page.url
    assert page.evaluate("() => window.__samePage === true")  # no reload
    row = page.locator(".enterprise-list a[data-code]").first
    code = row.get_attribute("data-code")
    value = page.evaluate("(a) => getComputedStyle(a, '::after').content", row.element_handle())
    assert value.strip('"') == row.get_attribute("data-value") != ""  # the status is drawn beside the name
    row.click()
    page.wait_for_selector(".enterprise-name", timeout=60_000)
    assert f"enterprise={code}" in page.url and page.evaluate("() => window.__samePage === true")
    hidden = ("ranking-chart", "warnings-", "history-day", "place-search-results")
    assert asked and not [o for o in asked if any(h in o for h in hidden)], asked
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map_enterprise_from_list.png"))
    assert errors == []
    context.close()


def test_the_browser_drills_from_a_map_click_as_the_server_would(browser, as_user):
    """A click on the map makes the URL in the page (no request for it): DRILL_JS gives, for each kind of
    click, the URL drill_from_map gives, or leaves the URL as it is where the server would."""
    from dash import no_update

    from callbacks.colour_map.view import DRILL_JS, drill_from_map

    enterprise = ["某企业", "已复工", 3, 0, "91330105MA2H0XXX1Y", "330105005051"]
    cases = [
        ({"points": [{"location": "330105005051"}]}, ""),
        ({"points": [{"location": "330105005051"}]}, "?metric=red&basis=both"),
        ({"points": [{"location": "330105005051"}]}, "?street=330105005000&metric=yellow_ratio&points=1"),
        ({"points": [{"location": "330105006012"}]}, "?street=330105005000&community=330105005051"),
        ({"points": [{"location": "330105005051"}]}, "?street=330105005000&community=330105005051"),
        ({"points": [{"customdata": enterprise}]}, "?street=330105005000&points=1&day=2025-01-15"),
        ({"points": [{"customdata": enterprise}]},
         "?street=330105005000&community=330105005051&enterprise=91330105MA2H0XXX1Y"),
        ({"points": [{"curveNumber": 0}]}, "?street=330105005000"),
        ({"points": []}, ""),
        (None, "?street=330105005000"),
    ]
    page = browser.new_page()
    page.evaluate("() => { window.dash_clientside = {no_update: 'NO-UPDATE'}; }")
    with as_user("official"):
        for click, search in cases:
            expected = drill_from_map(click, search)
            got = page.evaluate(f"([click, search]) => ({DRILL_JS})(click, search)", [click, search])
            assert got == ("NO-UPDATE" if expected is no_update else expected), (click, search)
    page.close()


def test_a_new_metric_sends_only_the_parts_of_the_page_that_change(as_user):
    """The view callback leaves out each output the page already shows (Dash's renderer then mounts nothing
    for it): the same view again sends nothing; a new metric sends the map, the legend, the choices and the
    ranking, not the tiles, the data time or the message; a drill sends the tiles again."""
    from dash import no_update

    from callbacks.colour_map.view import show_view

    with as_user("official"):
        first = show_view("?street=330105005000", None, None)
        *outputs, drawn = first
        assert no_update not in outputs and len(drawn) == len(OUTPUTS)
        again = show_view("?street=330105005000", None, drawn)
        assert all(o is no_update for o in again[:-1]) and again[-1] == drawn
        metric = dict(zip(OUTPUTS, show_view("?street=330105005000&metric=red", None, drawn)[:-1], strict=True))
        sent = {name for name, o in metric.items() if o is not no_update}
        assert sent == {"breadcrumb", "choices", "figure", "legend", "side"}, sent
        down = dict(zip(OUTPUTS, show_view("?street=330105005000&community=330105005051", None, drawn)[:-1],
                        strict=True))
        assert down["kpis"] is not no_update and down["figure"] is not no_update
