"""The whole app in headless Chromium: it draws the map, shows the database's numbers, asks no outside host."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from sqlalchemy import text

from tests.browser import ARTIFACTS, login, serve, stop

pytestmark = pytest.mark.browser


# A busy server: every data request (callbacks, the big screen's version) answers after 2.5 s, longer than
# the big screen's one-second refresh. The delay lives in this test's own server process only.
SLOW_APP = """
import time, flask, app
@app.server.before_request
def _busy():
    if flask.request.path.startswith(("/_dash-update-component", "/bigscreen/")):
        time.sleep(2.5)
app.main()
"""


@pytest.fixture(scope="module")
def slow_server(demo):
    base, process = serve(["-c", SLOW_APP])
    yield base
    stop(process)


# The map's point for a community or enterprise code, once the map has plotted it (else null).
FIND = """(code) => {
  const gd = document.querySelector('#community-map .js-plotly-plot');
  if (!gd || !gd._fullData) return null;
  for (let c = 0; c < gd.data.length; c++) {
    const trace = gd.data[c];
    const i = trace.locations ? trace.locations.indexOf(code)
      : (trace.mode === 'markers' ? trace.customdata.findIndex(d => d[4] === code) : -1);
    if (i >= 0) {
      return {curveNumber: c, pointNumber: i, location: trace.locations ? code : undefined};
    }
  }
  return null;
}"""
CLICK = """(code) => {
  const point = (""" + FIND + """)(code);
  if (point) document.querySelector('#community-map .js-plotly-plot').emit('plotly_click', {points: [point]});
  return point !== null;
}"""
# The view is drawn: the breadcrumb names it, and the map has plotted exactly the communities the side lists.
VIEW_DRAWN = """(crumb) => {
  const gd = document.querySelector('#community-map .js-plotly-plot');
  if (!document.querySelector('#breadcrumb').innerText.includes(crumb) || !gd || !gd._fullData) return false;
  const plotted = new Set(gd._fullData.filter(t => t.type === 'choroplethmap').flatMap(t => t.locations));
  const listed = [...document.querySelectorAll('.ranking a')].map(a => new URLSearchParams(a.search).get('community'));
  return listed.length > 0 && listed.length === plotted.size && listed.every(c => plotted.has(c));
}"""
# The big screen is complete: title, ten ranked areas, the trend plotted, the map's style loaded, fonts ready.
BIG_SCREEN_DRAWN = """() => {
  const plot = sel => document.querySelector(sel + ' .js-plotly-plot');
  const map = plot('.big-map'), trend = plot('.big-trend');
  const subplot = map && map._fullLayout && map._fullLayout.map && map._fullLayout.map._subplot;
  return (document.querySelector('h1')?.innerText || '').includes('指挥大屏')
    && document.querySelectorAll('.big-ranking li').length === 10
    && document.querySelectorAll('.big-kpi-value').length === 6
    && !!(trend && trend._fullData && trend._fullData.length && trend.querySelector('.main-svg'))
    && !!(subplot && subplot.map && subplot.map.loaded() && map._fullData.length)
    && document.fonts.status === 'loaded';
}"""

# The map has its labels and the served font is loaded (MapLibre registers it as a FontFace of its own).
LABELS_READY = """(sel) => {
  const gd = document.querySelector(sel + ' .js-plotly-plot');
  const subplot = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
  const map = subplot && subplot.map;
  return !!(map && map.loaded() && map.getStyle().layers.some(l => l.type === 'symbol')
    && [...document.fonts].some(f => f.family.startsWith('maplibre-gl-font-face') && f.status === 'loaded'));
}"""
# The community names MapLibre placed, once it has finished drawing (placement goes on after loading).
NAMES_PLACED = """(sel) => new Promise(done => {
  const map = document.querySelector(sel + ' .js-plotly-plot')._fullLayout.map._subplot.map;
  map.once('idle', () => {
    const layers = map.getStyle().layers.filter(l => l.type === 'symbol').map(l => l.id);
    done(map.queryRenderedFeatures({layers}).map(f => f.properties.name));
  });
  map.triggerRepaint();
})"""
LABELS_SHOWN = """([sel, shown]) => {
  const map = document.querySelector(sel + ' .js-plotly-plot')._fullLayout.map._subplot.map;
  map.getStyle().layers.filter(l => l.type === 'symbol')
    .forEach(l => map.setLayoutProperty(l.id, 'visibility', shown ? 'visible' : 'none'));
  return new Promise(done => map.once('idle', () => setTimeout(() => done(true), 500)));
}"""
GLYPHS = "/assets/glyphs/community-names.woff"


def names_drawn(page, selector: str) -> list[str]:
    """The names MapLibre drew on the map, once it drew them; checks that they change the map's pixels."""
    page.wait_for_function(LABELS_READY, arg=selector, timeout=30_000)
    page.wait_for_timeout(500)  # MapLibre fades placed labels in over 300 ms
    names = page.evaluate(NAMES_PLACED, selector)
    with_names = page.locator(selector).screenshot()
    page.evaluate(LABELS_SHOWN, [selector, False])
    without = page.locator(selector).screenshot()
    page.evaluate(LABELS_SHOWN, [selector, True])
    assert with_names != without  # the text is painted, not only placed
    return names


def short_names(engine) -> set[str]:
    with engine.connect() as conn:
        return {n.removesuffix("社区") for n in conn.execute(text("SELECT name FROM community")).scalars()}


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


def _outside(urls: list[str]) -> list[str]:
    return [u for u in urls if urlsplit(u).scheme in ("http", "https", "ws", "wss")
            and urlsplit(u).hostname not in ("127.0.0.1", "localhost")]


def _wait_for_view(page, text_in_crumbs: str) -> None:
    page.wait_for_function(VIEW_DRAWN, arg=text_in_crumbs, timeout=30_000)


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
    names = names_drawn(page, "#community-map")  # the map names the communities, in the app's own font
    assert len(names) >= 30 and set(names) <= short_names(engine)
    assert server + GLYPHS in record["requests"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "district.png"))

    # 1. a click on a community of 拱宸桥街道 opens the street
    assert page.evaluate(CLICK, community)
    _wait_for_view(page, "拱宸桥街道")
    assert "street=330105005000" in page.url and "community" not in page.url
    assert page.locator(".ranking a").count() == 8

    # 2. a click on the community in the list beside the map opens it, with its enterprises as points
    page.locator(f".ranking a[href*='community={community}']").click()
    page.wait_for_function("c => location.search.includes('community=' + c)", arg=community)
    page.wait_for_function(FIND, arg=code, timeout=30_000)  # the community's enterprises are on the map

    # 3. a click on the enterprise's point opens it: its red-code staff, masked
    assert page.evaluate(CLICK, code)
    page.wait_for_selector(".staff-table", timeout=30_000)
    assert f"enterprise={code}" in page.url
    assert page.locator(".staff-table tbody tr").count() == staff
    assert page.locator(".staff-table tbody tr td:nth-child(2) .id-number").first.inner_text().count("*") == 8
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
    cleared = {r[0] for r in book.worksheets[0].iter_rows(min_row=4, values_only=True)}  # under title, rule, header
    with page.expect_download() as download:
        page.click("[data-export=csv]")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_bytes().decode("utf-8-sig"))))
    with engine.connect() as conn:
        expected = set(conn.execute(text("SELECT credit_code FROM enterprise_stats WHERE status = 'cleared'"
                                         " AND community_code LIKE '330105005%'")).scalars())
        everyone = set(conn.execute(text("SELECT credit_code FROM enterprise"
                                         " WHERE community_code LIKE '330105005%'")).scalars())
    assert cleared == expected
    assert {r[0].removeprefix('="').removesuffix('"') for r in rows[1:]} == everyone  # ="…": digits stay text
    assert record["errors"] == []


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_big_screen_fills_the_screen_without_scrollbars(browser, server, engine, width, height):
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, server, "leader", "/bigscreen")
    page.wait_for_selector(".big-kpi-value", timeout=30_000)
    page.wait_for_selector(".big-map .maplibregl-canvas", timeout=30_000)
    page.wait_for_function(BIG_SCREEN_DRAWN, timeout=30_000)
    names = names_drawn(page, ".big-map")  # named on the wall too, in text scaled to the screen
    # every community, each once: in place where its name fits, else beside it with a leader line (none dropped)
    assert sorted(names) == sorted(short_names(engine)) and server + GLYPHS in requests
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"bigscreen_{width}x{height}.png"))
    size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size == [width, height]
    assert "指挥大屏" in page.inner_text("h1")
    assert page.locator(".big-ranking li").count() == 10
    assert _outside(requests) == [] and errors == []
    page.close()


def _green_residents(engine, n: int) -> list[str]:
    """Green residents of the community with most red ones, so the demo's clustering of red stays true."""
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text(
            "SELECT p.id_number FROM person p JOIN health_code h USING (id_number)"
            " WHERE p.community_code = (SELECT community_code FROM community_stats ORDER BY residents_red DESC"
            " LIMIT 1) AND h.colour = 'green' ORDER BY p.id_number DESC LIMIT :n"), {"n": n})]


def _beijing_now() -> str:
    from datetime import datetime, timedelta, timezone

    return datetime.now(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")


def test_a_data_operator_uploads_a_file_sees_progress_and_the_result(browser, server, engine, tmp_path):
    page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    login(page, server, "operator")
    page.get_by_text("数据导入", exact=True).click()
    page.wait_for_selector("#import-templates a")
    people = _green_residents(engine, 3)
    good = tmp_path / "健康码变更.csv"
    good.write_bytes(("身份证号码,健康码颜色,变码时间\r\n" + "".join(
        f"{p},黄码,{_beijing_now()}\r\n" for p in people)).encode("gbk"))
    page.set_input_files("#import-upload input[type=file]", str(good))
    page.wait_for_function("() => !document.querySelector('#import-start').disabled", timeout=10_000)
    page.click("#import-start")
    page.wait_for_function("() => document.querySelector('#import-result').innerText.includes('导入成功')",
                           timeout=60_000)
    assert page.get_attribute("#import-progress", "value") == "100"
    assert "健康码变更.csv" in page.inner_text("#import-history")
    with engine.connect() as conn:
        colours = conn.execute(text("SELECT DISTINCT colour FROM health_code WHERE id_number = ANY (:p)"),
                               {"p": people}).scalars().all()
    assert colours == ["yellow"]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(f"身份证号码,健康码颜色,变码时间\r\n{people[0]},紫码,{_beijing_now()}\r\n".encode())
    page.set_input_files("#import-upload input[type=file]", str(bad))
    page.wait_for_function("() => document.querySelector('#import-file').innerText.includes('bad.csv')")
    page.click("#import-start")
    page.wait_for_function("() => document.querySelector('#import-result').innerText.includes('文件被拒绝')",
                           timeout=60_000)
    href = page.get_attribute("#import-result a", "href")
    report = page.request.get(server + href).body().decode("utf-8-sig")
    assert "2,健康码颜色,紫码,健康码颜色只能是" in report
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import_tab.png"), full_page=True)
    assert _outside(requests) == [] and errors == []
    page.close()


def _workbook(sheets: dict[str, list[list[str]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_import_tab_offers_a_workbooks_sheets_and_lists_the_first_twenty_errors(browser, server, engine,
                                                                                    tmp_path):
    page = browser.new_page(viewport={"width": 1600, "height": 1200}, locale="zh-CN")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, server, "operator")
    page.get_by_text("数据导入", exact=True).click()
    page.wait_for_selector("#import-templates a")
    people = _green_residents(engine, 25)
    head = ["身份证号码", "健康码颜色", "变码时间"]
    path = tmp_path / "两个月.xlsx"
    path.write_bytes(_workbook({"一月": [head, [people[0], "黄码", _beijing_now()]],
                                "二月": [head, *([p, "紫码", _beijing_now()] for p in people)]}))
    page.set_input_files("#import-upload input[type=file]", str(path))
    page.wait_for_function("() => !document.querySelector('#import-start').disabled", timeout=10_000)
    assert page.is_visible("#import-sheet")
    page.click("#import-start")  # no sheet chosen: both have the header, so the file is refused naming them
    page.wait_for_function("() => document.querySelector('#import-result').innerText.includes('一月、二月')",
                           timeout=60_000)
    page.click("#import-sheet")
    page.get_by_role("option", name="二月").click()
    page.click("#import-start")  # the refused file is kept for another try with other options
    page.wait_for_selector("#import-result table.import-errors", timeout=60_000)  # the same upload, again
    rows = page.locator("#import-result table.import-errors tbody tr")
    assert rows.count() == 20
    assert rows.nth(0).locator("td").all_inner_texts() == ["2", "健康码颜色", "紫码",
                                                           "健康码颜色只能是 绿码、黄码、红码"]
    assert rows.nth(19).locator("td").first.inner_text() == "21"
    assert "前 20 处错误（共 25 处" in page.inner_text("#import-result")
    href = page.get_attribute("#import-result a.import-report", "href")
    report = page.request.get(server + href).body().decode("utf-8-sig").splitlines()
    assert len(report) == 26  # the header and every one of the 25 errors
    with engine.connect() as conn:
        colours = conn.execute(text("SELECT DISTINCT colour FROM health_code WHERE id_number = ANY (:p)"),
                               {"p": people}).scalars().all()
    assert colours == ["green"]  # nothing of either sheet was written
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import_errors.png"), full_page=True)
    assert errors == []
    page.close()


def test_a_live_batch_reaches_the_big_screen_without_a_reload(browser, server, engine):
    from data_access.users import integrations

    with engine.begin() as conn:
        token = integrations.create_token(conn, "browser.test", "test", apis=["health_codes"])
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    login(page, server, "leader", "/bigscreen")
    with engine.connect() as conn:
        red = conn.execute(text("SELECT sum(residents_red) FROM community_stats")).scalar()
    # The first tile (red-code residents) shows the database's count before the batch is sent.
    page.wait_for_function("v => document.querySelector('.big-kpi-value')?.innerText === v", arg=f"{red:,}",
                           timeout=30_000)
    before = page.inner_text(".big-kpi-value")
    assert before == f"{red:,}"
    people = _green_residents(engine, 7)
    body = json.dumps({"changes": [{"id_number": p, "colour": "red", "changed_at": _beijing_now()}
                                   for p in people]}).encode()
    sent = time.perf_counter()
    request = urllib.request.Request(server + "/api/v1/health-codes", data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert urllib.request.urlopen(request, timeout=10).status == 200
    page.wait_for_function("b => document.querySelector('.big-kpi-value').innerText !== b", arg=before,
                           timeout=15_000)
    seen = time.perf_counter() - sent
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "live_to_bigscreen_seconds.txt").write_text(f"{seen:.2f}\n")
    after = page.inner_text(".big-kpi-value")
    assert int(after.replace(",", "")) == int(before.replace(",", "")) + 7
    page.close()


def test_an_administrator_makes_a_token_for_one_api_in_the_browser(browser, server, engine):
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    login(page, server, "admin", "/admin")
    page.fill("#token-name", "browser.one.door")
    page.get_by_label("推送变码（/api/v1/health-codes）").check()
    page.click("#token-create")
    page.wait_for_function("() => document.querySelector('#token-message')?.innerText.includes('sst_')")
    token = re.search(r"sst_[A-Za-z0-9_-]+", page.inner_text("#token-message")).group(0)
    row = page.locator("#token-table .ag-row", has_text="browser.one.door")
    row.wait_for()
    assert "推送变码" in row.inner_text() and "申诉" not in row.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#token-table").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "admin_token_one_api.png"))
    page.close()
    person = _green_residents(engine, 1)[0]
    for path, body, status in (
            ("/api/v1/health-codes", {"changes": [{"id_number": person, "colour": "yellow",
                                                   "changed_at": _beijing_now()}]}, 200),
            ("/api/v1/keyperson-batches", {"kind": "inbound", "records": []}, 403)):
        request = urllib.request.Request(server + path, data=json.dumps(body).encode(), method="POST", headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            answered = urllib.request.urlopen(request, timeout=30).status
        except urllib.error.HTTPError as refused:
            answered = refused.code
        assert answered == status, path
    with engine.begin() as conn:
        conn.execute(text("UPDATE integration SET active = false WHERE name = 'browser.one.door'"))


@pytest.fixture
def red_enterprise(engine):
    """An enterprise of the worker's community (台州路) employing red-code people: (credit code, first person).
    Removed afterwards: other tests count the demo's enterprises."""
    from tests import builders

    with engine.begin() as conn:
        code = builders.credit_code()
        conn.execute(text("INSERT INTO enterprise (credit_code, name, industry, location, community_code)"
                          " SELECT :c, '揭示测试企业', '制造业', ST_PointOnSurface(geom), code FROM community"
                          " WHERE code = '330105005052'"), {"c": code})
        people = conn.execute(text("SELECT id_number FROM health_code WHERE colour = 'red' ORDER BY id_number"
                                   " LIMIT 3")).scalars().all()
        for person in people:
            builders.employ(conn, code, person)
        first = conn.execute(text("SELECT id_number FROM person WHERE id_number = ANY (:p) ORDER BY name LIMIT 1"),
                             {"p": people}).scalar()  # the staff table's first row: all red, by name
    yield code, first
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM enterprise WHERE credit_code = :c"), {"c": code})


def test_a_community_worker_reveals_one_person_and_the_audit_log_names_them(browser, server, engine,
                                                                             red_enterprise):
    """The reveal button works in the running app (its callback is registered by the module list) and writes
    its audit row; the full ID number appears only after the click."""
    code, pid = red_enterprise
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'reveal'")).scalar()
    _reveal_in_the_browser(browser, server, engine, code, pid, before)


def _reveal_in_the_browser(browser, server, engine, code: str, pid: str, before: int) -> None:
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server, "tzl.worker",
          then=f"/?street=330105005000&community=330105005052&enterprise={code}")
    page.wait_for_selector(".staff-table button.reveal", timeout=30_000)
    assert pid not in page.inner_text(".staff-table")  # masked until revealed
    page.locator(".staff-table button.reveal").first.click()
    page.wait_for_function("id => document.querySelector('#revealed-person').innerText.includes(id)", arg=pid,
                           timeout=30_000)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT username, area, detail->>'id_number' FROM audit_log WHERE action = 'reveal'"
                                " ORDER BY id DESC LIMIT 1")).one()
        after = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'reveal'")).scalar()
    assert after == before + 1
    assert tuple(row) == ("tzl.worker", "330105005052", pid)
    page.screenshot(path=str(ARTIFACTS / "reveal.png"))
    assert errors == []
    context.close()


def test_the_big_screen_draws_on_a_busy_server_and_keeps_its_picture(browser, slow_server):
    """Each refresh takes 2.5 s against a one-second refresh: the screen still draws, once, and stays drawn."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, slow_server, "leader", "/bigscreen")
    page.wait_for_function(BIG_SCREEN_DRAWN, timeout=60_000)
    page.wait_for_timeout(6_000)  # several refreshes later, with no new data, the picture is still there
    assert page.evaluate(BIG_SCREEN_DRAWN)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "bigscreen_busy_server.png"))
    assert errors == []
    page.close()


# English words a person can read: the page's visible text outside data cells (names and files are data),
# and the tooltips, placeholders and toolbar titles shown on hover.
ENGLISH_WORDS = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (el && !el.closest('.ag-cell, script, style') && el.checkVisibility()) texts.push(node.textContent);
  }
  document.querySelectorAll('[title], [placeholder], [data-title]').forEach(el => {
    if (!el.checkVisibility()) return;
    for (const a of ['title', 'placeholder', 'data-title']) if (el.getAttribute(a)) texts.push(el.getAttribute(a));
  });
  return texts.join(' ').match(/[A-Za-z]{2,}/g) || [];
}"""
FILE_TYPES = {"Excel", "CSV", "XLSX", "csv", "xlsx"}


def _english(page) -> set[str]:
    return set(page.evaluate(ENGLISH_WORDS)) - FILE_TYPES


def test_the_map_the_enterprise_table_and_the_audit_log_speak_only_chinese(browser, server):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    login(page, server, "official", "/?street=330105005000")
    page.wait_for_selector("#community-map .modebar-btn", state="attached", timeout=30_000)
    page.wait_for_selector(".maplibregl-canvas", timeout=30_000)
    assert _english(page) == set()
    titles = page.eval_on_selector_all("#community-map .modebar-btn", "bs => bs.map(b => b.dataset.title)")
    assert titles and "放大" in titles  # the toolbar speaks Chinese; the cloud "share" button is gone
    page.get_by_text("企业名单", exact=True).click()
    page.wait_for_selector(".ag-row", timeout=30_000)
    pager = page.inner_text(".ag-paging-row-summary-panel")
    assert "页，共" not in pager and " 至 " in pager and " / " in pager
    page.click("#table-status")
    page.wait_for_timeout(500)  # the status filter's menu: its search box and select-all buttons
    assert "全选" in page.inner_text("body")
    assert _english(page) == set()
    page.screenshot(path=str(ARTIFACTS / "enterprise_table_zh.png"))
    assert page.request.get(server + "/export/enterprises.csv?area=330105005000&list=cleared").ok  # audited
    context.close()

    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    login(page, server, "auditor", "/audit")
    page.wait_for_selector(".ag-row", timeout=30_000)
    details = page.eval_on_selector_all(".ag-cell[col-id=detail]", "cs => cs.map(c => c.innerText)")
    areas = page.eval_on_selector_all(".ag-cell[col-id=area]", "cs => cs.map(c => c.innerText)")
    assert "{}" not in details and not any(d.startswith("{") for d in details)
    assert any("名单：可复工企业名单" in d for d in details)
    assert "拱墅区" in areas and not [a for a in areas if a.isdigit()]
    page.click("#audit-action")
    page.wait_for_timeout(500)
    assert _english(page) == set()
    page.screenshot(path=str(ARTIFACTS / "audit_zh.png"))
    context.close()


def test_a_leader_finds_an_enterprise_by_name_in_one_search_and_sees_it_opened(browser, server, engine):
    with engine.connect() as conn:
        name, code, community = conn.execute(text(
            "SELECT e.name, e.credit_code, e.community_code FROM enterprise e JOIN enterprise_stats s"
            " USING (credit_code) WHERE s.status = 'warned' ORDER BY e.credit_code DESC LIMIT 1")).one()
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server, "leader")
    page.wait_for_selector(".maplibregl-canvas", timeout=30_000)
    page.fill("#place-search", name)
    page.wait_for_selector(f".search-list li[data-code='{code}']", timeout=15_000)  # listed as it is typed
    page.press("#place-search", "Enter")  # the one search: Enter opens the first match
    page.wait_for_function("c => location.search.includes('enterprise=' + c)", arg=code, timeout=15_000)
    page.wait_for_selector(".enterprise-name", timeout=30_000)
    assert page.inner_text(".enterprise-name") == name
    assert f"community={community}" in page.url
    page.wait_for_function(FIND, arg=code, timeout=30_000)  # its point is on the map, ringed
    page.wait_for_selector(".staff-table", timeout=30_000)
    assert page.input_value("#place-search") == "" and page.locator(".search-list").count() == 0
    page.screenshot(path=str(ARTIFACTS / "search_opened.png"))
    assert errors == []
    context.close()


def test_a_row_of_the_enterprise_table_opens_its_enterprise_on_the_map(browser, server, engine):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    login(page, server, "official", "/?street=330105005000")
    page.get_by_text("企业名单", exact=True).click()
    # the grid's row id is the credit code (set once the row's data has arrived)
    page.wait_for_function("() => (document.querySelector(\".ag-center-cols-container .ag-row[row-index='0']\")"
                           "?.getAttribute('row-id') || '').length === 18", timeout=30_000)
    row = page.locator(".ag-center-cols-container .ag-row[row-index='0']").first
    code = row.get_attribute("row-id")
    with engine.connect() as conn:  # the name as registered
        name = conn.execute(text("SELECT name FROM enterprise WHERE credit_code = :c"), {"c": code}).scalar()
    row.locator(".ag-cell").first.click()
    page.wait_for_function("c => location.search.includes('enterprise=' + c)", arg=code, timeout=15_000)
    page.wait_for_function("n => document.querySelector('.enterprise-name')?.innerText === n", arg=name,
                           timeout=30_000)
    page.wait_for_function("() => window.scrollY === 0", timeout=5_000)  # the map is in view again
    context.close()


# Boxes of the map page: the map's size, metric choices on one line each, the staff table inside the panel.
BOXES = """() => {
  const box = el => el.getBoundingClientRect();
  const lines = el => { const r = document.createRange(); r.selectNodeContents(el);
    return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; };
  const side = document.querySelector('.side'), table = document.querySelector('.staff-table');
  const right = box(side).right - parseFloat(getComputedStyle(side).paddingRight) + 0.5;
  return {
    map: [box(document.querySelector('#community-map')).width, box(document.querySelector('#community-map')).height],
    choices: [...document.querySelectorAll('.segmented a')].map(a => [a.innerText, lines(a)]),
    page: [document.documentElement.scrollWidth, window.innerWidth],
    side: [side.scrollWidth, side.clientWidth],
    outside: [...table.querySelectorAll('th, td, button')].filter(c => box(c).right > right).map(c => c.innerText),
    clipped: [...table.querySelectorAll('td')].filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText),
    times: [...table.querySelectorAll('td.changed-at')].map(c => c.innerText),
  };
}"""


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768), (390, 844)])
def test_the_map_page_fits_a_wall_a_laptop_and_a_phone(browser, server, red_enterprise, width, height):
    code, _ = red_enterprise
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    login(page, server, "tzl.worker", then=f"/?street=330105005000&community=330105005052&enterprise={code}")
    page.wait_for_selector(".staff-table button.reveal", timeout=30_000)
    page.wait_for_selector(".maplibregl-canvas", timeout=30_000)
    boxes = page.evaluate(BOXES)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"map_{width}x{height}.png"), full_page=True)
    assert boxes["map"][0] >= 0.6 * width - 40 and boxes["map"][1] >= 300  # a phone: the full width
    assert [c for c, lines in boxes["choices"] if lines != 1] == []  # no choice broken over lines
    assert boxes["page"][0] <= boxes["page"][1]  # nothing wider than the screen
    assert boxes["outside"] == [] and boxes["clipped"] == []  # 变码时间 and the reveal button inside the panel
    assert boxes["side"][0] <= boxes["side"][1]  # the panel does not scroll sideways
    assert len(boxes["times"]) == 3 and all(re.search(r"\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}", t) for t in boxes["times"])


# The colour the map draws an enterprise's point in (null until the point is plotted).
POINT_COLOUR = """(code) => {
  const gd = document.querySelector('#community-map .js-plotly-plot');
  const dots = gd && gd._fullData ? gd.data.find(t => t.mode === 'markers') : null;
  const i = dots ? dots.customdata.findIndex(d => d[4] === code) : -1;
  return i >= 0 ? dots.marker.color[i] : null;
}"""


def test_a_community_worker_records_a_warning_given_and_the_map_shows_it(browser, server, engine):
    """A warned enterprise of 台州路社区 is drawn apart (no warning given yet) and listed in the worker's tab; the
    worker records the warning given; the list, the open map (without a reload) and the audit log show it."""
    from layouts.map_figure import STATUS_COLOURS
    from tests import builders

    with engine.begin() as conn:
        code = builders.credit_code()
        conn.execute(text("INSERT INTO enterprise (credit_code, name, industry, location, community_code)"
                          " SELECT :c, '警告送达测试企业', '制造业', ST_PointOnSurface(geom), code FROM community"
                          " WHERE code = '330105005052'"), {"c": code})
        pid = conn.execute(text("SELECT id_number FROM health_code WHERE colour = 'red' ORDER BY id_number LIMIT 1"
                                )).scalar_one()
        builders.employ(conn, code, pid)
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        login(page, server, "tzl.worker", then="/?street=330105005000&community=330105005052")
        page.wait_for_function(f"c => ({POINT_COLOUR})(c) === '{STATUS_COLOURS['warned_unnotified']}'", arg=code,
                               timeout=30_000)
        page.get_by_text("警告跟进", exact=True).click()
        page.wait_for_selector("table.open-warnings tr[data-stage=unnotified]", timeout=30_000)
        assert "警告送达测试企业" in page.inner_text("table.open-warnings")
        page.click("#warnings-enterprise")
        page.get_by_text(f"警告送达测试企业（{code}）", exact=False).click()
        page.click("#warnings-method")
        page.get_by_text("上门", exact=True).click()
        page.fill("#warnings-recipient", "王厂长")
        page.fill("#warnings-note", "当面送达停工警告书")
        page.get_by_text("登记警告已送达", exact=True).click()
        page.wait_for_function("() => (document.querySelector('#warnings-message')?.innerText || '')"
                               ".includes('已登记')", timeout=30_000)
        page.wait_for_selector("table.open-warnings tr[data-stage=notified]", timeout=30_000)
        assert "上门告知王厂长" in page.inner_text("table.open-warnings")
        # the open map redraws by itself: the point is now an ordinary warned one
        page.wait_for_function(f"c => ({POINT_COLOUR})(c) === '{STATUS_COLOURS['warned']}'", arg=code,
                               timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "warning_recorded.png"), full_page=True)
        with engine.connect() as conn:
            audited = conn.execute(text(
                "SELECT username, area, detail->>'enterprise', detail->>'method' FROM audit_log"
                " WHERE action = 'warning_notified' ORDER BY id DESC LIMIT 1")).one()
            step = conn.execute(text("SELECT recorded_by, method, recipient, note FROM warning_step"
                                     " WHERE credit_code = :c"), {"c": code}).one()
        assert tuple(audited) == ("tzl.worker", "330105005052", code, "visit")
        assert tuple(step) == ("tzl.worker", "visit", "王厂长", "当面送达停工警告书")
        assert errors == []
    finally:
        context.close()
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM enterprise WHERE credit_code = :c"), {"c": code})


def test_a_leader_looks_back_at_a_past_day_and_plays_the_days_forward(browser, server, engine):
    """The URL's day shows that day's figures (the tiles equal the history's count), the picker shows the day,
    and play steps to the next day once the day is drawn; pause stops it."""
    from datetime import timedelta

    from data_access import aggregates
    from data_access.session import reading
    from domain.clock import today
    from domain.divisions import Scope
    from tests.helpers import access_of

    day = today() - timedelta(days=5)
    with reading(access_of("leader")) as conn:  # a day's figures are those of the session's area
        then = aggregates.area_totals(conn, Scope("330105000000"), day)
        now = aggregates.area_totals(conn, Scope("330105000000"))
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server, "leader", then=f"/?day={day.isoformat()}")
    drawn = "d => (document.querySelector('#data-time')?.innerText || '').includes(d)"
    page.wait_for_function(drawn, arg=day.isoformat(), timeout=30_000)
    page.wait_for_selector(".maplibregl-canvas", timeout=30_000)
    assert page.inner_text("[data-kpi=residents_red] .kpi-value") == f"{then['residents_red']:,}"
    assert then["residents_red"] != now["residents_red"] or then["enterprises_warned"] != now["enterprises_warned"]
    assert page.input_value("#history-day") == day.isoformat()
    page.click("#history-day-wrapper")  # the calendar speaks Chinese too (assets/datepicker_locale.js)
    page.get_by_text("六", exact=True).wait_for(timeout=10_000)
    assert not page.get_by_text("Sa", exact=True).count()
    page.screenshot(path=str(ARTIFACTS / "history_day.png"))
    page.keyboard.press("Escape")

    page.click("#history-play")
    following = (day + timedelta(days=1)).isoformat()
    page.wait_for_function("d => location.search.includes('day=' + d)", arg=following, timeout=30_000)
    page.wait_for_function(drawn, arg=following, timeout=30_000)
    page.click("#history-play")  # pause
    page.wait_for_function("() => (document.querySelector('#history-play')?.innerText || '').includes('播放')",
                           timeout=30_000)
    stopped_at = page.url
    page.wait_for_timeout(3_000)
    assert page.url == stopped_at
    assert errors == []
    context.close()
