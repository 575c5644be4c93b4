"""The whole app in headless Chromium: it draws the map, shows the database's numbers, asks no outside host."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

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
        [sys.executable, "app.py"], cwd=ROOT, env={**os.environ, "PORT": str(port), "PYTHONPATH": str(ROOT)},
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


def test_map_page_draws_the_district_with_database_numbers_and_no_outside_request(server, browser, engine):
    page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    page.wait_for_selector("[data-kpi=residents_red] .kpi-value", timeout=30_000)
    page.wait_for_selector(".maplibregl-canvas", timeout=30_000)
    page.wait_for_timeout(1500)

    with engine.connect() as conn:
        red = conn.execute(text("SELECT sum(residents_red) FROM community_stats")).scalar()
    assert page.inner_text("[data-kpi=residents_red] .kpi-value") == f"{red:,}"
    assert page.title() == "拱墅区三色图"
    assert "示意边界" in page.inner_text("#community-map")

    page.get_by_label("黄码人数").check()
    page.wait_for_function("document.querySelector('#community-map').innerText.includes('黄码人数')")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map_page.png"))
    outside = [u for u in requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
               and urlsplit(u).hostname not in ("127.0.0.1", "localhost")]
    assert outside == []
    assert errors == []
    page.close()
