"""What a person sees at 1366x768 (and on a phone): the drilled street or community inside the map's view, the
map's nine tiles on one row, the last columns of the migrants' queue and the key-person batches in view; and no
AG Grid warning #25 (row ids given as numbers) on the pages whose grids keep their rows' ids."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.browser import ARTIFACTS, login

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
STREET, COMMUNITY = "330105005000", "330105005052"  # 拱宸桥街道, 台州路社区

# The map's view on screen (MapLibre's own bounds) and the extent the figure asked for, once drawn and fitted.
VIEW = """() => {
  const gd = document.querySelector('#community-map .js-plotly-plot');
  const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
    && gd._fullLayout.map._subplot.map;
  if (!map || !map.loaded() || !gd.layout.meta) return null;
  const b = map.getBounds();
  return {west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth(),
          zoom: gd._fullLayout.map.zoom, box: [gd.clientWidth, gd.clientHeight]};
}"""


def _bbox(engine, pattern: str) -> tuple[float, float, float, float]:
    """West, south, east, north of the communities' drawn outlines whose code is like `pattern`."""
    xs, ys = [], []
    with engine.connect() as conn:
        for geojson in conn.execute(text("SELECT geojson FROM community WHERE code LIKE :p"), {"p": pattern}).scalars():
            shape = json.loads(geojson)
            polygons = shape["coordinates"] if shape["type"] == "MultiPolygon" else [shape["coordinates"]]
            for ring in (r for p in polygons for r in p):
                xs += [x for x, _ in ring]
                ys += [y for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _view(page) -> dict:
    page.wait_for_function(VIEW, timeout=60_000)
    page.wait_for_timeout(800)  # the fitted figure replaces the server's within a frame or two
    return page.wait_for_function(VIEW, timeout=60_000).json_value()


@pytest.mark.parametrize(("size", "search", "pattern"), [
    (LAPTOP, f"?street={STREET}", STREET[:9] + "%"),
    (LAPTOP, f"?street={STREET}&community={COMMUNITY}", COMMUNITY),
    ({"width": 390, "height": 844}, f"?street={STREET}&community={COMMUNITY}", COMMUNITY),
])
def test_the_drilled_area_lies_inside_the_maps_view(browser, server, engine, size, search, pattern):
    context = browser.new_context(viewport=size, locale="zh-CN")
    page = context.new_page()
    login(page, server, "official", "/" + search)
    view = _view(page)
    west, south, east, north = _bbox(engine, pattern)
    name = f"map_fit_{size['width']}_{'community' if 'community' in search else 'street'}.png"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))
    assert view["west"] < west and east < view["east"], view
    assert view["south"] < south and north < view["north"], view
    # and not lost in the middle: the area fills most of the view one way or the other
    assert max((east - west) / (view["east"] - view["west"]), (north - south) / (view["north"] - view["south"])) > 0.8
    context.close()


def test_at_1366_the_nine_tiles_stand_on_one_row(browser, server):
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    login(page, server, "official", "/")
    page.wait_for_function("() => document.querySelectorAll('#kpi-tiles .kpi').length === 9", timeout=60_000)
    tops = page.eval_on_selector_all("#kpi-tiles .kpi", "ts => ts.map(t => Math.round(t.getBoundingClientRect().top))")
    overflowing = page.eval_on_selector_all(
        "#kpi-tiles .kpi", "ts => ts.filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.innerText)")
    page.screenshot(path=str(ARTIFACTS / "map_tiles_1366.png"))
    assert len(set(tops)) == 1, tops
    assert overflowing == []
    context.close()


# A column's header, whole, inside the grid's header viewport (no scrolling).
HEADER_IN_VIEW = """([grid, column]) => {
  const cell = document.querySelector(`#${grid} .ag-header-cell[col-id="${column}"]`);
  const port = document.querySelector(`#${grid} .ag-header-viewport`);
  if (!cell || !port) return null;
  const c = cell.getBoundingClientRect(), p = port.getBoundingClientRect();
  return {inside: c.left >= p.left - 0.5 && c.right <= p.right + 0.5 && c.width > 40, cell: [c.left, c.right],
          port: [p.left, p.right]};
}"""


@pytest.mark.parametrize(("path", "grid", "column"), [
    ("/migrants", "mg-queue", "conflicts"),  # 冲突提示
    ("/keypersons", "kp-batch-grid", "coloured"),  # 已转码
])
def test_at_1366_the_last_column_of_the_grid_is_in_view(browser, server, path, grid, column):
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    login(page, server, "official", path)
    page.wait_for_selector(f"#{grid} .ag-row", timeout=60_000)
    found = page.evaluate(HEADER_IN_VIEW, [grid, column])
    page.screenshot(path=str(ARTIFACTS / f"grid_{grid}_1366.png"))
    assert found and found["inside"], found
    context.close()


@pytest.mark.parametrize(("path", "grid"), [
    ("/migrants", "mg-queue"), ("/keypersons", "kp-batch-grid"), ("/services", "appeals-queue-grid"),
])
def test_no_ag_grid_warning_about_row_ids(browser, server, path, grid):
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type in ("warning", "error") else None)
    login(page, server, "official", path)
    page.wait_for_selector(f"#{grid} .ag-row", timeout=60_000)
    page.wait_for_timeout(1000)
    ids = page.eval_on_selector_all(f"#{grid} .ag-center-cols-container .ag-row",
                                    "rs => rs.map(r => r.getAttribute('row-id'))")
    assert ids and len(set(ids)) == len(ids) and all(i and i != "undefined" for i in ids)  # each row its own id
    assert [w for w in warnings if "AG Grid" in w] == []
    context.close()


def test_a_resized_window_fits_the_map_again_unless_the_reader_moved_it(browser, server, engine):
    """台州路 at 1366x768, then the window made 1920x1080 (a command room's screen): the map fits its new box
    (closer in, the community still whole and filling the view); a reader who zoomed keeps their zoom."""
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    login(page, server, "official", f"/?street={STREET}&community={COMMUNITY}")
    small = _view(page)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_function(f"() => {{ const gd = document.querySelector('#community-map .js-plotly-plot');"
                           f" return gd && gd.layout.map.zoom > {small['zoom']} + 0.05; }}", timeout=30_000)
    large = _view(page)
    west, south, east, north = _bbox(engine, COMMUNITY)
    page.screenshot(path=str(ARTIFACTS / "map_fit_resized_1920.png"))
    assert large["box"][0] > small["box"][0] and large["zoom"] > small["zoom"]
    assert large["west"] < west and east < large["east"] and large["south"] < south and north < large["north"]
    assert max((east - west) / (large["east"] - large["west"]),
               (north - south) / (large["north"] - large["south"])) > 0.8
    # the reader zooms in; a resize then leaves their view alone
    zoomed = large["zoom"] + 1
    page.evaluate(f"() => Plotly.relayout(document.querySelector('#community-map .js-plotly-plot'),"
                  f" {{'map.zoom': {zoomed}}})")
    page.set_viewport_size(LAPTOP)
    page.wait_for_timeout(1500)
    assert abs(page.evaluate("() => document.querySelector('#community-map .js-plotly-plot').layout.map.zoom")
               - zoomed) < 0.01
    context.close()
