"""make bench: demo load at full scale, and the map's callback and queries against the naive way.

Not a test: prints numbers. Uses its own database (BENCH_DATABASE_URL, a name ending in _bench), which it
recreates, so it never touches the dashboard's data.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from data_access import map_queries  # noqa: E402
from data_access.config import database_url  # noqa: E402
from data_access.engine import get_engine  # noqa: E402
from data_access.scope import DISTRICT  # noqa: E402
from data_access.session import reading  # noqa: E402
from data_access.setup_db import migrate  # noqa: E402

RUNS = 60


def main() -> None:
    url = database_url()
    if not url.database.endswith("_bench"):
        sys.exit(f"bench: refusing to recreate {url.database!r}; set BENCH_DATABASE_URL to a *_bench database")
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

    import app  # after the data exists; Dash validates on first request

    client = app.server.test_client()
    callback = _timings(lambda: _post_map(client, "residents_red_ratio"))
    _print("map callback over HTTP (query + figure + JSON)", callback)

    maintained = _timings(lambda: _read(map_queries.community_map_rows, map_queries.area_totals))
    naive = _timings(lambda: _read(map_queries.community_counts_live), runs=10)
    _print("aggregate query, maintained tables", maintained)
    _print("aggregate query, naive from base tables", naive)
    print(f"  naive / maintained: median x{naive[0] / maintained[0]:.0f}, p95 x{naive[1] / maintained[1]:.0f}")

    batch = _colour_batch(10_000)
    print(f"10,000 colour changes applied with aggregates and history, one transaction: {batch * 1000:.0f} ms")


def _recreate(url) -> None:
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def _post_map(client, metric: str) -> None:
    outputs = [("community-map", "figure"), ("kpi-tiles", "children"), ("data-time", "children"),
               ("page-message", "children")]
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": "map-metric", "property": "value", "value": metric}],
        "changedPropIds": ["map-metric.value"], "state": [],
    }
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.data[:200]


def _read(*queries) -> None:
    with reading() as conn:
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


def _colour_batch(size: int) -> float:
    engine = get_engine()
    with engine.begin() as conn:
        ids = conn.execute(text("SELECT id_number FROM health_code WHERE colour = 'green'"
                                " ORDER BY md5(id_number) LIMIT :n"), {"n": size}).scalars().all()
        started = time.perf_counter()
        conn.execute(text("UPDATE health_code SET colour = 'yellow', changed_at = now(), source = 'bench'"
                          " WHERE id_number = ANY(:ids)"), {"ids": ids})
        return time.perf_counter() - started


if __name__ == "__main__":
    main()
