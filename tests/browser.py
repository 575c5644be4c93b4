"""What the browser tests share: Debian's Chromium, the app served in its own process on a free port (its
output in a file under artifacts/), and logging in through the login page as a person does. The fixtures
`server` and `browser` are offered to every test module through tests/conftest.py."""

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

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(argv: list[str]):
    """The app in its own process on a free port: (base URL, process). Its output goes to a file: a pipe
    nobody reads fills up after a few hundred logged requests and the server then hangs on its next line."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"server_{port}.log", "wb")  # noqa: SIM115 (closed with the process, in stop)
    process = subprocess.Popen(
        [sys.executable, *argv], cwd=ROOT,
        env={**os.environ, "PORT": str(port), "PYTHONPATH": str(ROOT), "SANSETU_DEMO": "1"},
        stdout=log, stderr=subprocess.STDOUT,
    )
    process.log = log
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        stop(process)
        pytest.fail("the app did not start: " + Path(log.name).read_text(errors="replace")[-3000:])
    return base, process


def stop(process) -> None:
    process.terminate()
    process.wait(timeout=10)
    process.log.close()


@pytest.fixture(scope="module")
def server(demo):
    base, process = serve(["app.py"])
    yield base
    stop(process)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: make test installs it (scripts/ensure_system.sh --browser)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def login(page, server: str, username: str, then: str = "/", password: str | None = None) -> None:
    """Log in through the login page, as a person does; land on `then`."""
    from data_access.demo.users import DEMO_USERS

    page.set_default_timeout(60_000)  # a busy machine answers slowly
    page.goto(server + then)
    page.wait_for_selector("input[name=username]")
    assert "/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or next(u[4] for u in DEMO_USERS if u[0] == username))
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
