"""The scoreboard's rules (晾晒台), pure: which sentences the seed states and in what order, how areas are
ranked on a measure of work (the direction of good is the measure's), the week-on-week change, and the
combined score, a weighted mean of each measure's score whose weights are configuration."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time

# The seed's 晾晒台, in its order: a module that has not joined yet (or has no data) still has its line.
SEED_MODULES = ("appeals", "proxy", "map", "keypersons", "policies", "migrants", "livelihood")
DEFAULT_WEIGHT = 1.0


def parse_weights(text: str) -> dict[str, float]:
    """'appeals.backlog=2, proxy.coverage=1.5' -> {measure key: weight}; ValueError naming the bad part."""
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        name, _, value = part.partition("=")
        name = name.strip()
        try:
            weight = float(value)
        except ValueError:
            raise ValueError(part) from None
        if not name or "." not in name or not 0 <= weight <= 100:
            raise ValueError(part)
        weights[name] = weight
    return weights


def measure_key(module: str, measure: str) -> str:
    return f"{module}.{measure}"


def rank(rows: Iterable[dict], good: str) -> list[dict]:
    """The rows (each with code, value, week_ago, optionally day_ago) best first by the direction of good
    ('high' or 'low'); equal values share a place (1, 1, 3: standard competition ranking) and a score; a row
    without a value comes last without a place. Each row gets place, score (100 for the first place, 0 for the
    last, one decimal), change (value − week_ago) and better (True, False or None), and day_change and
    day_better against day_ago (yesterday's snapshot)."""
    rows = [dict(r) for r in rows]
    valued = sorted((r for r in rows if r["value"] is not None),
                    key=lambda r: (-float(r["value"]) if good == "high" else float(r["value"]), r["code"]))
    place, previous = 0, None
    for i, row in enumerate(valued):
        if previous is None or float(row["value"]) != previous:
            place, previous = i + 1, float(row["value"])
        row["place"] = place
    last = max((r["place"] for r in valued), default=1)
    for row in rows:
        row.setdefault("place", None)
        row["good"] = good
        row["score"] = None if row["place"] is None else (
            100.0 if last == 1 else round(100.0 * (last - row["place"]) / (last - 1), 1))
        row["change"] = _change(row.get("value"), row.get("week_ago"))
        row["better"] = None if not row["change"] else (row["change"] > 0) == (good == "high")
        row["day_change"] = _change(row.get("value"), row.get("day_ago"))
        row["day_better"] = None if not row["day_change"] else (row["day_change"] > 0) == (good == "high")
    return valued + [r for r in rows if r["value"] is None]


def _change(value, week_ago) -> float | None:
    if value is None or week_ago is None:
        return None
    return round(float(value) - float(week_ago), 2)


def combined(ranked: Mapping[str, list[dict]], weights: Mapping[str, float]) -> list[dict]:
    """Per area (code): value, the weighted mean of its scores over the measures it has a value on; best first;
    day_ago: the same of yesterday's snapshot (each measure ranked again on its day_ago values).

    ranked: measure key -> rank()'s rows; weights: measure key -> weight (a measure not named weighs
    DEFAULT_WEIGHT; weight 0 leaves it out)."""
    today = _weighted(ranked, weights)
    yesterday = _weighted({k: rank([{"code": r["code"], "name": r["name"], "value": r.get("day_ago"),
                                     "week_ago": None} for r in rows], rows[0]["good"]) if rows else []
                           for k, rows in ranked.items()}, weights)
    result = [{**entry, "week_ago": None, "day_ago": yesterday.get(code, {}).get("value")}
              for code, entry in today.items()]
    return rank(result, "high")


def _weighted(ranked: Mapping[str, list[dict]], weights: Mapping[str, float]) -> dict[str, dict]:
    totals: dict[str, dict] = {}
    for key, rows in ranked.items():
        weight = weights.get(key, DEFAULT_WEIGHT)
        for row in rows:
            entry = totals.setdefault(row["code"], {"code": row["code"], "name": row["name"], "sum": 0.0, "w": 0.0})
            if row["score"] is not None and weight > 0:
                entry["sum"] += weight * row["score"]
                entry["w"] += weight
    return {code: {"code": code, "name": e["name"], "value": round(e["sum"] / e["w"], 1) if e["w"] else None}
            for code, e in totals.items()}


def used_weights(keys: Iterable[str], weights: Mapping[str, float]) -> dict[str, float]:
    """The weight of each measure shown (for the page to state)."""
    return {k: weights.get(k, DEFAULT_WEIGHT) for k in keys}


def figure_changes(today: Mapping[str, object] | None, yesterday: Mapping[str, object] | None) -> dict[str, float]:
    """Each headline figure's change since yesterday's snapshot (figures both days have); {} without one."""
    if not today or not yesterday:
        return {}
    return {k: round(float(v) - float(yesterday[k]), 2) for k, v in today.items()
            if v is not None and yesterday.get(k) is not None}


def parse_time_of_day(text: str) -> time | None:
    """'07:30' -> 07:30 (Beijing time); '' or 'off' -> None (no brief on a schedule); ValueError otherwise."""
    text = (text or "").strip()
    if text in ("", "off"):
        return None
    hours, sep, minutes = text.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(text)
    return time(int(hours), int(minutes))


def brief_due(now: datetime, at: time | None) -> bool:
    """Whether the day's brief is due at `now` (Beijing time): the time of day has come (the day's brief is
    then made once, by whichever process comes first; one started later that day makes it if none has)."""
    return at is not None and now.time() >= at
