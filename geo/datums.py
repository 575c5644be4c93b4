"""The datums of Chinese web maps, by name, converted to WGS-84: points (numpy arrays) and geometries.

gcj02: AMap (高德), Tencent and most geocoded addresses; bd09: Baidu maps (百度).
"""

from __future__ import annotations

import numpy as np
import shapely

from geo.bd09 import bd09_to_gcj02
from geo.gcj02 import gcj02_to_wgs84

DATUMS = ("gcj02", "bd09")


def to_wgs84(lon, lat, datum: str) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes in datum (one of DATUMS) as WGS-84."""
    if datum == "bd09":
        lon, lat = bd09_to_gcj02(lon, lat)
    elif datum != "gcj02":
        raise ValueError(f"unknown datum {datum!r}")
    return gcj02_to_wgs84(lon, lat)


def geometries_to_wgs84(geometries, datum: str):
    """A geometry, or an array of them, with every vertex converted from datum to WGS-84."""
    return shapely.transform(geometries, lambda xy: np.column_stack(to_wgs84(xy[:, 0], xy[:, 1], datum)))
