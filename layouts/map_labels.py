"""Community names drawn by the map itself (MapLibre symbol layers), from a font the app serves.

The style names no `glyphs` URL: MapLibre then draws every label glyph itself (TinySDF), and its `font-faces`
point the font stack at assets/glyphs/community-names.woff (scripts/build_glyphs.py: Noto Sans CJK SC Bold, cut
to the names' characters). A character the file lacks falls back to the browser's own sans-serif. Nothing is
fetched from another host (plotly's own "white-bg" style names a font server on the internet; this one does not).
"""

from __future__ import annotations

import math
from itertools import groupby

from geo.labels import label_point, place_names

GLYPHS_URL = "/assets/glyphs/community-names.woff"
# plotly's layout layers leave text-font unset, so MapLibre asks for its default stack, whose first name this is.
FONT_STACK = "Open Sans Regular"
FIT = 0.7  # a name shows once the circle that fits inside its community is this share of the name's width
ZOOM_STEP = 0.25  # minimum zooms are rounded up to this step, one layer per step and text colour
DARK_TEXT, LIGHT_TEXT = "#1f2328", "#ffffff"
# A style needs "sources", but plotly.js drops an empty {} from a redrawn figure's style and MapLibre then refuses
# the style ("missing required property sources"): one unused point, local, keeps it non-empty.
NO_SOURCE = {"type": "geojson", "data": {"type": "Feature", "properties": {"unused": True},
                                          "geometry": {"type": "Point", "coordinates": [0, 0]}}}
SUFFIX = "社区"  # every community's name ends so: the label leaves it off (the hover and lists give it in full)


def label_style(background: str) -> dict:
    """A MapLibre style of one background colour whose text comes from the served font."""
    return {"version": 8, "sources": {"none": NO_SOURCE},
            "layers": [{"id": "background", "type": "background", "paint": {"background-color": background}}],
            "font-faces": {FONT_STACK: [{"url": GLYPHS_URL}]}}


def text_size(size: tuple[int, int]) -> int:
    """Label text in pixels for a map of size (width, height): 13 at the page's 640, 35 on a 4K wall screen."""
    return max(12, round(size[1] / 48))


def label_layers(communities: list[dict], fills: dict[str, str], size: tuple[int, int]) -> list[dict]:
    """plotly map layers naming each community at its label point, shown from the zoom at which it fits.

    communities: rows with code, name and geojson (text); fills: the community's fill colour, for contrast.
    MapLibre's collision drops a name that would overlap one already placed; layers later in the list are
    placed first, so the communities whose names fit earliest (the large ones) win.
    """
    px = text_size(size)
    labels = []
    for row in communities:
        point = label_point(row["geojson"])
        colour = LIGHT_TEXT if _dark(fills.get(row["code"], "#ffffff")) else DARK_TEXT
        name = short_name(row["name"])
        labels.append((_min_zoom(len(name) * px, point.radius), colour, name, point))
    labels.sort(key=lambda item: (-item[0], item[1], item[2]))
    layers = []
    for (zoom, colour), group in groupby(labels, key=lambda item: item[:2]):
        features = [{"type": "Feature", "properties": {"name": name},
                     "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]}}
                    for _, _, name, point in group]
        layers.append({
            "sourcetype": "geojson", "source": {"type": "FeatureCollection", "features": features},
            "type": "symbol", "minzoom": zoom,
            "symbol": {"text": "{name}", "icon": "", "placement": "point", "textposition": "middle center",
                       "textfont": {"size": px, "color": colour}},
        })
    return layers


def fixed_label_layers(communities: list[dict], fills: dict[str, str], size: tuple[int, int],
                       center: tuple[float, float], zoom: float, dark: bool) -> tuple[list[dict], dict | None]:
    """Names for a view nobody zooms (the big screen): every community named, in the largest size that fits it,
    or smaller beside it with a leader line (geo.labels.place_names). Returns the symbol layers (shown at every
    zoom) and the leader lines as a plotly trace (None when every name sits on its community)."""
    px = text_size(size)
    sizes = tuple(dict.fromkeys((px, round(px * 0.8), max(10, round(px * 0.65)))))
    names = {r["code"]: short_name(r["name"]) for r in communities}
    placed = place_names([(r["code"], len(names[r["code"]]), r["geojson"]) for r in communities], center, zoom,
                         size, sizes)
    beside = LIGHT_TEXT if dark else DARK_TEXT
    labels = sorted(((p.size, beside if p.leader else LIGHT_TEXT if _dark(fills.get(p.code, "#ffffff"))
                      else DARK_TEXT, names[p.code], p) for p in placed), key=lambda item: item[:3])
    layers = []
    for (text_px, colour), group in groupby(labels, key=lambda item: item[:2]):
        features = [{"type": "Feature", "properties": {"name": name, "code": p.code},
                     "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]}} for _, _, name, p in group]
        layers.append({
            "sourcetype": "geojson", "source": {"type": "FeatureCollection", "features": features},
            "type": "symbol", "minzoom": 0,
            "symbol": {"text": "{name}", "icon": "", "placement": "point", "textposition": "middle center",
                       "textfont": {"size": text_px, "color": colour}},
        })
    lon: list[float | None] = []
    lat: list[float | None] = []
    for p in placed:
        if p.leader:
            lon += [p.leader[0], p.lon, None]
            lat += [p.leader[1], p.lat, None]
    leaders = {"type": "scattermap", "mode": "lines", "lon": lon, "lat": lat, "hoverinfo": "skip",
               "line": {"width": 1, "color": "#9aa5b1" if dark else "#5f6b76"}} if lon else None
    return layers, leaders


def short_name(name: str) -> str:
    """台州路社区 -> 台州路; a name that is only the suffix, or does not end with it, stays whole."""
    return name.removesuffix(SUFFIX) if len(name) > len(SUFFIX) + 1 and name.endswith(SUFFIX) else name


def _min_zoom(width: float, radius: float) -> float:
    """The zoom at which a circle of radius (degrees of longitude) is FIT of width pixels across.

    MapLibre's world is 512 pixels wide at zoom 0, so a degree is 512 * 2**zoom / 360 pixels.
    """
    zoom = math.log2(FIT * width * 360 / (512 * 2 * max(radius, 1e-9)))
    return min(max(math.ceil(zoom / ZOOM_STEP) * ZOOM_STEP, 0.0), 24.0)


def _dark(colour: str) -> bool:
    """Whether white text reads better than dark text on this fill (#rrggbb): WCAG relative luminance."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2] < 0.21  # where both contrast ratios are equal
