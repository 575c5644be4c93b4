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
