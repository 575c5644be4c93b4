"""Where a polygon's name goes: the point deepest inside it, and how far that point is from the edge."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

from shapely import affinity
from shapely.geometry import shape
from shapely.ops import polylabel


@dataclass(frozen=True)
class LabelPoint:
    lon: float
    lat: float
    radius: float  # distance to the nearest edge, in degrees of longitude (as wide as it looks on the map)


@lru_cache(maxsize=4096)  # a boundary's label point never changes: computed once per geometry, not per request
def label_point(geojson: str) -> LabelPoint:
    """The pole of inaccessibility of the largest part of a (Multi)Polygon given as GeoJSON text.

    Latitudes are stretched by 1/cos(latitude) first, as Web Mercator draws them near the polygon, so the
    circle that fits is round on the screen and its radius compares with a label's width in pixels.
    """
    geometry = shape(json.loads(geojson))
    polygon = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
    stretch = 1 / math.cos(math.radians(polygon.centroid.y))
    flat = affinity.scale(polygon, xfact=1, yfact=stretch, origin=(0, 0))
    tolerance = max(math.sqrt(flat.area) / 200, 1e-7)
    inside = polylabel(flat, tolerance=tolerance)
    return LabelPoint(round(inside.x, 6), round(inside.y / stretch, 6), inside.distance(flat.boundary))
