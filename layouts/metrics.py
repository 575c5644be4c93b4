"""The metrics the map can colour communities by."""

from __future__ import annotations

from dataclasses import dataclass

REDS = ["#fff5f0", "#fdd0bd", "#fb8f6f", "#e0402f", "#a50f15", "#5c0009"]
YELLOWS = ["#fffdf0", "#fff2b3", "#ffdd66", "#f5b820", "#c98a00", "#7a5200"]


@dataclass(frozen=True)
class Metric:
    key: str  # also the column of community_map_rows
    ratio: bool
    colours: list[str]


METRICS = {
    m.key: m
    for m in (
        Metric("residents_red_ratio", True, REDS),
        Metric("residents_red", False, REDS),
        Metric("residents_yellow_ratio", True, YELLOWS),
        Metric("residents_yellow", False, YELLOWS),
    )
}
DEFAULT_METRIC = "residents_red_ratio"
