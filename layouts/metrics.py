"""The metrics the map can colour communities by, on which basis, and their class breaks."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import mapclassify
import numpy as np

from domain.registers import COUNTED_COLOURS as COLOURS

REDS = ["#fde0d6", "#fcae94", "#f76e54", "#d62f26", "#8f0c12"]
YELLOWS = ["#fff3c4", "#ffdf80", "#f7bf3a", "#d99400", "#9a6300"]
PURPLES = ["#ece7f2", "#c6b8de", "#9e86c4", "#7652a8", "#4a1f80"]
GREENS = ["#e3f2dc", "#b5dca4", "#7cbf6b", "#3f9a3c", "#1b6a25"]
NO_DATA = "#cfd4da"
BASES = ("residents", "employees", "both")
DEFAULT_BASIS = "residents"
DEFAULT_METRIC = "red_ratio"


def _people(row: dict, basis: str, colour: str) -> int:
    keys = {"residents": ["residents"], "employees": ["employees"], "both": ["residents", "employees"]}[basis]
    return sum(row[f"{k}_{colour}"] for k in keys)


def _total(row: dict, basis: str) -> int:
    return sum(_people(row, basis, c) for c in COLOURS)


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Metric:
    key: str
    ratio: bool  # shown as a percentage
    by_basis: bool  # depends on the residents / employees basis
    colours: list[str]
    value: Callable[[dict, str], float | None]


METRICS = {
    m.key: m
    for m in (
        Metric("red_ratio", True, True, REDS, lambda r, b: _share(_people(r, b, "red"), _total(r, b))),
        Metric("red", False, True, REDS, lambda r, b: _people(r, b, "red")),
        Metric("yellow_ratio", True, True, YELLOWS, lambda r, b: _share(_people(r, b, "yellow"), _total(r, b))),
        Metric("yellow", False, True, YELLOWS, lambda r, b: _people(r, b, "yellow")),
        Metric("managed", False, False, PURPLES, lambda r, b: r["managed_total"]),
        Metric("enterprises_warned", False, False, REDS, lambda r, b: r["enterprises_warned"]),
        Metric("cleared_share", True, False, GREENS,
               lambda r, b: _share(r["enterprises_cleared"], r["enterprises_total"])),
    )
}


def metric_value(row: dict, metric: str, basis: str) -> float | None:
    """The metric for one community (or area totals) row; None where it has no meaning (no one to count)."""
    return METRICS[metric].value(row, basis)


@dataclass(frozen=True)
class Classes:
    """Class breaks for a map legend: class i holds values in (bounds[i-1], bounds[i]]."""

    bounds: list[float]
    colours: list[str]

    def index(self, value: float | None) -> int | None:
        if value is None:
            return None
        return int(np.searchsorted(self.bounds, value, side="left").clip(0, len(self.bounds) - 1))


@lru_cache(maxsize=512)
def _natural_breaks(values: tuple[float, ...], k: int) -> list[float]:
    """Fisher-Jenks breaks, remembered: the same values (the same view of unchanged data) cost nothing again.

    The key is the values themselves, so nothing computed for one user's area can reach another's.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed": pure Python takes ~10 ms for 99 values
        return [float(b) for b in mapclassify.FisherJenks(np.array(values), k=k).bins]


def classify(values: list[float | None], palette: list[str], k: int = 5) -> Classes:
    """Natural breaks (Fisher-Jenks, deterministic) over the values that exist; fewer classes when few values."""
    known = np.array([v for v in values if v is not None], dtype=float)
    distinct = len(np.unique(known))
    if distinct <= 1:
        top = float(known.max()) if len(known) else 0.0
        return Classes([top], [palette[-1] if top > 0 else palette[0]])
    bins = _natural_breaks(tuple(sorted(known.tolist())), min(k, distinct))
    step = (len(palette) - 1) / max(1, len(bins) - 1)
    return Classes(bins, [palette[round(i * step)] for i in range(len(bins))])
