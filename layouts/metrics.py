"""The metrics the map can colour communities by, on which basis, and their classes and legend labels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.classes import Breaks
from domain.registers import COUNTED_COLOURS as COLOURS
from domain.registers import MANAGED_KINDS
from i18n import t
from layouts import formatting

REDS = ["#fde0d6", "#fcae94", "#f76e54", "#d62f26", "#8f0c12"]
YELLOWS = ["#fff3c4", "#ffdf80", "#f7bf3a", "#d99400", "#9a6300"]
PURPLES = ["#ece7f2", "#c6b8de", "#9e86c4", "#7652a8", "#4a1f80"]
GREENS = ["#e3f2dc", "#b5dca4", "#7cbf6b", "#3f9a3c", "#1b6a25"]
# Centralised quarantine is orange (橙码) in the seed and in the key-persons module: drawn in oranges, apart from
# the reds, wherever it is shown alone. The register holds those persons as red (README, "Key persons").
ORANGES = ["#feead2", "#fdc48a", "#f99a45", "#e8700f", "#a84a03"]
ORANGE = "#ef6c00"
NO_DATA = "#cfd4da"
ZERO = "#eef3ea"  # nobody to worry about: pale, apart from every palette and from no data
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
    unit: str  # percent, people or enterprises
    part_of: str | None = None  # a managed kind is chosen under the managed persons' metric


def _kind(kind: str) -> Metric:
    colours = ORANGES if kind == "centralised_isolation" else PURPLES
    return Metric(f"managed_{kind}", False, False, colours, lambda r, b: r[f"managed_{kind}"], "people", "managed")


METRICS = {
    m.key: m
    for m in (
        Metric("red_ratio", True, True, REDS, lambda r, b: _share(_people(r, b, "red"), _total(r, b)), "percent"),
        Metric("red", False, True, REDS, lambda r, b: _people(r, b, "red"), "people"),
        Metric("yellow_ratio", True, True, YELLOWS,
               lambda r, b: _share(_people(r, b, "yellow"), _total(r, b)), "percent"),
        Metric("yellow", False, True, YELLOWS, lambda r, b: _people(r, b, "yellow"), "people"),
        Metric("managed", False, False, PURPLES, lambda r, b: r["managed_total"], "people"),
        Metric("enterprises_warned", False, False, REDS, lambda r, b: r["enterprises_warned"], "enterprises"),
        Metric("cleared_share", True, False, GREENS,
               lambda r, b: _share(r["enterprises_cleared"], r["enterprises_total"]), "percent"),
        *[_kind(kind) for kind in MANAGED_KINDS],
    )
}
MAIN_METRICS = [key for key, m in METRICS.items() if m.part_of is None]  # the metric bar; kinds beneath it


def metric_value(row: dict, metric: str, basis: str) -> float | None:
    """The metric for one community (or area totals) row; None where it has no meaning (no one to count)."""
    return METRICS[metric].value(row, basis)


def metric_text(metric: str, value: float | None) -> str:
    """A value as a person reads it, with its unit: 0.12%, 1,234 人, 3 家; — for no data."""
    if value is None:
        return t("legend.no_data")
    if METRICS[metric].ratio:
        return formatting.percent(value)
    return f"{formatting.count(int(value))} {t(f'unit.{METRICS[metric].unit}')}"


@dataclass(frozen=True)
class Classes:
    """The map's classes for one metric: fixed thresholds (domain.classes) and a colour for each class."""

    breaks: Breaks
    colours: list[str]

    def index(self, value: float | None) -> int | None:
        return self.breaks.index(value)


def metric_classes(metric: str, breaks: Breaks) -> Classes:
    """The metric's palette spread over the classes above zero; zero (nobody) in its own pale colour."""
    palette = METRICS[metric].colours
    above = len(breaks.bounds) + 1
    step = (len(palette) - 1) / max(1, above - 1)
    return Classes(breaks, [ZERO] * breaks.zero + [palette[round(i * step)] for i in range(above)])


def _bound(value: float, breaks: Breaks) -> str:
    return f"{value * 100:.4g}%" if breaks.ratio else f"{value:,.4g}" if not breaks.whole else f"{int(value):,}"


def class_labels(classes: Classes) -> list[str]:
    """One label per class, in order: 0, ≤ 0.1%, 0.1% – 0.5%, …, > 5%; counts as 1 – 5, 6 – 20, …, > 200."""
    breaks = classes.breaks
    labels = [t("legend.zero")] if breaks.zero else []
    low = None
    for bound in breaks.bounds:
        high = _bound(bound, breaks)
        if low is None:
            whole_from = "1" if breaks.zero else "0"
            labels.append(t("legend.range", low=whole_from, high=high) if breaks.whole and high != whole_from
                          else high if breaks.whole else t("legend.upto", high=high))
        elif breaks.whole:
            start = f"{int(low) + 1:,}"
            labels.append(high if start == high else t("legend.range", low=start, high=high))
        else:
            labels.append(t("legend.range", low=_bound(low, breaks), high=high))
        low = bound
    labels.append(t("legend.above", low=_bound(breaks.bounds[-1], breaks)))
    return labels


def legend_title(metric: str) -> str:
    return t("legend.with_unit", metric=t(f"metric.{metric}"), unit=t(f"unit.{METRICS[metric].unit}"))
