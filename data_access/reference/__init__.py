"""The project's own copy of public reference facts: Gongshu's 2020 division codes and an outline."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.datums import geometries_to_wgs84

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
    """Approximate outline of the pre-2021 district in WGS-84 lon/lat; illustrative only (see README).

    The file was cut from a web map, so its coordinates are GCJ-02: stored as they are, every demo polygon
    would lie about 500 m off, and a real boundary file (rightly converted) would not match the demo's.
    """
    return geometries_to_wgs84(district_outline_gcj02(), "gcj02")


def district_outline_gcj02() -> BaseGeometry:
    """The outline's coordinates as the file holds them (GCJ-02)."""
    data = json.loads((HERE / "gongshu_outline_approx.geojson").read_text(encoding="utf-8"))
    return shape(data["features"][0]["geometry"])
