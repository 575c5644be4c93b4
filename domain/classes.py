"""Fixed class thresholds per map metric: a colour means the same at district, street and community level
and on the big screen, whatever else is on screen (in the spirit of the national risk levels: nothing,
sporadic, then rising levels up to an outbreak).

Configured with SANSETU_CLASS_BREAKS (data_access/settings.py), e.g. "red_ratio=0.001,0.005,0.01,0.05;red=5,20":
each metric's upper bounds of the classes above zero, ascending; the last class is open-ended.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass

from domain.registers import MANAGED_KINDS

MOST_BOUNDS = 4  # five classes above zero: the palettes have five colours


@dataclass(frozen=True)
class Breaks:
    bounds: tuple[float, ...]  # class i (above zero) holds values in (bounds[i-1], bounds[i]]; the last is open
    zero: bool = True  # 0 is a class of its own: an area with nobody to worry about
    ratio: bool = False  # a share between 0 and 1
    whole: bool = True  # counts of people or enterprises: whole numbers

    def index(self, value: float | None) -> int | None:
        """The class of a value, 0 the lowest; None for no value (nobody to count)."""
        if value is None:
            return None
        if self.zero:
            return 0 if value <= 0 else 1 + bisect_left(self.bounds, value)
        return bisect_left(self.bounds, value)

    @property
    def count(self) -> int:
        return len(self.bounds) + 1 + (1 if self.zero else 0)


DEFAULT_BREAKS: dict[str, Breaks] = {
    "red_ratio": Breaks((0.001, 0.005, 0.01, 0.05), ratio=True, whole=False),
    "red": Breaks((5, 20, 50, 200)),
    "yellow_ratio": Breaks((0.002, 0.01, 0.02, 0.1), ratio=True, whole=False),
    "yellow": Breaks((10, 50, 200, 500)),
    "managed": Breaks((5, 20, 50, 100)),
    "enterprises_warned": Breaks((1, 3, 10, 30)),
    "cleared_share": Breaks((0.5, 0.7, 0.85, 0.95), zero=False, ratio=True, whole=False),
    **{f"managed_{kind}": Breaks((2, 5, 10, 30)) for kind in MANAGED_KINDS},  # managed persons of one kind
}


def parse_breaks(text: str) -> dict[str, Breaks]:
    """DEFAULT_BREAKS with the metrics `text` names replaced; ValueError (naming the metric) for bad text."""
    chosen = dict(DEFAULT_BREAKS)
    for part in filter(None, (p.strip() for p in text.split(";"))):
        metric, _, values = part.partition("=")
        metric = metric.strip()
        if metric not in DEFAULT_BREAKS:
            raise ValueError(f"unknown metric {metric!r}")
        try:
            bounds = tuple(float(v) for v in values.split(","))
        except ValueError:
            raise ValueError(f"{metric}: not numbers: {values!r}") from None
        base = DEFAULT_BREAKS[metric]
        if not 1 <= len(bounds) <= MOST_BOUNDS or any(not math.isfinite(b) or b <= 0 for b in bounds):
            raise ValueError(f"{metric}: 1 to {MOST_BOUNDS} positive bounds")
        if list(bounds) != sorted(set(bounds)) or (base.ratio and bounds[-1] >= 1):
            raise ValueError(f"{metric}: bounds must rise" + (" and stay below 1" if base.ratio else ""))
        if base.whole and any(b != int(b) for b in bounds):
            raise ValueError(f"{metric}: whole numbers")
        chosen[metric] = Breaks(bounds, base.zero, base.ratio, base.whole)
    return chosen
