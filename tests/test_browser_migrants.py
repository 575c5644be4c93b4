"""新拱墅人一码通 end to end in headless Chromium, as the issue's "done when" reads: a landlord and then a migrant
declare on a phone-sized screen without logging in, the worker of 台州路社区 accepts both on /migrants, the
migrant's receipt leads to the QR code, whose verification page shows green, then red right after a red
change arrives through the live API; the leader sees the district's migrants on the map. Nothing is fetched
from another host; the consoles stay empty."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import text

from callbacks.api import PATH as LIVE
from data_access.users import integrations
from layouts.migrants import ids
from tests.browser import ARTIFACTS, login
from tests.builders import id_number

pytestmark = pytest.mark.browser
TZL = "330105005052"
PHONE = {"width": 390, "height": 844}


def _watch(page, errors: list[str], outside: list[str]) -> None:
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).hostname not in ("127.0.0.1", None)
            and not r.url.startswith("data:") else None)


def _resident(engine) -> tuple[str, str]:
    with engine.connect() as conn:
        return tuple(conn.execute(text(
            "SELECT p.id_number, p.name FROM person p JOIN health_code h USING (id_number)"
            " WHERE p.community_code = :c AND h.colour = 'green'"
            " AND NOT EXISTS (SELECT 1 FROM mg_migrant m WHERE m.id_number = p.id_number)"
            " AND NOT EXISTS (SELECT 1 FROM mg_declaration d WHERE d.id_number = p.id_number)"
            " ORDER BY p.id_number LIMIT 1"), {"c": TZL}).one())


def _waiting(engine, number: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT id FROM mg_declaration WHERE id_number = :i AND state = 'waiting'"),
                            {"i": number}).scalar()


def _accept_as_worker(browser, server, declaration: int, errors: list[str], outside: list[str], shot: str) -> None:
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    _watch(page, errors, outside)
    login(page, server, "tzl.worker", "/migrants")
    page.wait_for_selector(f"#{ids.MG_REVIEW_BAR}", state="visible")
    row = f'#{ids.MG_QUEUE} .ag-row[row-id="{declaration}"]'
    # the queue is oldest first, 50 a page: turn to the declaration's page and scroll to it, as a reviewer would
    page.wait_for_function("async ([grid, id]) => !!(await dash_ag_grid.getApiAsync(grid)).getRowNode(id)",
                           arg=[ids.MG_QUEUE, str(declaration)], timeout=60_000)
    page.evaluate("""async ([grid, id]) => { const api = await dash_ag_grid.getApiAsync(grid);
        const node = api.getRowNode(id);
        api.paginationGoToPage(Math.floor(node.rowIndex / api.paginationGetPageSize()));
        api.ensureNodeVisible(node); }""",
                  [ids.MG_QUEUE, str(declaration)])
    page.wait_for_selector(row, timeout=60_000)
    page.click(row + " .ag-cell >> nth=1")
    page.click(f"#{ids.MG_ACCEPT}")
    page.wait_for_function("(id) => (document.getElementById(id)?.innerText || '').includes('已审核')",
                           arg=ids.MG_MESSAGE, timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    assert not page.is_visible(f"#{ids.MG_TAB_OVERSIGHT}")  # a community worker reviews, the leaders oversee
    context.close()


def test_a_migrant_declares_from_a_phone_is_accepted_and_the_qr_follows_the_colour(browser, server, engine):
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    outside: list[str] = []
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(60_000)
    _watch(page, errors, outside)

    # a landlord registers the house (no login)
    landlord = id_number()
    page.goto(server + "/m/declare?kind=landlord")
    assert "/login" not in page.url
    page.fill("input[name=id_number]", landlord)
    page.fill("input[name=name]", "房东浏览器")
    page.fill("input[name=phone]", "13900008888")
    page.select_option("select[name=community_code]", TZL)
    page.fill("input[name=address]", "浏览器测试路8号")
    page.fill("input[name=rooms]", "3")
    page.click("#declaration button[type=submit]")
    page.wait_for_url(re.compile(r"/m/receipt/"))
    assert "待审核" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "migrants_phone_landlord_receipt.png"), full_page=True)
    _accept_as_worker(browser, server, _waiting(engine, landlord), errors, outside, "migrants_worker_landlord.png")

    # a migrant finds the house by its address and declares (a bad phone first: a Chinese line, nothing written)
    number, name = _resident(engine)
    page.goto(server + "/m/declare?kind=migrant")
    page.fill("form[method=get] input[name=q]", "浏览器测试路")
    page.click("form[method=get] button[type=submit]")
    page.click(".mgp-found a")
    code = page.input_value("input[name=house_code]")
    assert len(code) == 8
    page.fill("input[name=id_number]", number)
    page.fill("input[name=name]", name)
    page.fill("input[name=phone]", "12345")
    page.fill("input[name=origin]", "安徽省阜阳市")
    page.fill("input[name=arrival_date]", "2020-03-02")
    page.click("#declaration button[type=submit]")
    assert "手机号应为 11 位数字" in page.inner_text("[role=alert]")
    assert _waiting(engine, number) is None
    # the refused form is answered 400 (its page shows why): the browser logs that status, nothing else
    assert errors == ["Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"]
    errors.clear()
    page.fill("input[name=phone]", "13800009999")
    page.screenshot(path=str(ARTIFACTS / "migrants_phone_form.png"), full_page=True)
    page.click("#declaration button[type=submit]")
    page.wait_for_url(re.compile(r"/m/receipt/"))
    receipt = page.url
    _accept_as_worker(browser, server, _waiting(engine, number), errors, outside, "migrants_worker_queue.png")

    # the receipt now leads to the QR code, whose verification page shows the colour of now
    page.goto(receipt)
    page.click("a.mgp-button")
    page.wait_for_selector("img.mgp-qr")
    assert page.evaluate("document.querySelector('img.mgp-qr').naturalWidth") > 0
    page.screenshot(path=str(ARTIFACTS / "migrants_phone_qr.png"), full_page=True)
    page.click("a.mgp-button")
    page.wait_for_selector("#verdict")
    assert page.get_attribute("#verdict", "data-colour") == "green" and "绿码" in page.inner_text("#verdict")
    assert name not in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "migrants_phone_verify_green.png"), full_page=True)
    verify_url = page.url
    with engine.begin() as conn:
        token = integrations.create_token(conn, "mg.browser", "test", "健康码平台（浏览器测试）", apis=["health_codes"])
    changed = (datetime.now(UTC) + timedelta(seconds=1)).astimezone().isoformat()
    answer = requests.post(server + LIVE, headers={"Authorization": f"Bearer {token}"}, timeout=30,
                           json={"changes": [{"id_number": number, "colour": "red", "changed_at": changed}]})
    assert answer.status_code == 200
    page.goto(verify_url)
    assert page.get_attribute("#verdict", "data-colour") == "red" and "红码" in page.inner_text("#verdict")
    page.screenshot(path=str(ARTIFACTS / "migrants_phone_verify_red.png"), full_page=True)
    # nothing wider than the phone's screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.close()

    # the leader sees the district's migrants on the map
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    leader = context.new_page()
    _watch(leader, errors, outside)
    login(leader, server, "leader", "/migrants")
    leader.click(f"#{ids.MG_TAB_OVERSIGHT}")
    leader.wait_for_selector(f"#{ids.MG_MAP} .maplibregl-canvas", timeout=60_000)
    leader.wait_for_selector(f"#{ids.MG_COMMUNITIES} .ag-row", timeout=60_000)
    leader.screenshot(path=str(ARTIFACTS / "migrants_leader_oversight.png"), full_page=True)
    context.close()
    assert outside == [] and errors == []


TRACES = """(id) => { const g = document.querySelector('#' + id + ' .js-plotly-plot');
    return g && g.data ? g.data.map(d => ({type: d.type, name: d.name || '', n: (d.lon || d.locations || []).length,
                                          z: d.z ? d.z.reduce((a, b) => a + b, 0) : 0})) : null; }"""


def _traces(page) -> list[dict]:
    return page.evaluate(TRACES, ids.MG_MAP) or []


def _wait_for_trace(page, kind: str, name: str = "") -> None:
    page.wait_for_function(f"(id) => ({TRACES})(id)?.some(d => d.type === '{kind}' && d.name.includes('{name}'))",
                           arg=ids.MG_MAP, timeout=60_000)


def test_the_leader_sees_the_density_of_migrants_and_a_communitys_rental_houses(browser, server, engine):
    with engine.connect() as conn:
        migrants, houses = conn.execute(text(
            "SELECT (SELECT count(*) FROM mg_migrant WHERE house_id IS NOT NULL),"
            " (SELECT count(*) FROM mg_house)")).one()
        tzl = conn.execute(text(
            "SELECT count(*) FILTER (WHERE n = 0), count(*) FILTER (WHERE n BETWEEN 1 AND capacity),"
            " count(*) FILTER (WHERE n > capacity) FROM (SELECT h.capacity, (SELECT count(*) FROM mg_migrant m"
            " WHERE m.house_id = h.id) AS n FROM mg_house h WHERE h.community_code = :c) x"), {"c": TZL}).one()
    errors: list[str] = []
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    page = context.new_page()
    _watch(page, errors, outside)
    login(page, server, "leader", "/migrants")
    page.click(f"#{ids.MG_TAB_OVERSIGHT}")
    _wait_for_trace(page, "densitymap")
    page.wait_for_selector(f"#{ids.MG_MAP} .maplibregl-canvas")
    traces = _traces(page)
    density = next(d for d in traces if d["type"] == "densitymap")
    # cells, not houses: every migrant living in a house counted once, in far fewer points than houses
    assert density["z"] == migrants and 0 < density["n"] < houses
    assert "外来人员密度" in page.inner_text(f"#{ids.MG_LEGEND}")
    page.wait_for_timeout(1500)  # the density layer drawn
    page.screenshot(path=str(ARTIFACTS / "migrants_leader_density.png"), full_page=True)

    # houses as the density's weight
    page.get_by_label("出租房屋", exact=True).check()
    page.wait_for_function(f"(id) => ({TRACES})(id)?.some(d => d.type === 'densitymap' && d.z === {houses})",
                           arg=ids.MG_MAP, timeout=60_000)

    # a click on a community (the map's centre) opens its houses
    box = page.locator(f"#{ids.MG_MAP} .maplibregl-canvas").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    _wait_for_trace(page, "scattermap", "无租客")
    assert "出租房屋（按租住人数与可住人数）" in page.inner_text(f"#{ids.MG_LEGEND}")
    assert "全部社区" not in page.inner_text(f"#{ids.MG_MAP_COMMUNITY}")  # the clicked community is chosen

    # 台州路社区 chosen from the list: its houses by occupancy, named in the legend
    page.click(f"#{ids.MG_MAP_COMMUNITY}")
    page.get_by_role("option", name="拱宸桥街道 台州路社区").click()
    page.wait_for_function("(w) => (document.getElementById(w)?.innerText || '').includes('台州路社区出租房屋')",
                           arg=ids.MG_LEGEND, timeout=60_000)
    _wait_for_trace(page, "scattermap", f"超员（{tzl[2]}）")
    points = {d["name"]: d["n"] for d in _traces(page) if d["type"] == "scattermap" and d["name"]}
    assert points == {f"无租客（{tzl[0]}）": tzl[0], f"未超员（{tzl[1]}）": tzl[1], f"超员（{tzl[2]}）": tzl[2]}
    legend = page.inner_text(f"#{ids.MG_LEGEND}")
    assert f"无租客：{tzl[0]}" in legend and f"超员：{tzl[2]}" in legend
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "migrants_leader_houses.png"), full_page=True)
    context.close()
    assert outside == [] and errors == []


def test_a_landlord_taps_the_house_on_the_phones_map_and_the_house_stands_there_after_review(browser, server,
                                                                                              engine):
    from callbacks.migrants.public import landlord_view

    with engine.connect() as conn:
        lon, lat = conn.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p"
                                     " FROM community WHERE code = :c) x"), {"c": TZL}).one()
    errors: list[str] = []
    outside: list[str] = []
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(60_000)
    _watch(page, errors, outside)
    landlord = id_number()
    page.goto(server + "/m/declare?kind=landlord")
    assert page.locator("script").count() == 0
    page.fill("input[name=id_number]", landlord)
    page.fill("input[name=name]", "房东地图")
    page.fill("input[name=phone]", "13900007777")
    page.fill("input[name=address]", "地图测试路9号")
    page.fill("input[name=rooms]", "2")
    # the district's map first: a tap on 台州路社区 chooses it and zooms to it
    x, y = landlord_view(None)[1].pixel(lon, lat)
    page.locator("#pick-map input[type=image]").tap(position={"x": x, "y": y})
    page.wait_for_selector("#pick-placed")
    assert page.input_value("select[name=community_code]") == TZL
    assert page.input_value("input[name=map_view]") == TZL and page.input_value("input[name=name]") == "房东地图"
    # a finer tap on the community's own map
    x, y = landlord_view(TZL)[1].pixel(lon, lat)
    page.locator("#pick-map input[type=image]").tap(position={"x": x, "y": y})
    page.wait_for_selector("#pick-map circle")
    tapped = float(page.input_value("input[name=lon]")), float(page.input_value("input[name=lat]"))
    assert abs(tapped[0] - lon) < 3e-5 and abs(tapped[1] - lat) < 3e-5  # a pixel is a few metres
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "migrants_phone_landlord_map.png"), full_page=True)
    page.press("input[name=address]", "Enter")  # the phone keyboard's 前往 submits the declaration, point and all
    page.wait_for_url(re.compile(r"/m/receipt/"))
    assert "待审核" in page.inner_text("main") and "二维码" not in page.inner_text("main")
    phone.close()
    _accept_as_worker(browser, server, _waiting(engine, landlord), errors, outside, "migrants_worker_landlord_map.png")
    with engine.connect() as conn:
        placed = conn.execute(text("SELECT ST_X(h.location), ST_Y(h.location) FROM mg_house h JOIN mg_landlord l"
                                   " ON l.id = h.landlord_id WHERE l.id_number = :i"), {"i": landlord}).one()
    assert abs(placed[0] - tapped[0]) < 1e-6 and abs(placed[1] - tapped[1]) < 1e-6
    assert outside == [] and errors == []
