"""The project's own copy of public reference facts: Gongshu's 2020 division codes and an outline."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Division:
    level: str
    code: str
    name: str
    parent_code: str


def divisions() -> list[Division]:
    """The 10 streets and 99 communities of the 2020 statistical register, in register order."""
    with open(HERE / "gongshu_divisions_2020.csv", encoding="utf-8", newline="") as f:
        return [Division(**row) for row in csv.DictReader(f)]


def district_outline() -> BaseGeometry:
    """Approximate outline of the pre-2021 district, lon/lat; illustrative only (see README)."""
    data = json.loads((HERE / "gongshu_outline_approx.geojson").read_text(encoding="utf-8"))
    return shape(data["features"][0]["geometry"])
