"""Where a polygon's name goes: the point deepest inside it, and how far that point is from the edge."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

from shapely import affinity
from shapely.geometry import box as rectangle
from shapely.geometry import shape
from shapely.ops import polylabel, unary_union
from shapely.prepared import prep


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


# Names placed for one fixed view (the big screen: nothing zooms), in the view's pixels: each community's name at
# its label point in the largest size that fits the community and clears the names already placed; else, in the
# smallest size, beside it over the background, with a leader line back to the label point.
WORLD = 512  # MapLibre: the world is 512 pixels wide at zoom 0
FIT = 0.7  # a name fits its community when the circle inside it is this share of the name's width
GAP = 4  # pixels kept between two names (MapLibre drops a name whose box touches another's)


@dataclass(frozen=True)
class Placed:
    code: str
    lon: float  # where the name's centre goes
    lat: float
    size: int  # text size in pixels
    leader: tuple[float, float] | None  # the label point a leader line runs to (None: the name sits on it)


def _pixel(lon: float, lat: float, scale: float) -> tuple[float, float]:
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return (lon + 180) / 360 * scale, (0.5 - y / (2 * math.pi)) * scale


def _lonlat(x: float, y: float, scale: float) -> tuple[float, float]:
    lat = math.degrees(2 * math.atan(math.exp((0.5 - y / scale) * 2 * math.pi)) - math.pi / 2)
    return x / scale * 360 - 180, lat


def place_names(names: list[tuple[str, int, str]], center: tuple[float, float], zoom: float,
                box: tuple[int, int], sizes: tuple[int, ...]) -> list[Placed]:
    """names: (code, characters in the name, the community's GeoJSON); center (lon, lat) and zoom of the view,
    box (width, height) in pixels; sizes: text sizes to try, largest first. Every community gets a place; the
    boxes of the names never overlap and stay inside the view."""
    scale = WORLD * 2 ** zoom
    cx, cy = _pixel(*center, scale)
    left, top = cx - box[0] / 2, cy - box[1] / 2

    def pixels(lon: float, lat: float) -> tuple[float, float]:
        x, y = _pixel(lon, lat, scale)
        return x - left, y - top

    land = prep(unary_union([shape(json.loads(geojson)) for _, _, geojson in names]))
    taken: list[tuple[float, float, float, float]] = []

    def free(x0: float, y0: float, x1: float, y1: float) -> bool:
        inside = x0 >= GAP and y0 >= GAP and x1 <= box[0] - GAP and y1 <= box[1] - GAP
        return inside and all(x1 + GAP <= a or a1 + GAP <= x0 or y1 + GAP <= b or b1 + GAP <= y0
                              for a, b, a1, b1 in taken)

    def over_land(x0: float, y0: float, x1: float, y1: float) -> bool:
        (w, s), (e, n) = (_lonlat(x0 + left, y1 + top, scale), _lonlat(x1 + left, y0 + top, scale))
        return land.intersects(rectangle(w, s, e, n))

    order = sorted(names, key=lambda n: -label_point(n[2]).radius)
    placed = []
    for code, length, geojson in order:
        point = label_point(geojson)
        x, y = pixels(point.lon, point.lat)
        radius = point.radius * scale / 360  # degrees of longitude to pixels
        spot = None
        for size in sizes:  # on its label point, in the largest size that fits inside the community
            w, h = length * size, 1.2 * size
            if FIT * w <= 2 * radius and free(x - w / 2, y - h / 2, x + w / 2, y + h / 2):
                spot = (x, y, size, None)
                break
        if spot is None:  # beside it in the smallest size: over the background if it can, else anywhere free
            size = sizes[-1]
            w, h = length * size, 1.2 * size
            around = [(x + math.cos(a) * d * (w / 2 + h), y + math.sin(a) * d * 1.5 * h)
                      for d in (1.0, 1.5, 2.2, 3.0, 4.0, 5.5, 7.5, 10.0) for a in (math.pi * k / 8 for k in range(16))]
            spots = [(nx, ny) for nx, ny in around if free(nx - w / 2, ny - h / 2, nx + w / 2, ny + h / 2)]
            clear = [(nx, ny) for nx, ny in spots if not over_land(nx - w / 2, ny - h / 2, nx + w / 2, ny + h / 2)]
            if clear or spots:
                nx, ny = (clear or spots)[0]
                spot = (nx, ny, size, (point.lon, point.lat))
        if spot is None:
            continue
        sx, sy, size, leader = spot
        w, h = length * size, 1.2 * size
        taken.append((sx - w / 2, sy - h / 2, sx + w / 2, sy + h / 2))
        lon, lat = _lonlat(sx + left, sy + top, scale)
        placed.append(Placed(code, round(lon, 6), round(lat, 6), size, leader))
    return placed
