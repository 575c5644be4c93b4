"""The scoreboard's content for an area, from the registered views (data_access.scoreboard) and the
ranking rules (domain.scoreboard): used by the page, the big screen and the tests."""

from __future__ import annotations

from collections.abc import Mapping

from data_access import areas
from data_access.scoreboard import queries
from domain.divisions import Scope
from domain.scoreboard import SEED_MODULES, combined, measure_key, rank, used_weights


def board(conn, scope: Scope, weights: Mapping[str, float]) -> dict:
    """Headlines by module (only modules with data), every module in the seed's order, the measures (key,
    good), each measure's ranking of the streets (all) and of the area's communities, the combined
    rankings, the weights used, and the user's own street (a street's user sees his place among all)."""
    registered = [s["module"] for s in queries.sources(conn)]
    headlines: dict[str, dict] = {}
    for row in queries.headlines(conn):
        entry = headlines.setdefault(row["module"], {"figures": {}, "as_of": None})
        entry["figures"][row["key"]] = row["value"]
        if row["as_of"] and (entry["as_of"] is None or row["as_of"] > entry["as_of"]):
            entry["as_of"] = row["as_of"]
    streets = _ranked(queries.street_measures(conn))
    communities = _ranked(queries.community_measures(conn, scope.prefix))
    keys = list(streets["rows"])
    used = used_weights(keys, weights)
    return {
        "area": areas.area_name(conn, scope), "level": scope.level,
        "modules": [*SEED_MODULES, *(m for m in registered if m not in SEED_MODULES)],
        "headlines": headlines,
        "measures": [{"key": k, "good": streets["good"][k]} for k in keys],
        "streets": streets["rows"], "communities": communities["rows"],
        "streets_combined": combined(streets["rows"], used),
        "communities_combined": combined(communities["rows"], used),
        "weights": used,
        "own_street": scope.code[:9] + "000" if scope.level != "district" else None,
    }


def _ranked(rows: list[dict]) -> dict:
    grouped: dict[str, list[dict]] = {}
    good: dict[str, str] = {}
    for row in rows:
        key = measure_key(row["module"], row["measure"])
        grouped.setdefault(key, []).append(row)
        good[key] = row["good"]
    return {"rows": {k: rank(v, good[k]) for k, v in grouped.items()}, "good": good}


def street_place(board: dict) -> tuple[int | None, int]:
    """The user's street's place in the combined ranking of the streets, and how many streets are ranked."""
    rows = board["streets_combined"]
    place = next((r["place"] for r in rows if r["code"] == board["own_street"]), None)
    return place, sum(1 for r in rows if r["place"] is not None)
