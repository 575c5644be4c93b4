"""The proxy applications' main path in headless Chromium: the agent of 台州路社区 opens their door-to-door
list, records a visit that applied on a person's behalf, binds the citizen card, prints the list; the
community's coverage on the coverage tab rises. The console stays empty."""

from __future__ import annotations

import pytest

from data_access.demo.proxy import DEMO_AGENT
from data_access.proxy import coverage
from data_access.session import reading
from domain.divisions import Scope
from layouts.proxy import ids
from tests.browser import ARTIFACTS, login
from tests.helpers import access_of

TZL = DEMO_AGENT[2]

pytestmark = pytest.mark.browser


def _rate() -> dict:
    with reading(access_of("tzl.worker")) as conn:
        return coverage.coverage_totals(conn, Scope(TZL))


def test_an_agent_works_through_the_list_and_the_coverage_rises(browser, server):
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    before = _rate()
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, server, DEMO_AGENT[0], "/proxy", password=DEMO_AGENT[3])
    page.wait_for_selector(f"#{ids.WORK_GRID} .ag-row", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "proxy_work.png"), full_page=True)
    printed = page.context.new_page()  # the door-to-door list, printable, while someone is still to visit
    printed.goto(server + "/proxy/print")
    assert "上门名单" in printed.inner_text("h1")
    assert printed.locator("tbody tr").count() > 0 and "****" in printed.inner_text("tbody")  # phones masked
    printed.screenshot(path=str(ARTIFACTS / "proxy_print.png"), full_page=True)
    # the first row is one still to do: a visit that applied, then the card
    page.click(f"#{ids.WORK_GRID} .ag-row[row-index='0'] .ag-cell")
    page.wait_for_function("id => (document.getElementById(id)?.innerText || '').includes('当前')",
                           arg=ids.WORK_CHOSEN, timeout=30_000)
    page.click(f"#{ids.WORK_CHANNEL} label:has-text('上门')")
    page.click(f"#{ids.WORK_OUTCOME} label:has-text('已代为申领')")
    page.click(f"#{ids.WORK_SAVE}")
    page.wait_for_function("id => (document.getElementById(id)?.innerText || '').includes('已记录')",
                           arg=ids.WORK_MESSAGE, timeout=30_000)
    page.fill(f"#{ids.WORK_CARD}", "3301000099998888")
    page.click(f"#{ids.WORK_BIND}")
    page.wait_for_function("id => (document.getElementById(id)?.innerText || '').includes('已绑定市民卡')",
                           arg=ids.WORK_MESSAGE, timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "proxy_contact.png"), full_page=True)
    page.click("text=申领覆盖率")
    page.wait_for_selector(f"#{ids.COVERAGE_MAP} .js-plotly-plot, #{ids.COVERAGE_MAP}.js-plotly-plot",
                           timeout=60_000)
    page.wait_for_function("id => (document.getElementById(id)?.innerText || '').includes('%')",
                           arg=ids.COVERAGE_KPIS, timeout=60_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "proxy_coverage.png"), full_page=True)
    context.close()
    after = _rate()
    assert after["applied"] == before["applied"] + 1 and after["rate"] > before["rate"]
    assert after["cards"] == before["cards"] + 1
    assert errors == []
