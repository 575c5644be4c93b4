"""The scoreboard's content for an area, from the registered views (queries) and the ranking rules
(domain.scoreboard): the seed's sentences with their figures and times, the rankings of work. Used by the
page, the big-screen page and the tests."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Mapping

from sqlalchemy import Connection

from data_access import areas
from data_access.scoreboard_views import daily, queries
from data_access.session import DataUnavailable, reading, writing
from domain import clock
from domain.actor import Actor
from domain.divisions import Scope
from domain.scoreboard import SEED_MODULES, combined, figure_changes, measure_key, rank, used_weights
from i18n import t

# The board of each (area, role) is kept for KEEP_SECONDS in the process: the page, the big screen's digest
# check and its drawing read it without a query (computing it reads every module's base tables: about a second
# at full demo scale). The key holds what the database scopes by (area and role), so nothing crosses areas.
KEEP_SECONDS = 30
_kept: dict[tuple, tuple[float, dict]] = {}
_lock = threading.Lock()
_taken: dict[tuple, object] = {}  # (area, role) -> the day this process last took their snapshot


def board_for(actor: Actor, weights: Mapping[str, float]) -> dict:
    """The actor's board, at most KEEP_SECONDS old."""
    key = (actor.org_code, actor.role, tuple(sorted(weights.items())))
    with _lock:
        kept = _kept.get(key)
    if kept and time.monotonic() - kept[0] < KEEP_SECONDS:
        return kept[1]
    take_day_once(actor)
    with reading(actor) as conn:
        content = board(conn, actor.scope, weights)
    content["digest"] = digest(content)
    with _lock:
        _kept[key] = (time.monotonic(), content)
    return content


def take_day_once(actor: Actor) -> None:
    """The day's snapshot at the first read of the day (in this process; the database keeps it once a day):
    a failure leaves the page as it is, and is tried again at the next read."""
    key, today = (actor.org_code, actor.role), clock.today()
    if _taken.get(key) == today:
        return
    try:
        with writing(actor) as work:
            daily.take_day(work.conn)
    except DataUnavailable:
        return
    _taken[key] = today


def digest(content: dict) -> str:
    """Changes when a figure on the board changes (a sentence, a measure's value or week-ago), not with time."""
    parts = [s["text"] + repr(sorted(s.get("changes", {}).items())) for s in content["sentences"]]
    for key, rows in sorted({**content["streets"], **{"c:" + k: v for k, v in content["communities"].items()}}
                            .items()):
        parts += [f"{key}|{r['code']}|{r['value']}|{r.get('week_ago')}|{r.get('day_ago')}" for r in rows]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def board(conn: Connection, scope: Scope, weights: Mapping[str, float]) -> dict:
    """sentences: every module in the seed's order (then any other registered), each with its text, its
    figures' newest time, whether it has data, its figures' changes since yesterday's snapshot (and when that
    was taken); measures (key, good); each measure's ranking of every street and of the area's communities
    (each row with its value yesterday, day_ago); the combined rankings; the weights used; the user's own
    street (a street's user sees his place among all the streets)."""
    queries.no_jit(conn)
    registered = [s["module"] for s in queries.sources(conn)]
    headlines: dict[str, dict] = {}
    for row in queries.headlines(conn):
        entry = headlines.setdefault(row["module"], {"figures": {}, "as_of": None})
        entry["figures"][row["key"]] = row["value"]
        if row["as_of"] and (entry["as_of"] is None or row["as_of"] > entry["as_of"]):
            entry["as_of"] = row["as_of"]
    yesterday, taken = daily.headlines_yesterday(conn)
    area = areas.area_name(conn, scope)
    modules = [*SEED_MODULES, *(m for m in registered if m not in SEED_MODULES)]
    community_rows, street_rows = queries.measures(conn, scope.prefix)
    streets, communities = _ranked(street_rows), _ranked(community_rows)
    keys = list(streets["rows"])
    used = used_weights(keys, weights)
    return {
        "area": area, "level": scope.level, "modules": modules, "headlines": headlines,
        "sentences": [{"module": m, "text": sentence(m, (headlines.get(m) or {}).get("figures"), area,
                                                      scope.level == "district"),
                       "as_of": (headlines.get(m) or {}).get("as_of"), "has_data": m in headlines,
                       "changes": figure_changes((headlines.get(m) or {}).get("figures"), yesterday.get(m))}
                      for m in modules],
        "yesterday_taken": taken,
        "measures": [{"key": k, "good": streets["good"][k]} for k in keys],
        "streets": streets["rows"], "communities": communities["rows"],
        "streets_combined": combined(streets["rows"], used),
        "communities_combined": combined(communities["rows"], used),
        "weights": used,
        "own_street": scope.code[:9] + "000" if scope.level != "district" else None,
    }


def _label(module: str) -> str:
    return t("scoreboard.module." + module) if module in SEED_MODULES else module


def _figure(key: str, value) -> str:
    if value is None:
        return "—"
    number = float(value)
    if key.endswith("rate"):
        return f"{number:.2f}"
    if key.endswith("yuan"):  # money: whole yuan with thousands separators (77,400,000)
        return f"{number:,.0f}"
    return f"{int(number)}" if number == int(number) else f"{number:.2f}"


def sentence(module: str, figures: Mapping | None, area: str, district: bool) -> str:
    """The seed's sentence of a module with its figures; no figures: the module has no data (暂无数据)."""
    if not figures:
        return f"{_label(module)}：{t('scoreboard.no_data')}"
    values = {k: _figure(k, v) for k, v in figures.items()}
    key = "scoreboard.sentence.map.area" if module == "map" and not district else f"scoreboard.sentence.{module}"
    try:
        return t(key, area=t("scoreboard.area.district") if district else area, **values)
    except KeyError:  # a module without a template (or a template naming a key the view lacks): its figures
        return f"{_label(module)}：" + "，".join(f"{k} {v}" for k, v in values.items())


def _ranked(rows: list[dict]) -> dict:
    grouped: dict[str, list[dict]] = {}
    good: dict[str, str] = {}
    for row in rows:
        key = measure_key(row["module"], row["measure"])
        grouped.setdefault(key, []).append(row)
        good[key] = row["good"]
    return {"rows": {k: rank(v, good[k]) for k, v in grouped.items()}, "good": good}


def street_place(content: dict) -> tuple[int | None, int]:
    """The user's street's place in the combined ranking of the streets, and how many streets are ranked."""
    rows = content["streets_combined"]
    place = next((r["place"] for r in rows if r["code"] == content["own_street"]), None)
    return place, sum(1 for r in rows if r["place"] is not None)
