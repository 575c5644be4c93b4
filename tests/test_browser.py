"""The whole app in headless Chromium: it draws the map, shows the database's numbers, asks no outside host."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT,
        env={**os.environ, "PORT": str(port), "PYTHONPATH": str(ROOT), "SANSETU_DEMO": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
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


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: make test installs it (scripts/ensure_system.sh --browser)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


CLICK = """(code) => {
  const gd = document.querySelector('#community-map .js-plotly-plot');
  for (let c = 0; c < gd.data.length; c++) {
    const trace = gd.data[c];
    const i = trace.locations ? trace.locations.indexOf(code)
      : (trace.mode === 'markers' ? trace.customdata.findIndex(d => d[4] === code) : -1);
    if (i >= 0) {
      const point = {curveNumber: c, pointNumber: i, location: trace.locations ? code : undefined};
      gd.emit('plotly_click', {points: [point]});
      return true;
    }
  }
  return false;
}"""


@pytest.fixture(scope="module")
def session(browser, server):
    """One page for the module, recording requests and console errors across every step."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN",
                                  accept_downloads=True)
    page = context.new_page()
    record = {"requests": [], "errors": []}
    page.on("request", lambda r: record["requests"].append(r.url))
    page.on("console", lambda m: record["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: record["errors"].append(str(e)))
    yield page, record
    context.close()


def login(page, server: str, username: str, then: str = "/") -> None:
    """Log in through the login page, as a person does; land on `then`."""
    from data_access.demo.users import DEMO_USERS

    page.goto(server + then)
    page.wait_for_selector("input[name=username]")
    assert "/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", next(u[4] for u in DEMO_USERS if u[0] == username))
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _outside(urls: list[str]) -> list[str]:
    return [u for u in urls if urlsplit(u).scheme in ("http", "https", "ws", "wss")
            and urlsplit(u).hostname not in ("127.0.0.1", "localhost")]


def _wait_for_view(page, text_in_crumbs: str) -> None:
    page.wait_for_function("t => document.querySelector('#breadcrumb').innerText.includes(t)", arg=text_in_crumbs,
                           timeout=30_000)
    page.wait_for_timeout(500)


def test_drill_from_district_to_one_enterprises_red_staff_and_back(session, server, engine):
    page, record = session
    login(page, server, "official")
    page.wait_for_selector(".kpi-value", timeout=30_000)
    page.wait_for_selector(".maplibregl-canvas", timeout=30_000)
    with engine.connect() as conn:
        red = conn.execute(text("SELECT sum(residents_red) FROM community_stats")).scalar()
        code, community = conn.execute(text(
            "SELECT credit_code, community_code FROM enterprise_stats WHERE status = 'warned'"
            " AND community_code LIKE '330105005%' ORDER BY employees_red DESC, credit_code LIMIT 1")).one()
        staff = conn.execute(text("SELECT employees_yellow + employees_red + employees_none FROM enterprise_stats"
                                  " WHERE credit_code = :c"), {"c": code}).scalar()
    assert page.inner_text("[data-kpi=residents_red] .kpi-value") == f"{red:,}"
    assert page.title() == "拱墅区三色图"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "district.png"))

    # 1. a click on a community of 拱宸桥街道 opens the street
    assert page.evaluate(CLICK, community)
    _wait_for_view(page, "拱宸桥街道")
    assert "street=330105005000" in page.url and "community" not in page.url
    assert page.locator(".ranking li").count() == 8

    # 2. a click on the community in the list beside the map opens it, with its enterprises as points
    page.locator(f".ranking a[href*='community={community}']").click()
    page.wait_for_function("c => location.search.includes('community=' + c)", arg=community)
    page.wait_for_timeout(1500)

    # 3. a click on the enterprise's point opens it: its red-code staff, masked
    assert page.evaluate(CLICK, code)
    page.wait_for_selector(".staff-table", timeout=30_000)
    assert f"enterprise={code}" in page.url
    assert page.locator(".staff-table tbody tr").count() == staff
    assert page.locator(".staff-table tbody tr td:nth-child(2)").first.inner_text().count("*") == 8
    drilled = page.url
    page.screenshot(path=str(ARTIFACTS / "enterprise.png"))

    # 4. the back button steps back up; the link reproduces the view
    page.go_back()
    page.wait_for_function("() => !location.search.includes('enterprise')")
    page.wait_for_function("() => !document.querySelector('.staff-table')")
    page.goto(drilled)
    page.wait_for_selector(".staff-table", timeout=30_000)
    assert page.locator(".staff-table tbody tr").count() == staff
    assert page.locator(".breadcrumb").inner_text().count("›") == 3

    assert _outside(record["requests"]) == []
    assert record["errors"] == []


def test_exports_downloaded_in_the_browser_hold_the_databases_rows(session, server, engine):
    page, record = session
    page.goto(server + "/?street=330105005000")
    page.wait_for_selector("[data-export=cleared]", timeout=30_000)
    with page.expect_download() as download:
        page.click("[data-export=cleared]")
    assert download.value.suggested_filename.endswith(".xlsx") and "可复工" in download.value.suggested_filename
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    cleared = {r[0] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    with page.expect_download() as download:
        page.click("[data-export=csv]")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_bytes().decode("utf-8-sig"))))
    with engine.connect() as conn:
        expected = set(conn.execute(text("SELECT credit_code FROM enterprise_stats WHERE status = 'cleared'"
                                         " AND community_code LIKE '330105005%'")).scalars())
        everyone = set(conn.execute(text("SELECT credit_code FROM enterprise"
                                         " WHERE community_code LIKE '330105005%'")).scalars())
    assert cleared == expected
    assert {r[0] for r in rows[1:]} == everyone
    assert record["errors"] == []


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_big_screen_fills_the_screen_without_scrollbars(browser, server, width, height):
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, server, "leader", "/bigscreen")
    page.wait_for_selector(".big-kpi-value", timeout=30_000)
    page.wait_for_selector(".big-map .maplibregl-canvas", timeout=30_000)
    page.wait_for_timeout(2000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"bigscreen_{width}x{height}.png"))
    size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size == [width, height]
    assert "指挥大屏" in page.inner_text("h1")
    assert page.locator(".big-ranking li").count() == 10
    assert _outside(requests) == [] and errors == []
    page.close()
