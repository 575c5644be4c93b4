"""make bench: demo load at full scale, and the map's callback and queries against the naive way.

Not a test: prints numbers. Uses its own database (BENCH_DATABASE_URL, a name ending in _bench), which it
recreates, so it never touches the dashboard's data.

BENCH_REUSE=1 times the database already loaded; BENCH_LOAD=0 skips the viewers under load;
BENCH_LOAD_SECONDS (default 20) bounds each load level; BENCH_BASELINE=<another checkout> runs the same load
and views against that checkout's code too, interleaved, for before/after ratios from one run;
BENCH_SCALES (default 0.05,0.25; empty skips) loads those demo scales into databases of their own to print
the drill steps and the hot path's plans beside scale 1's. BENCH_ONLY=felt times only the clicks in Chromium.
"""

from __future__ import annotations

import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench_imports  # noqa: E402
import bench_modules  # noqa: E402
import requests  # noqa: E402
from bench_modules import appeals, migrants, proxy, scoreboard, timings  # noqa: E402
from bench_modules import policies as policy_lines  # noqa: E402  (policies: 民生直达, 亲清在线)
from sqlalchemy import create_engine, text  # noqa: E402

from data_access import aggregates  # noqa: E402
from data_access import cache as answers_cache  # noqa: E402
from data_access.engine import get_engine  # noqa: E402
from data_access.settings import database_url  # noqa: E402
from data_access.setup_db import migrate  # noqa: E402
from domain.clock import BEIJING  # noqa: E402
from domain.divisions import DISTRICT  # noqa: E402
from layouts import ids as shell_ids  # noqa: E402
from layouts.colour_map import ids  # noqa: E402
from layouts.enterprises import ids as table_ids  # noqa: E402

RUNS = 60
VIEWERS = (1, 5, 20, 50)  # logged-in browsers drilling at once, each level for LOAD_SECONDS
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS") or 20)
SCALES = [s for s in os.environ.get("BENCH_SCALES", "0.05,0.25").split(",") if s]


def main() -> None:
    url = database_url()
    if not url.database.endswith("_bench"):
        sys.exit(f"bench: refusing to recreate {url.database!r}; set BENCH_DATABASE_URL to a *_bench database")
    if os.environ.get("BENCH_REUSE") != "1":  # BENCH_REUSE=1: time against the database already loaded
        _recreate(url)
        migrate(url)
        # The load runs as `make run` runs it: the command, in its own process.
        started = time.perf_counter()
        loaded = subprocess.run([sys.executable, "-m", "data_access.cli", "load-demo", "--scale", "1", "--timings"],
                                cwd=ROOT, capture_output=True, text=True, check=True)
        total = time.perf_counter() - started
        print(f"demo load, full scale, whole command: {total:.1f} s")
        print("  " + loaded.stdout.strip().replace("\n", "\n  "))
        print(f"  peak memory of the loader: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MiB")
    migrate(url)
    if os.environ.get("BENCH_ONLY") == "felt":  # click to drawn in Chromium only (with BENCH_BASELINE: both)
        with ExitStack() as stack:
            _felt_latency({name: stack.enter_context(_production_server(root)) for name, root in _roots().items()},
                          int(os.environ.get("BENCH_ROUNDS") or 6))
        return

    import app  # after the data exists; Dash validates on first request

    client = _logged_in(app.server.test_client(), "official", "demo-official-2020")
    steps = _drill_path()
    scale_one = _drill_and_plans(client, steps)
    print("drill steps over HTTP in this process (show_view: version, then the shared answer cache or"
          " queries + figure + panels + JSON), cache hit vs miss:")
    for label, search in steps:
        hit = _timings(lambda s=search: _post_view(client, s))
        with answers_cache.bypassed():
            miss = _timings(lambda s=search: _post_view(client, s), runs=20)
        size = len(_post_view(client, search)) / 1e3
        print(f"  {label:<22} hit: median {hit[0] * 1000:.1f} ms, p95 {hit[1] * 1000:.1f} ms;"
              f" miss: median {miss[0] * 1000:.1f} ms, p95 {miss[1] * 1000:.1f} ms; {size:,.0f} kB")
    _scales(scale_one)
    if os.environ.get("BENCH_LOAD") != "0":  # BENCH_LOAD=0: skip the minutes of load
        _viewers(steps)
    _print("enterprise table, one page of 50", _timings(lambda: _post_rows(client)))
    appeals(app.server)  # the modules' lines: scripts/bench_modules.py
    scoreboard(app.server)
    bench_modules.keypersons(app.server)  # key persons (#15)
    proxy(app.server)
    migrants(app.server)  # migrants (新拱墅人一码通): scripts/bench_modules.py
    policy_lines(app.server)  # policies

    for kind in ("xlsx", "csv"):
        url = f"/export/enterprises.{kind}?area=330105000000&list=cleared"
        timing = _timings(lambda u=url: _get(client, u), runs=5)
        size = len(client.get(url).data)
        _print(f"district cleared list as {kind.upper()} ({size / 1e6:.1f} MB)", timing)

    _print("live-data poll of an open map (one version query)", _timings(lambda: _post_poll(client)))
    maintained = _timings(lambda: _read(aggregates.community_map_rows, aggregates.area_totals))
    naive = _timings(lambda: _read(aggregates.community_counts_live), runs=10)
    _print("aggregate query, maintained tables", maintained)
    _print("aggregate query, naive from base tables", naive)
    print(f"  naive / maintained: median x{naive[0] / maintained[0]:.0f}, p95 x{naive[1] / maintained[1]:.0f}")

    _colour_changes(10_000)
    _snapshot_import(0.02)
    _changes_import(100_000)
    _residents_import(100_000)
    _big_xlsx_import(100)
    _big_xlsx_import(35)
    bench_imports.main()  # big files per size, each in a process of its own (scripts/bench_imports.py)


def _logged_in(client, username: str, password: str):
    """Log in through the login form, as the browser does (every route needs a user)."""
    page = client.get("/login").data.decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf": csrf, "username": username, "password": password, "next": "/"})
    assert response.status_code == 302, response.data[:200]
    return client


def _drill_path() -> list[tuple[str, str]]:
    """district -> street -> community -> enterprise, through the warned enterprise with most red staff."""
    with get_engine().connect() as conn:
        code, community = conn.execute(text(
            "SELECT credit_code, community_code FROM enterprise_stats WHERE status = 'warned'"
            " ORDER BY employees_red DESC, credit_code LIMIT 1")).one()  # ties: the same one each run
    street = community[:9] + "000"
    return [
        ("district", ""),
        ("street", f"?street={street}"),
        ("community", f"?street={street}&community={community}"),
        ("enterprise", f"?street={street}&community={community}&enterprise={code}"),
        ("district + 27k points", "?points=1"),
    ]


def _dash(client, outputs: list[tuple[str, str]], inputs: list[dict], state: list[dict] | None = None) -> bytes:
    single = len(outputs) == 1  # Dash names a single output plainly, several wrapped in dots
    body = {
        "output": f"{outputs[0][0]}.{outputs[0][1]}" if single
        else ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": {"id": outputs[0][0], "property": outputs[0][1]} if single
        else [{"id": i, "property": p} for i, p in outputs],
        "inputs": inputs, "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
        "state": state or [],
    }
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 204), response.data[:300]
    return response.data


def _post_view(client, search: str) -> bytes:
    outputs = [(ids.BREADCRUMB, "children"), (ids.CHOICES, "children"), (ids.MAP_DRAWN, "data"),
               (ids.LEGEND, "children"), (ids.SIDE, "children"), (ids.KPIS, "children"),
               (ids.DATA_TIME, "children"), (ids.MESSAGE, "children"), (ids.LIVE_SEEN, "data"),
               (ids.OUTPUT_DIGESTS, "data")]
    inputs = [{"id": shell_ids.URL, "property": "search", "value": search},
              {"id": ids.LIVE_VERSION, "property": "data", "value": None}]
    try:
        return _dash(client, outputs, inputs, [{"id": ids.OUTPUT_DIGESTS, "property": "data", "value": None}])
    except AssertionError:  # a baseline checkout from before the digests of what is drawn
        return _dash(client, outputs[:-1], inputs)


def _post_poll(client) -> None:
    """An open map's once-a-second question: has the data changed?"""
    _dash(client, [(ids.LIVE_VERSION, "data")], [{"id": ids.LIVE_TICK, "property": "n_intervals", "value": 1}],
          [{"id": ids.LIVE_SEEN, "property": "data", "value": "seen"}])


def _post_rows(client) -> None:
    grid = json.dumps(table_ids.table("bench"), separators=(",", ":"), sort_keys=True)
    pattern = json.dumps({"key": ["MATCH"], "type": table_ids.TABLE}, separators=(",", ":"))
    body = {
        "output": f"{pattern}.getRowsResponse",
        "outputs": {"id": table_ids.table("bench"), "property": "getRowsResponse"},
        "inputs": [{"id": table_ids.table("bench"), "property": "getRowsRequest",
                    "value": {"startRow": 0, "endRow": 50, "sortModel": [{"colId": "employees_red", "sort": "desc"}]}}],
        "changedPropIds": [f"{grid}.getRowsRequest"],
        "state": [{"id": shell_ids.URL, "property": "search", "value": ""},
                  {"id": table_ids.TABLE_STATUS, "property": "value", "value": None},
                  {"id": table_ids.TABLE_INDUSTRY, "property": "value", "value": None},
                  {"id": table_ids.TABLE_SEARCH, "property": "value", "value": None}],
    }
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.data[:300]


class _Http:
    """The calls the drill makes on a Flask test client, made over HTTP to a running server instead."""

    class Answer:
        def __init__(self, response: requests.Response) -> None:
            self.status_code, self.data = response.status_code, response.content

    def __init__(self, base: str) -> None:
        self.base, self.session = base, requests.Session()

    def get(self, path: str) -> Answer:
        return self.Answer(self.session.get(self.base + path, allow_redirects=False, timeout=60))

    def post(self, path: str, data=None, content_type: str | None = None) -> Answer:
        headers = {"Content-Type": content_type} if content_type else {}
        return self.Answer(self.session.post(self.base + path, data=data, headers=headers, allow_redirects=False,
                                             timeout=60))


def _viewers(steps: list[tuple[str, str]]) -> None:
    """Logged-in officials drilling district -> street -> community at once, 1, 5, 20 and 50 of them, each
    level for LOAD_SECONDS, against gunicorn as `make serve-prod` runs it; with BENCH_BASELINE, against that
    checkout's server too, level by level in turns; then each view alone, one request of each server in turn."""
    roots = _roots()
    searches = [search for _, search in steps[:3]]
    with ExitStack() as stack:
        bases = {name: stack.enter_context(_production_server(root)) for name, root in roots.items()}
        clients = {name: [_logged_in(_Http(base), "official", "demo-official-2020") for _ in range(max(VIEWERS))]
                   for name, base in bases.items()}
        print(f"viewers drilling district -> street -> community at once, gunicorn 2 workers x 4 threads,"
              f" {LOAD_SECONDS} s per level:")
        for count in VIEWERS:
            for name in bases:
                samples, errors = _drill_together(clients[name][:count], searches)
                p50, p95, p99 = (_quantile(samples, q) * 1000 for q in (0.5, 0.95, 0.99))
                print(f"  {count:>2} viewers, {name:<8}: {len(samples) / LOAD_SECONDS:6.1f} answers/s,"
                      f" p50 {p50:6.0f} ms, p95 {p95:6.0f} ms, p99 {p99:6.0f} ms, {len(errors)} errors")
                for error in sorted(set(errors))[:3]:
                    print(f"    error: {error}")
        _felt_latency(bases)
        if len(bases) > 1:
            print("each view alone over HTTP, one request of each server in turn (median, p95):")
            for label, search in steps:
                took: dict[str, list[float]] = {name: [] for name in bases}
                for _ in range(20):
                    for name in bases:
                        started = time.perf_counter()
                        _post_view(clients[name][0], search)
                        took[name].append(time.perf_counter() - started)
                line = "; ".join(f"{name} {statistics.median(t) * 1000:.0f} / {sorted(t)[18] * 1000:.0f} ms"
                                 for name, t in took.items())
                ratio = statistics.median(took["baseline"]) / statistics.median(took["this"])
                print(f"  {label:<22} {line}; baseline / this x{ratio:.1f}")


def _roots() -> dict[str, Path]:
    """The checkouts whose servers are timed: this one, and BENCH_BASELINE's if set."""
    baseline = os.environ.get("BENCH_BASELINE")
    return {"this": ROOT} | ({"baseline": Path(baseline)} if baseline else {})


# The map has drawn what a click asked for: plotly drew the figure after the click, and no output of the page
# is still waiting for the server.
HOOK = """() => {
  const gd = document.querySelector('#community-map .js-plotly-plot');
  if (gd && !gd.__bench) { gd.on('plotly_afterplot', () => { window.__drawn = performance.now(); }); gd.__bench = 1; }
  const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
    && gd._fullLayout.map._subplot.map;  // MapLibre's frames drawn until then
  if (map && !map.__bench) {
    map.on('render', () => { window.__frames = (window.__frames || 0) + 1; });
    map.__bench = 1;
  }
  window.__frames = 0;
  performance.setResourceTimingBufferSize(10000);
  performance.clearResourceTimings();
  return performance.now();
}"""
# The callbacks' answers the page received since the click: [body size (bytes), answered (ms since t0)].
RECEIVED = """(t0) => performance.getEntriesByType('resource').filter(e => e.name.includes('_dash-update-component'))
  .map(e => [e.encodedBodySize, e.responseEnd - t0])"""
DRAWN_SINCE = """(t0) => (window.__drawn || 0) > t0 && !document.querySelector('[data-dash-is-loading="true"]')
  ? [performance.now() - t0, window.__frames || 0] : false"""
# Where on the screen a community of the map is: the first vertex-average of the first class's first shape.
ON_MAP = """() => {
  const gd = document.querySelector('#community-map .js-plotly-plot');
  const map = gd._fullLayout.map._subplot.map;
  const shape = gd.data.find(d => d.type === 'choroplethmap').geojson.features[0].geometry;
  const ring = (shape.type === 'MultiPolygon' ? shape.coordinates[0] : shape.coordinates)[0];
  const lon = ring.slice(1).reduce((s, p) => s + p[0], 0) / (ring.length - 1);
  const lat = ring.slice(1).reduce((s, p) => s + p[1], 0) / (ring.length - 1);
  const point = map.project([lon, lat]);
  const box = map.getCanvas().getBoundingClientRect();
  return [box.left + point.x, box.top + point.y];
}"""
MAP_CLICK = None  # a click on a community of the map (ON_MAP): a drill of one level
# One round: down by the map, the metric and the basis there, up by the breadcrumb, the same at the district,
# down by the list beside the map and up again.
CLICKS = (("district -> street (map)", MAP_CLICK, 0), ("street -> community (map)", MAP_CLICK, 0),
          ("new metric", ".controls .segmented:not([data-choice]) >> nth=0 >> a:not(.current)", 0),
          ("new basis", ".controls .segmented:not([data-choice]) >> nth=1 >> a:not(.current)", 0),
          ("community -> district", ".breadcrumb a.crumb", 0),
          ("new metric", ".controls .segmented:not([data-choice]) >> nth=0 >> a:not(.current)", 0),
          ("new basis", ".controls .segmented:not([data-choice]) >> nth=1 >> a:not(.current)", 0),
          ("district -> community (list)", ".ranking a", 0), ("community -> street", ".breadcrumb a.crumb", -1),
          ("street -> district", ".breadcrumb a.crumb", 0))


def _felt_latency(bases: dict[str, str], rounds: int = 6) -> None:
    """Click to drawn in headless Chromium (the browser test's): a logged-in official drills down by the map,
    changes the metric and the basis, goes back up by the breadcrumb, and down the list beside the map, on
    each server in turn. Each click's time is split in the server's part (until the view's answer arrived)
    and the browser's (from then until drawn), beside the frames MapLibre drew until then; the machine's load
    average is printed beside."""
    from playwright.sync_api import sync_playwright

    from data_access.demo.users import DEMO_USERS

    took: dict[str, dict[str, list[float]]] = {name: {} for name in bases}
    browser_part: dict[str, dict[str, list[float]]] = {name: {} for name in bases}
    answers: dict[str, list[list[int]]] = {name: [] for name in bases}  # per click: the answers' sizes
    frames: dict[str, dict[str, list[int]]] = {name: {} for name in bases}
    load = [os.getloadavg()[0]]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        pages = {}
        for name, base in bases.items():
            page = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN").new_page()
            page.goto(base + "/")
            page.fill("input[name=username]", "official")
            page.fill("input[name=password]", next(u[4] for u in DEMO_USERS if u[0] == "official"))
            page.click("button[type=submit]")
            page.wait_for_selector(".ranking a", timeout=60_000)
            page.wait_for_selector(".maplibregl-canvas", timeout=60_000)
            page.wait_for_timeout(1_500)
            pages[name] = page
        for _ in range(rounds):
            for name, page in pages.items():
                for label, selector, which in CLICKS:
                    where = page.evaluate(ON_MAP) if selector is MAP_CLICK else None
                    started = page.evaluate(HOOK)
                    if where:
                        page.mouse.click(*where)
                    else:
                        page.locator(selector).nth(which).click()
                    drawn, drew = page.wait_for_function(DRAWN_SINCE, arg=started, timeout=60_000).json_value()
                    frames[name].setdefault(label, []).append(drew)
                    received = page.evaluate(RECEIVED, started)
                    took[name].setdefault(label, []).append(drawn)
                    answered = max(received, default=[0, 0])[1]  # the largest answer: the view's
                    browser_part[name].setdefault(label, []).append(max(0.0, drawn - answered))
                    answers[name].append([r[0] for r in received])
                    page.mouse.move(5, 5)  # off the map: no hover label over the next click's target
                load.append(os.getloadavg()[0])
        browser.close()
    print(f"click to drawn in Chromium, {rounds} rounds of {len(CLICKS)} clicks (p50 / p95 ms; in brackets the"
          f" browser's part after the view's answer, p50, and MapLibre's frames until drawn),"
          f" load average (1 min) {min(load):.1f}-{max(load):.1f}:")
    for name, kinds in took.items():
        every = [t for times in kinds.values() for t in times]
        print(f"  {name:<8}: all {_quantile(every, 0.5):.0f} / {_quantile(every, 0.95):.0f}")
        for label, t in kinds.items():
            print(f"    {label:<28} {_quantile(t, 0.5):5.0f} / {_quantile(t, 0.95):5.0f}"
                  f"  ({statistics.median(browser_part[name][label]):.0f}; {statistics.median(frames[name][label]):.0f}"
                  f" map frames)")
        sizes = answers[name]
        print(f"  {'':<8}  callback answers until drawn: median {statistics.median(len(a) for a in sizes):.0f}"
              f" a click, {statistics.median(sum(a) for a in sizes) / 1e3:.0f} kB a click"
              f" (max {max(sum(a) for a in sizes) / 1e3:.0f} kB)")


def _quantile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


_PORTS = [int(p) for p in os.environ.get("BENCH_PORTS", "").split(",") if p]


@contextmanager
def _production_server(root: Path = ROOT) -> Iterator[str]:
    """gunicorn as `make serve-prod` runs it (2 workers x 4 threads) from the checkout at root, on a free
    port: its address. Stopped on the way out, whatever happened; its log is printed if something failed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", _PORTS.pop(0) if _PORTS else 0))  # BENCH_PORTS: the ports to use, in turn
        port = probe.getsockname()[1]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--threads",
                                   "4", "--bind", f"127.0.0.1:{port}", "app:server"], cwd=root, stdout=log,
                                  stderr=log, env={**os.environ, "PYTHONPATH": str(root)})
        try:
            _wait_for(f"http://127.0.0.1:{port}", server)
            yield f"http://127.0.0.1:{port}"
        except BaseException:
            log.seek(0)
            print(log.read().decode(errors="replace")[-2000:], file=sys.stderr)
            raise
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def _wait_for(base: str, server: subprocess.Popen) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if requests.get(base + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or no worker booted yet
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def _drill_together(clients: list[_Http], searches: list[str]) -> tuple[list[float], list[str]]:
    """Each client in its own thread, round and round the drill until time is up: latencies and errors."""
    samples: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + LOAD_SECONDS

    def drill(client: _Http) -> None:
        while time.monotonic() < deadline:
            for search in searches:
                started = time.perf_counter()
                try:
                    _post_view(client, search)
                    samples.append(time.perf_counter() - started)
                except (AssertionError, requests.RequestException) as exc:
                    errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")

    threads = [threading.Thread(target=drill, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, errors


def _drill_and_plans(client, steps: list[tuple[str, str]]) -> dict[str, float]:
    """Each drill step's cost without the answer cache (median ms), and the statements of the hot path whose
    plans read the person table whole, printed for this database's demo scale."""
    from callbacks.colour_map.view import fetch_view
    from data_access.engine import app_engine
    from data_access.plans import recorded, whole_scans
    from data_access.session import reading
    from layouts.view import parse_view
    from tests.helpers import access_of

    with get_engine().connect() as conn:
        people = conn.execute(text("SELECT count(*) FROM person")).scalar()
    medians, scans, statements = {}, 0, 0
    with answers_cache.bypassed():
        for label, search in steps:
            medians[label] = _timings(lambda s=search: _post_view(client, s), runs=20)[0] * 1000
    actor = access_of("official")
    for _, search in steps:
        with recorded(app_engine()) as seen, reading(actor) as conn:
            fetch_view(conn, parse_view(search)[0], actor)
        with reading(actor) as conn:
            scans += len(whole_scans(conn, seen))
        statements += len(seen)
    with reading(actor) as conn:
        data_time = _timings(lambda: aggregates.data_time(conn), runs=20)[0] * 1000
    print(f"scale with {people:,} people: drill steps without cache (median) "
          + ", ".join(f"{k} {v:.0f} ms" for k, v in medians.items())
          + f"; data time {data_time:.1f} ms; {scans} of {statements} hot statements scan person whole")
    return medians | {"data time": data_time}


def _scales(scale_one: dict[str, float]) -> None:
    """The same at other demo scales, each in a database of its own (created, loaded, dropped)."""
    for scale in SCALES:
        url = database_url()
        url = url.set(database=f"{url.database}_s{scale.replace('.', '')}")
        _recreate(url)
        try:
            env = {**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False), "BENCH_DRILL": "1"}
            migrate(url)
            subprocess.run([sys.executable, "-m", "data_access.cli", "load-demo", "--scale", scale], cwd=ROOT,
                           env=env, capture_output=True, check=True)
            done = subprocess.run([sys.executable, __file__], cwd=ROOT, env=env, capture_output=True, text=True,
                                  check=True)
            lines = done.stdout.strip().splitlines()
            print(f"demo scale {scale}: " + "\n  ".join(lines[:-1]))
            other = json.loads(lines[-1])
            print(f"  scale {scale} / scale 1 (median): "
                  + ", ".join(f"{k} x{other[k] / v:.2f}" for k, v in scale_one.items() if v))
        finally:
            _drop(url)


def _drill_only() -> None:
    """BENCH_DRILL=1 (run by _scales against another scale's database): the drill and plans, then a JSON line."""
    import app

    client = _logged_in(app.server.test_client(), "official", "demo-official-2020")
    print(json.dumps(_drill_and_plans(client, _drill_path())))


def _drop(url) -> None:
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def _get(client, url: str) -> None:
    assert client.get(url).status_code == 200


def _recreate(url) -> None:
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def _read(*queries) -> None:
    """As the owner: the comparison is of the two ways of computing, not of row-level security."""
    with get_engine().connect() as conn:
        for query in queries:
            query(conn, DISTRICT)


def _timings(fn, runs: int = RUNS) -> tuple[float, float]:
    return timings(fn, runs)


def _print(label: str, timing: tuple[float, float]) -> None:
    print(f"{label}: median {timing[0] * 1000:.1f} ms, p95 {timing[1] * 1000:.1f} ms")


def _colour_changes(size: int, rounds: int = 3) -> None:
    """The same 10,000 rows changed three ways in one run, each round on other rows: a plain UPDATE (no
    triggers: neither history nor aggregates), the UPDATE with history and aggregates (both rolled back), and
    the live endpoint's whole path (committed), with when a screen's version query first sees it."""
    plain, kept, live, seen = [], [], [], []
    for number in range(rounds):
        people = _green(size, f"round {number}")
        plain.append(_update(people, "SET LOCAL session_replication_role = replica"))
        kept.append(_update(people))
        seconds, visible = _live_batch(people)
        live.append(seconds)
        seen.append(visible)
    base = statistics.median(plain)
    for label, samples in ((f"plain UPDATE of the same {size:,} rows, no triggers", plain),
                           (f"{size:,} colour changes applied with aggregates and history, one transaction", kept),
                           (f"live batch of {size:,} colour changes (HTTP body checked, staged, merged, history,"
                            " aggregates)", live)):
        median = statistics.median(samples)
        # on a shared machine the rounds differ more than the ways do: each round's own ratio too
        ratios = sorted(x / p for x, p in zip(samples, plain, strict=True))
        print(f"{label}: {median * 1000:.0f} ms (x{median / base:.2f} the plain UPDATE, median of the rounds'"
              f" own ratios x{statistics.median(ratios):.2f}; runs {', '.join(f'{x * 1000:.0f}' for x in samples)})")
    print(f"  a polling screen's version query saw the live batch {statistics.median(seen):.2f} s after the POST"
          " (median); the big screen asks every second")


def _green(size: int, salt: str) -> list[str]:
    with get_engine().connect() as conn:
        return conn.execute(text("SELECT id_number FROM health_code WHERE colour = 'green'"
                                 " ORDER BY md5(id_number || :salt) LIMIT :n"),
                            {"n": size, "salt": salt}).scalars().all()


def _update(people: list[str], *settings: str) -> float:
    """One UPDATE of people's colour, timed, rolled back."""
    with get_engine().connect() as conn:
        transaction = conn.begin()
        for setting in settings:
            conn.execute(text(setting))
        started = time.perf_counter()
        conn.execute(text("UPDATE health_code SET colour = 'yellow', changed_at = now(), source = 'bench'"
                          " WHERE id_number = ANY(:ids)"), {"ids": people})
        seconds = time.perf_counter() - started
        transaction.rollback()
    return seconds


def _live_batch(people: list[str]) -> tuple[float, float]:
    """The live endpoint's whole path for a batch: (its seconds, when a screen's version query saw it)."""
    from data_access.importing.live import apply_batch
    from data_access.users.integrations import create_token

    with get_engine().begin() as conn:
        name = f"bench.{time.time_ns()}"
        token = create_token(conn, name, "bench", apis=["health_codes"])
        before = aggregates.data_version(conn)
    changes = [{"id_number": p, "colour": "red", "changed_at": datetime.now(UTC).isoformat()} for p in people]
    body = json.dumps({"changes": changes}).encode()
    seen: list[float] = []
    started = time.perf_counter()
    watcher = threading.Thread(target=_watch_version, args=(before, started, seen))
    watcher.start()
    result = apply_batch(name, token, changes, body)
    seconds = time.perf_counter() - started
    watcher.join()
    assert result.result == "loaded" and result.rows_written == len(people), result
    return seconds, seen[0]


def _watch_version(before: str, started: float, seen: list[float]) -> None:
    """A screen's version query, every 50 ms, until the version moves (at most 60 s)."""
    with get_engine().connect() as conn:
        while time.perf_counter() - started < 60:
            conn.rollback()
            if aggregates.data_version(conn) != before:
                seen.append(time.perf_counter() - started)
                return
            time.sleep(0.05)
    seen.append(float("nan"))


def _snapshot_import(changed_share: float) -> None:
    """A full health-code snapshot as the platform sends it: every person, one CSV, a few colours changed."""
    with get_engine().connect() as conn:
        rows = conn.execute(text("SELECT id_number, colour, md5(id_number) < :cut FROM health_code"),
                            {"cut": format(int(changed_share * 16 ** 8), "08x")}).all()
    flip = {"green": "黄码", "yellow": "绿码", "red": "绿码"}
    content = _csv(["身份证号码", "健康码颜色"], ([p, flip[c] if change else LABELS[c]] for p, c, change in rows))
    result, seconds, phases = _import("health_codes", "snapshot.csv", content, mode="snapshot",
                                      as_of=datetime.now(UTC))
    print(f"health-code snapshot, {len(rows):,} rows ({len(content) / 1e6:.0f} MB GB18030 CSV),"
          f" {result.rows_written:,} changed: {seconds:.1f} s, {result.result} ({phases})")
    print(f"  peak memory of the bench process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


LABELS = {"green": "绿码", "yellow": "黄码", "red": "红码"}


def _changes_import(size: int) -> None:
    """A file of size colour changes, each with its time (as a district office sends them)."""
    now = datetime.now(UTC).astimezone(BEIJING).replace(tzinfo=None)
    people = _green(size, "changes")
    content = _csv(["身份证号码", "健康码颜色", "变码时间"],
                   ([p, "黄码", (now - timedelta(seconds=i % 60)).strftime("%Y-%m-%d %H:%M:%S")]
                    for i, p in enumerate(people)))
    result, seconds, phases = _import("health_codes", "changes.csv", content, mode="changes")
    print(f"health-code changes, {size:,} rows ({len(content) / 1e6:.0f} MB GB18030 CSV): {seconds:.1f} s,"
          f" {seconds / size * 100_000:.1f} s per 100k rows, {result.result}, {result.rows_written:,} written"
          f" ({phases})")


def _residents_import(size: int) -> None:
    """A file of size new residents, spread over the district's communities."""
    with get_engine().connect() as conn:
        communities = conn.execute(text("SELECT code FROM community ORDER BY code")).scalars().all()
        known = set(conn.execute(text("SELECT id_number FROM person WHERE id_number LIKE '330105%'")).scalars())
    people = [p for p in _id_numbers(size + len(known) + 1000) if p not in known][:size]
    content = _csv(["身份证号码", "姓名", "人口类型", "所属社区", "居住地址"],
                   ([p, "王芳", "户籍" if i % 3 else "流动", communities[i % len(communities)], f"测试路 {i} 号"]
                    for i, p in enumerate(people)))
    result, seconds, phases = _import("residents", "residents.csv", content)
    print(f"new residents, {len(people):,} rows ({len(content) / 1e6:.0f} MB GB18030 CSV): {seconds:.1f} s,"
          f" {seconds / len(people) * 100_000:.1f} s per 100k rows, {result.result}, {result.rows_written:,}"
          f" written ({phases})")


def _id_numbers(count: int) -> Iterator[str]:
    """Valid Gongshu ID numbers (GB 11643), born 1940-2005, in a fixed order."""
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    day = datetime(1940, 1, 1)
    for n in range(count):
        body = f"330105{(day + timedelta(days=n // 400)).strftime('%Y%m%d')}{n % 400 + 500:03d}"
        yield body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _big_xlsx_import(megabytes: int) -> None:
    """An XLSX whose one sheet expands to megabytes (inline strings, the way some systems write them), of
    persons the registers hold, tried as a snapshot (checked, merged, rolled back) in a process of its own:
    its time and peak memory."""
    rows = megabytes * 1_000_000 // 140
    with get_engine().connect() as conn:
        people = conn.execute(text("SELECT id_number FROM health_code ORDER BY id_number LIMIT :n"),
                              {"n": rows}).scalars().all()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        bench_imports.write_xlsx(file, (("身份证号码", "健康码颜色"), *((p, "绿码") for p in people)))
        file.flush()
        size = os.path.getsize(file.name)
        with zipfile.ZipFile(file.name) as archive:
            expanded = archive.getinfo("xl/worksheets/sheet1.xml").file_size
        started = time.perf_counter()
        child = subprocess.run([sys.executable, "-c", BIG_XLSX_CHILD, file.name], cwd=ROOT, capture_output=True,
                               text=True, check=True)
        seconds = time.perf_counter() - started
    result, peak = child.stdout.strip().rsplit("\n", 1)[-1].split("\t")
    print(f"XLSX whose sheet expands to {expanded / 1e6:.0f} MB ({len(people):,} rows, {size / 1e6:.0f} MB on disk):"
          f" {seconds:.1f} s in its own process, peak memory {float(peak):.0f} MiB; {result}")


# Its own peak (VmHWM starts afresh at exec; ru_maxrss would carry the bench process's peak over).
BIG_XLSX_CHILD = """
import sys
from data_access.importing.load import ImportRequest, run_import
from data_access.engine import get_engine
content = open(sys.argv[1], "rb").read()
result = run_import(get_engine(), ImportRequest("health_codes", "big.xlsx", content, "bench", "330105000000",
                                                mode="snapshot", check_only=True))
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1]
print(f"{result.result}: {result.message}\t{int(peak) / 1024}")
"""
def _csv(header: list[str], rows) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("gb18030")


def _import(kind: str, name: str, content: bytes, **options):
    """run_import of a file as the district's operator would send it: (result, seconds, seconds per phase)."""
    from data_access.importing.load import ImportRequest, run_import

    stages: list[tuple[str, float]] = []
    started = time.perf_counter()
    result = run_import(get_engine(), ImportRequest(kind, name, content, "bench", "330105000000", **options),
                        lambda _f, stage: stages.append((stage, time.perf_counter())))
    seconds = time.perf_counter() - started
    phases = ", ".join(f"{stages[i][0].split('.')[-1]} {stages[i + 1][1] - stages[i][1]:.1f}"
                       for i in range(len(stages) - 1))
    return result, seconds, phases


if __name__ == "__main__":
    _drill_only() if os.environ.get("BENCH_DRILL") == "1" else main()
