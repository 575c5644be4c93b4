"""The scoreboard's rules (晾晒台), pure: which sentences the seed states and in what order, how areas are
ranked on a measure of work (the direction of good is the measure's), the week-on-week change, and the
combined score, a weighted mean of each measure's score whose weights are configuration."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
    """The rows (each with code, value, week_ago) best first by the direction of good ('high' or 'low');
    ties share a place; a row without a value comes last without a place. Each row gets place, score
    (100 best … 0 worst among the ranked), change (value − week_ago) and better (True, False or None)."""
    rows = [dict(r) for r in rows]
    valued = sorted((r for r in rows if r["value"] is not None),
                    key=lambda r: (-float(r["value"]) if good == "high" else float(r["value"]), r["code"]))
    place, previous = 0, None
    for i, row in enumerate(valued):
        if row["value"] != previous:
            place, previous = i + 1, row["value"]
        row["place"] = place
    last = max((r["place"] for r in valued), default=1)
    for row in rows:
        row.setdefault("place", None)
        row["score"] = None if row["place"] is None else (
            100.0 if last == 1 else round(100.0 * (last - row["place"]) / (last - 1), 1))
        row["change"] = _change(row.get("value"), row.get("week_ago"))
        row["better"] = None if not row["change"] else (row["change"] > 0) == (good == "high")
    return valued + [r for r in rows if r["value"] is None]


def _change(value, week_ago) -> float | None:
    if value is None or week_ago is None:
        return None
    return round(float(value) - float(week_ago), 2)


def combined(ranked: Mapping[str, list[dict]], weights: Mapping[str, float]) -> list[dict]:
    """Per area (code): value, the weighted mean of its scores over the measures it has a value on; best first.

    ranked: measure key -> rank()'s rows; weights: measure key -> weight (a measure not named weighs
    DEFAULT_WEIGHT; weight 0 leaves it out)."""
    totals: dict[str, dict] = {}
    for key, rows in ranked.items():
        weight = weights.get(key, DEFAULT_WEIGHT)
        for row in rows:
            entry = totals.setdefault(row["code"], {"code": row["code"], "name": row["name"], "sum": 0.0, "w": 0.0})
            if row["score"] is not None and weight > 0:
                entry["sum"] += weight * row["score"]
                entry["w"] += weight
    result = [{"code": e["code"], "name": e["name"], "value": round(e["sum"] / e["w"], 1) if e["w"] else None,
               "week_ago": None} for e in totals.values()]
    return rank(result, "high")


def used_weights(keys: Iterable[str], weights: Mapping[str, float]) -> dict[str, float]:
    """The weight of each measure shown (for the page to state)."""
    return {k: weights.get(k, DEFAULT_WEIGHT) for k in keys}
