"""make bench, the modules' lines: the appeals queue and case pages (server time of their callbacks over
HTTP, as the browser calls them), the oversight tab with its map, and a 1,000-request appeals file import.
Called by scripts/bench.py's main with the district official's logged-in test client."""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
import time
from datetime import timedelta

from sqlalchemy import text

from callbacks.health_services.page import CASE_OUTPUTS
from data_access.engine import get_engine
from domain import clock
from layouts.health_services import ids

RUNS = 60
GOAL_MS = 50
TZL = "330105005052"  # 台州路社区: the done-when's community worker


def appeals(server) -> None:
    """The appeals lines: queue and case for a community worker and the district, oversight, a file import."""
    official_client = _logged_in(server.test_client(), "official", "demo-official-2020")
    worker_client = _logged_in(server.test_client(), "tzl.worker", "demo-tzl-worker-2020")
    with get_engine().connect() as conn:
        open_now = dict(conn.execute(text(
            "SELECT community_code = :c, count(*) FROM appeal WHERE status IN ('open', 'review') GROUP BY 1"),
            {"c": TZL}).all())
        worker_case, district_case = (conn.execute(text(
            "SELECT a.id FROM appeal a WHERE a.community_code LIKE :p AND a.status IN ('open', 'review')"
            " ORDER BY (SELECT count(*) FROM health_code_history h WHERE h.id_number = a.id_number) DESC, a.id"
            " LIMIT 1"), {"p": p}).scalar() for p in (TZL, "330105%"))
        total = conn.execute(text("SELECT count(*) FROM appeal")).scalar()
    print(f"appeals ({total:,} requests, {sum(open_now.values()):,} open, {open_now.get(True, 0)} in 台州路社区);"
          f" server time over HTTP, goal p95 <= {GOAL_MS} ms:")
    for who, client, case in (("community worker", worker_client, worker_case),
                              ("district official", official_client, district_case)):
        _line(f"  queue page, {who}", timings(lambda c=client: _queue(c)))
        _line(f"  case page, {who}", timings(lambda c=client, a=case: _case(c, a)))
    _line("  oversight tab with the open-requests map, district", timings(lambda: _oversight(official_client), 20))
    _import(1_000)


def _logged_in(client, username: str, password: str):
    """Log in through the login form, as the browser does."""
    page = client.get("/login").data.decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf": csrf, "username": username, "password": password, "next": "/"})
    assert response.status_code == 302, response.data[:200]
    return client


def timings(fn, runs: int = RUNS) -> tuple[float, float]:
    """Median and p95 seconds of `runs` calls, after one warm-up (bench.py's lines too)."""
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))]


def _line(label: str, timing: tuple[float, float]) -> None:
    verdict = "ok" if timing[1] * 1000 <= GOAL_MS else "OVER GOAL"
    print(f"{label}: median {timing[0] * 1000:.1f} ms, p95 {timing[1] * 1000:.1f} ms ({verdict})")


def _dash(client, outputs: list[tuple[str, str]], inputs: list[dict]) -> dict:
    single = len(outputs) == 1  # Dash names a single output plainly, several wrapped in dots
    body = {"output": f"{outputs[0][0]}.{outputs[0][1]}" if single
            else ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
            "outputs": {"id": outputs[0][0], "property": outputs[0][1]} if single
            else [{"id": i, "property": p} for i, p in outputs],
            "inputs": inputs, "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"], "state": []}
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.data[:300]
    return response.get_json()


def _queue(client) -> None:
    _dash(client, [(ids.QUEUE_GRID, "rowData")],
          [{"id": ids.QUEUE_STATUS, "property": "value", "value": ["open", "review"]},
           {"id": ids.QUEUE_REFRESH, "property": "n_clicks", "value": None},
           {"id": ids.CASE_VERSION, "property": "data", "value": 0}])


def _case(client, appeal_id: int) -> None:
    _dash(client, list(CASE_OUTPUTS), [{"id": ids.CASE_ID, "property": "data", "value": appeal_id},
                                       {"id": ids.CASE_VERSION, "property": "data", "value": 0}])


def _oversight(client) -> None:
    _dash(client, [(ids.OVERSIGHT_KPIS, "children"), (ids.OVERSIGHT_STREETS, "rowData"),
                   (ids.OVERSIGHT_COMMUNITIES, "rowData"), (ids.CONFIG_RED_GREEN, "value"),
                   (ids.CONFIG_RED_YELLOW, "value"), (ids.CONFIG_YELLOW_GREEN, "value"),
                   (ids.CONFIG_DEADLINE, "value"), (ids.OVERSIGHT_MAP, "figure"), (ids.OVERSIGHT_LEGEND, "children")],
          [{"id": ids.SERVICES_TABS, "property": "value", "value": "oversight"},
           {"id": ids.OVERSIGHT_REFRESH, "property": "n_clicks", "value": None},
           {"id": ids.CONFIG_MESSAGE, "property": "children", "value": None}])


def _import(size: int) -> None:
    """A city file of `size` requests (red or yellow persons with no open request, asking for green), imported
    from the import tab's path: the data operator's session, the writer role, checks, routing, one load."""
    import data_access.health_services.intake  # noqa: F401  (registers the appeals kind)
    from data_access.importing.base import ImportRequest
    from data_access.importing.load import run
    from data_access.users.sessions import log_in

    engine = get_engine()
    with engine.begin() as conn:
        pick = ("SELECT h.id_number, h.colour FROM health_code h JOIN person p USING (id_number)"
                " WHERE h.colour = ANY (:c) AND NOT EXISTS (SELECT 1 FROM appeal a WHERE a.id_number = h.id_number"
                " AND a.status IN ('open', 'review')) ORDER BY md5(h.id_number) LIMIT :n")
        people = conn.execute(text(pick), {"c": ["red", "yellow"], "n": size}).all()
        if len(people) < size:  # too few: make some greens yellow first (the bench's own database)
            conn.execute(text("UPDATE health_code SET colour = 'yellow', changed_at = now(), source = 'bench'"
                              " WHERE id_number IN (SELECT id_number FROM health_code WHERE colour = 'green'"
                              " ORDER BY md5(id_number || 'appeals') LIMIT :n)"), {"n": size - len(people)})
            people = conn.execute(text(pick), {"c": ["red", "yellow"], "n": size}).all()
        before = conn.execute(text("SELECT count(*) FROM appeal")).scalar()
    label = {"red": "红码", "yellow": "黄码"}
    submitted = (clock.now() - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["身份证号码", "当前颜色", "申请颜色", "申诉理由", "提交时间", "联系电话", "申请编号"])
    stamp = time.time_ns() % 10**9
    writer.writerows([p, label[c], "绿码", "已解除隔离满14天", submitted, "13812345678", f"BENCH{stamp}{n:05d}"]
                     for n, (p, c) in enumerate(people))
    content = buffer.getvalue().encode("utf-8")
    login = log_in("operator", "demo-operator-2020", None)
    started = time.perf_counter()
    result = run(ImportRequest("appeals", "复核申请_bench.csv", content, "operator", "330105000000",
                               session=login.token))
    seconds = time.perf_counter() - started
    with engine.connect() as conn:
        after = conn.execute(text("SELECT count(*) FROM appeal")).scalar()
    print(f"  appeals file of {len(people):,} requests (CSV, checks, routing, all-or-nothing load):"
          f" {seconds * 1000:.0f} ms, {result.result}, {result.rows_written:,} written;"
          f" appeal rows +{after - before:,}")


# proxy applications (帮办代办, #14): the coverage tab (its choropleth, progress curve, streets, communities,
# agents) as the district sees it and one drill step down, as a street official sees theirs
def proxy(server) -> None:
    from layouts.proxy import ids as proxy_ids

    def coverage(client) -> None:
        _dash(client, [(proxy_ids.COVERAGE_KPIS, "children"), (proxy_ids.COVERAGE_MAP, "figure"),
                       (proxy_ids.COVERAGE_LEGEND, "children"), (proxy_ids.COVERAGE_PROGRESS, "figure"),
                       (proxy_ids.COVERAGE_STREETS, "rowData"), (proxy_ids.COVERAGE_COMMUNITIES, "rowData"),
                       (proxy_ids.COVERAGE_AGENTS, "rowData")],
              [{"id": proxy_ids.TABS, "property": "value", "value": "coverage"},
               {"id": proxy_ids.COVERAGE_REFRESH, "property": "n_clicks", "value": None}])

    print("proxy applications: the coverage tab with its map, server time over HTTP:")
    for who, username, password in (("district official", "official", "demo-official-2020"),
                                    ("street official (拱宸桥街道)", "gcq.official", "demo-gcq-official-2020")):
        client = _logged_in(server.test_client(), username, password)
        median, p95 = timings(lambda c=client: coverage(c), 20)
        print(f"  coverage tab, {who}: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
