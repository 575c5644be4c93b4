"""A small flat map of a few polygons: lon/lat to pixels and back, for a picture a phone taps (the public
form's map). Equirectangular, x scaled by the cosine of the middle latitude: true enough across a district."""

from __future__ import annotations

import math
from dataclasses import dataclass

PAD = 0.04  # of the extent, on each side


@dataclass(frozen=True)
class Viewport:
    west: float
    north: float
    degrees_per_px_x: float
    degrees_per_px_y: float
    width: int
    height: int

    @classmethod
    def fit(cls, geometries: list[dict], most: int = 320) -> Viewport:
        """The view that shows the GeoJSON polygons whole in at most `most` pixels each way."""
        xs = [p[0] for g in geometries for ring in _rings(g) for p in ring] or [120.15]
        ys = [p[1] for g in geometries for ring in _rings(g) for p in ring] or [30.32]
        west, east, south, north = min(xs), max(xs), min(ys), max(ys)
        pad_x, pad_y = max((east - west) * PAD, 1e-4), max((north - south) * PAD, 1e-4)
        west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
        stretch = math.cos(math.radians((north + south) / 2))
        span_x, span_y = (east - west) * stretch, north - south  # in degrees of latitude
        scale = max(span_x, span_y) / most  # degrees of latitude a pixel
        width, height = max(1, round(span_x / scale)), max(1, round(span_y / scale))
        return cls(west, north, scale / stretch, scale, width, height)

    def pixel(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.west) / self.degrees_per_px_x, (self.north - lat) / self.degrees_per_px_y

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        """The point at pixel (x, y) of the picture, to 6 decimals (about 0.1 m)."""
        return round(self.west + x * self.degrees_per_px_x, 6), round(self.north - y * self.degrees_per_px_y, 6)

    def contains_pixel(self, x: float, y: float) -> bool:
        return 0 <= x <= self.width and 0 <= y <= self.height


def _rings(geometry: dict) -> list[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon]


def svg_path(geometry: dict, view: Viewport) -> str:
    """The polygon's rings as an SVG path in the view's pixels (one decimal)."""
    parts = []
    for ring in _rings(geometry):
        points = [view.pixel(x, y) for x, y in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)
