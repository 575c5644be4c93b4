"""The modules' maps fitted to their box on screen as the colour map is (callbacks/map_fit.py): the migrants'
oversight map, the proxy coverage map, the appeals' and the policies' oversight maps show the whole district,
filling the view one way or the other, on a laptop (1366x768), a desk screen (1920x1080) and a phone. Fitted in
the browser the area spans 92% of the box along its tighter side (assets/map_fit.js); the server's view, drawn
for an assumed 1400x560 box, spans at most 87% of it and crops the area on a narrower box."""

from __future__ import annotations

import pytest

from layouts.health_services import ids as appeal_ids
from layouts.migrants import ids as migrant_ids
from layouts.policies import ids as policy_ids
from layouts.proxy import ids as proxy_ids
from tests.browser import ARTIFACTS, login
from tests.test_browser_fit import _bbox

pytestmark = pytest.mark.browser

LAPTOP, DESK, PHONE = {"width": 1366, "height": 768}, {"width": 1920, "height": 1080}, {"width": 390, "height": 844}
DISTRICT = "330105%"

# The graph's map view on screen (MapLibre's own bounds), once the fitted figure is on it.
VIEW = """(id) => {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot') || document.querySelector('#' + id);
  const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
    && gd._fullLayout.map._subplot.map;
  if (!map || !map.loaded() || !gd.layout.meta || !gd.layout.meta.fit) return null;
  const b = map.getBounds();
  return {west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth(),
          zoom: gd._fullLayout.map.zoom, box: [gd.clientWidth, gd.clientHeight]};
}"""

MAPS = {  # name: (path, how to open the map's tab, the graph's id)
    "migrants": ("/migrants", f"#{migrant_ids.MG_TAB_OVERSIGHT}", migrant_ids.MG_MAP),
    "proxy": ("/proxy", "text=申领覆盖率", proxy_ids.COVERAGE_MAP),
    "appeals": ("/services", f"#{appeal_ids.TAB_OVERSIGHT}", appeal_ids.OVERSIGHT_MAP),
    "policies": ("/policies", f"#{policy_ids.TAB_OVERSIGHT}", policy_ids.REACH_MAP),
}


def _view(page, graph: str) -> dict:
    page.wait_for_function(VIEW, arg=graph, timeout=90_000)
    page.wait_for_timeout(1000)  # the fitted figure replaces the server's within a frame or two
    return page.wait_for_function(VIEW, arg=graph, timeout=60_000).json_value()


@pytest.mark.parametrize(("name", "size"), [("migrants", LAPTOP), ("migrants", DESK), ("migrants", PHONE),
                                            ("proxy", LAPTOP), ("appeals", LAPTOP), ("policies", DESK)])
def test_the_modules_map_shows_the_whole_district_filling_its_box(browser, server, engine, name, size):
    path, tab, graph = MAPS[name]
    context = browser.new_context(viewport=size, locale="zh-CN")
    page = context.new_page()
    login(page, server, "leader", path)
    page.click(tab)
    view = _view(page, graph)
    page.locator(f"#{graph}").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"map_fit_{name}_{size['width']}.png"))
    west, south, east, north = _bbox(engine, DISTRICT)
    assert view["west"] < west and east < view["east"], view
    assert view["south"] < south and north < view["north"], view
    # and fills the box as the browser fits it: the district spans 92% of the view one way or the other
    assert max((east - west) / (view["east"] - view["west"]),
               (north - south) / (view["north"] - view["south"])) > 0.9, view
    context.close()
