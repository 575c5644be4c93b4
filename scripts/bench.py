"""make bench: demo load at full scale, and the map's callback and queries against the naive way.

Not a test: prints numbers. Uses its own database (BENCH_DATABASE_URL, a name ending in _bench), which it
recreates, so it never touches the dashboard's data.
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
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from data_access import aggregates  # noqa: E402
from data_access.engine import get_engine  # noqa: E402
from data_access.settings import database_url  # noqa: E402
from data_access.setup_db import migrate  # noqa: E402
from domain.clock import BEIJING  # noqa: E402
from domain.divisions import DISTRICT  # noqa: E402
from layouts import ids as shell_ids  # noqa: E402
from layouts.colour_map import ids  # noqa: E402
from layouts.enterprises import ids as table_ids  # noqa: E402

RUNS = 60
LOAD_CLIENTS, LOAD_SECONDS = 20, 60  # the load smoke: logged-in browsers drilling at once, for how long


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

    import app  # after the data exists; Dash validates on first request

    client = _logged_in(app.server.test_client(), "official", "demo-official-2020")
    steps = _drill_path()
    print("drill steps over HTTP (show_view: queries + figure + panels + JSON):")
    for label, search in steps:
        _print(f"  {label:<22}", _timings(lambda s=search: _post_view(client, s)))
    _print("  map click -> URL      ", _timings(lambda: _post_click(client, steps[1][1])))
    if os.environ.get("BENCH_LOAD") != "0":  # BENCH_LOAD=0: skip the minute of load
        _load_smoke([search for _, search in steps[:3]])
    _print("enterprise table, one page of 50", _timings(lambda: _post_rows(client)))
    __import__("bench_modules").appeals(app.server)  # the modules' lines: scripts/bench_modules.py

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
            " ORDER BY employees_red DESC LIMIT 1")).one()
    street = community[:9] + "000"
    return [
        ("district", ""),
        ("street", f"?street={street}"),
        ("community", f"?street={street}&community={community}"),
        ("enterprise", f"?street={street}&community={community}&enterprise={code}"),
        ("district + 27k points", "?points=1"),
    ]


def _dash(client, outputs: list[tuple[str, str]], inputs: list[dict], state: list[dict] | None = None) -> None:
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


def _post_view(client, search: str) -> None:
    outputs = [(ids.BREADCRUMB, "children"), (ids.CHOICES, "children"), (ids.MAP, "figure"),
               (ids.LEGEND, "children"), (ids.SIDE, "children"), (ids.KPIS, "children"),
               (ids.DATA_TIME, "children"), (ids.MESSAGE, "children"), (ids.LIVE_SEEN, "data")]
    _dash(client, outputs, [{"id": shell_ids.URL, "property": "search", "value": search},
                            {"id": ids.LIVE_VERSION, "property": "data", "value": None}])


def _post_poll(client) -> None:
    """An open map's once-a-second question: has the data changed?"""
    _dash(client, [(ids.LIVE_VERSION, "data")], [{"id": ids.LIVE_TICK, "property": "n_intervals", "value": 1}],
          [{"id": ids.LIVE_SEEN, "property": "data", "value": "seen"}])


def _post_click(client, search: str) -> None:
    click = {"points": [{"location": "330105005051", "curveNumber": 0, "pointNumber": 0}]}
    _dash(client, [(shell_ids.URL, "search")], [{"id": ids.MAP, "property": "clickData", "value": click}],
          [{"id": shell_ids.URL, "property": "search", "value": search}])


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


def _load_smoke(searches: list[str]) -> None:
    """LOAD_CLIENTS logged-in officials drilling district -> street -> community for LOAD_SECONDS, against
    the production server as `make serve-prod` runs it."""
    with _production_server() as base:
        clients = [_logged_in(_Http(base), "official", "demo-official-2020") for _ in range(LOAD_CLIENTS)]
        samples, errors = _drill_together(clients, searches)
    samples.sort()
    p50, p95 = (statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]) if samples else (0, 0)
    print(f"load smoke, gunicorn 2 workers x 4 threads, {LOAD_CLIENTS} clients drilling for {LOAD_SECONDS} s:"
          f" {len(samples):,} answers ({len(samples) / LOAD_SECONDS:.0f}/s), {len(errors)} errors,"
          f" median {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    for error in sorted(set(errors))[:5]:
        print(f"  error: {error}")


@contextmanager
def _production_server() -> Iterator[str]:
    """gunicorn as `make serve-prod` runs it (2 workers x 4 threads), on a free port: its address. Stopped
    on the way out, whatever happened; its log is printed if something failed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--threads",
                                   "4", "--bind", f"127.0.0.1:{port}", "app:server"], cwd=ROOT, stdout=log, stderr=log)
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
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))]


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
        print(f"{label}: {median * 1000:.0f} ms (x{median / base:.2f} the plain UPDATE;"
              f" runs {', '.join(f'{x * 1000:.0f}' for x in samples)})")
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
        token = create_token(conn, name, "bench")
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
        _write_xlsx(file, (("身份证号码", "健康码颜色"), *((p, "绿码") for p in people)))
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
XLSX_PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
    '.worksheet+xml"/></Types>',
    "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r='
    '"http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="健康码" sheetId="1"'
    ' r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def _write_xlsx(file, rows) -> None:
    """A minimal XLSX of one sheet, streamed into the archive (openpyxl would take minutes to write it)."""
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in XLSX_PARTS.items():
            archive.writestr(name, body)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for number, row in enumerate(rows, start=1):
                cells = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                                for i, v in enumerate(row))
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")


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
    main()
