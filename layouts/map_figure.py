"""The map: communities by class of the chosen metric, street outlines, enterprise points.

MapLibre with a style of one background colour: no tiles; community names are MapLibre symbol layers whose
glyphs come from a font the app serves (layouts/map_labels.py), never from a font server.
Figures are plain plotly dicts: the graph_objects validators deep-copy the GeoJSON on every request,
which cost more than the query and the rest of the callback together.
"""

from __future__ import annotations

import json
import math

from i18n import t
from layouts.map_labels import fixed_label_layers, label_layers, label_style
from layouts.metrics import NO_DATA, Classes, metric_text

STREET_LINE = "#2b2b2b"
FOCUS_LINE = "#0b57d0"
STATUS_COLOURS = {"cleared": "#2e7d32", "caution": "#e0a000", "warned": "#c62828", "incomplete": "#7d8895",
                  "warned_unnotified": "#6a1b9a"}  # warned, and no warning given yet: apart from the rest
FIGURE_SIZE = (900, 640)  # pixels the view is fitted to
# MapLibre styles of one background layer: no tiles, label glyphs from /assets/ only.
LIGHT_STYLE, DARK_STYLE = label_style("#ffffff"), label_style("#10161d")


def community_map(
    communities: list[dict],
    streets: list[dict],
    values: dict[str, float | None],
    classes: Classes,
    focus: list[str],
    points: list[dict] | None = None,
    selected: str | None = None,
    dark: bool = False,
    size: tuple[int, int] = FIGURE_SIZE,
    metric: str | None = None,
    fixed_labels: bool = False,
) -> dict:
    """The map figure.

    communities: rows of map_queries.community_map_rows (code, name, street_name, geojson, counts);
    values: the metric per community code; focus: community codes the view zooms to (outlined when
    they are fewer than all); points: rows of enterprise_queries.enterprise_points; selected: a credit code;
    metric: the metric coloured, whose value (with its unit) heads each community's hover; fixed_labels: the
    view is never zoomed (the big screen), so every community is named for it, beside it with a leader line
    where its name does not fit inside.
    """
    shapes = {r["code"]: json.loads(r["geojson"]) for r in communities}
    info = {r["code"]: r for r in communities}
    fills = {c: _fill(classes, values.get(c)) for c in shapes}
    data = [_fill_trace(shapes, fills, info, values, dark, metric)] if shapes else []
    data.append(_lines([g for r in streets for g in [json.loads(r["geojson"])]], STREET_LINE if not dark
                       else "#e8edf2", 2.2))
    if 0 < len(focus) < len(shapes):
        data.append(_lines([shapes[c] for c in focus if c in shapes], FOCUS_LINE if not dark else "#7cc4ff", 3.5))
    if points:
        data.append(_points(points))
        chosen = [p for p in points if p["credit_code"] == selected]
        if chosen:  # a dark ring under a larger dot marks the chosen enterprise
            ring = _points(chosen, size=24)
            ring["marker"]["color"] = ["#111111"]
            data += [ring, _points(chosen, size=15)]
    lon, lat = _bounds([shapes[c] for c in focus if c in shapes] or list(shapes.values()))
    center, zoom = (sum(lon) / 2, sum(lat) / 2), _zoom(lon, lat, size)
    if fixed_labels:
        layers, leaders = fixed_label_layers(communities, fills, size, center, zoom, dark)
        data += [leaders] if leaders else []
    else:
        layers = label_layers(communities, fills, size)
    layout = {
        "map": {"style": DARK_STYLE if dark else LIGHT_STYLE,
                "center": {"lon": center[0], "lat": center[1]}, "zoom": zoom, "layers": layers},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "showlegend": False,
        # The same view keeps the reader's zoom when new data redraws it; another view starts fitted.
        "uirevision": f"{len(focus)}:{min(focus, default='')}:{dark}",
        "separators": ".,",
        # the extent the view shows ([west, south, east, north]): the browser fits it to the map's box
        "meta": {"fit": [lon[0], lat[0], lon[1], lat[1]]},
        "paper_bgcolor": "#10161d" if dark else "#ffffff",
        "hoverlabel": {"font": {"size": 14}},
        "annotations": [{
            "text": t("map.illustrative"), "showarrow": False, "xref": "paper", "yref": "paper",
            "x": 0.01, "y": 0.01, "xanchor": "left", "yanchor": "bottom",
            "font": {"size": caption_size(size), "color": "#9aa5b1" if dark else "#555"},
            "bgcolor": "rgba(0,0,0,0)" if dark else "rgba(255,255,255,0.8)",
        }],
    }
    return {"data": data, "layout": layout}


def caption_size(size: tuple[int, int]) -> int:
    """The 示意边界 caption's font: 12 px on a desk's map, growing with the map's height on a wall screen."""
    return round(12 * max(1.0, size[1] / FIGURE_SIZE[1]))


def empty_figure() -> dict:
    return {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def _fill(classes: Classes, value: float | None) -> str:
    k = classes.index(value)
    return NO_DATA if k is None else classes.colours[k]


def _fill_trace(shapes, fills, info, values, dark, metric=None) -> dict:
    """Every community in one trace, coloured by its class: one GeoJSON source for MapLibre to load again on
    a redraw (a trace per class was a source each, each tiled and drawn in a frame of its own), with the
    same shapes in the same order whatever the metric, so only z and the colours change."""
    codes = list(shapes)
    colours = sorted(set(fills.values()))  # z is the index of the community's colour; colorscale steps
    step = {colour: i for i, colour in enumerate(colours)}
    scale = [[stop, colour] for i, colour in enumerate(colours)
             for stop in (i / len(colours), (i + 1) / len(colours))]
    chosen = [t("map.hover.value", metric=t(f"metric.{metric}"), value="<b>%{customdata[10]}</b>")] if metric else []
    lines = [
        "<b>%{customdata[0]}</b>　%{customdata[1]}",
        *chosen,
        f"{t('map.hover.residents')}：%{{customdata[2]:,}}",
        f"{t('map.hover.red')}：%{{customdata[3]:,}}　{t('map.hover.yellow')}：%{{customdata[4]:,}}",
        f"{t('map.hover.employees_red')}：%{{customdata[5]:,}}　"
        f"{t('map.hover.employees_yellow')}：%{{customdata[6]:,}}",
        f"{t('map.hover.managed')}：%{{customdata[7]:,}}",
        f"{t('map.hover.enterprises_warned')}：%{{customdata[8]:,}}",
    ]
    return {
        "type": "choroplethmap",
        "geojson": {"type": "FeatureCollection",
                    "features": [{"type": "Feature", "id": c, "geometry": shapes[c]} for c in codes]},
        "locations": codes,
        "z": [step[fills[c]] for c in codes],
        "zmin": -0.5, "zmax": len(colours) - 0.5,
        "colorscale": scale,
        "showscale": False,
        "marker": {"line": {"color": "#10161d" if dark else "#ffffff", "width": 0.8}},
        "customdata": [
            [info[c]["name"], info[c]["street_name"], info[c]["residents_total"], info[c]["residents_red"],
             info[c]["residents_yellow"], info[c]["employees_red"], info[c]["employees_yellow"],
             info[c]["managed_total"], info[c]["enterprises_warned"], c,
             metric_text(metric, values.get(c)) if metric else ""]
            for c in codes
        ],
        "hovertemplate": "<br>".join(lines) + "<extra></extra>",
    }


def _points(points: list[dict], size: int = 8) -> dict:
    status_name = {s: t(f"status.{s}") for s in STATUS_COLOURS}
    statuses = [point_status(p) for p in points]
    return {
        "type": "scattermap",
        "mode": "markers",
        # to 5 decimals (about 1 m): a third less to send for all 27,227 enterprises
        "lon": [round(p["lon"], 5) for p in points],
        "lat": [round(p["lat"], 5) for p in points],
        "marker": {"size": size, "color": [STATUS_COLOURS[s] for s in statuses], "opacity": 0.9},
        "customdata": [[p["name"], status_name[s], p["employees_total"], p["employees_red"],
                        p["credit_code"], p["community_code"]] for p, s in zip(points, statuses, strict=True)],
        "hovertemplate": ("<b>%{customdata[0]}</b><br>%{customdata[1]}　"
                          + t("map.hover.staff") + "：%{customdata[2]:,}　"
                          + t("map.hover.red") + "：%{customdata[3]:,}<extra></extra>"),
    }


def point_status(point: dict) -> str:
    """A point's status as drawn: a warned enterprise without a warning given is drawn apart."""
    unnotified = point["status"] == "warned" and point.get("stage") == "unnotified"
    return "warned_unnotified" if unnotified else point["status"]


def _lines(geometries: list[dict], colour: str, width: float) -> dict:
    lon: list[float | None] = []
    lat: list[float | None] = []
    for geometry in geometries:
        for ring in _rings(geometry):
            lon += [p[0] for p in ring] + [None]
            lat += [p[1] for p in ring] + [None]
    return {"type": "scattermap", "mode": "lines", "lon": lon, "lat": lat,
            "line": {"width": width, "color": colour}, "hoverinfo": "skip"}


def _rings(geometry: dict) -> list[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon]


def _bounds(geometries) -> tuple[tuple[float, float], tuple[float, float]]:
    xs, ys = [], []
    for g in geometries:
        for ring in _rings(g):
            xs += [p[0] for p in ring]
            ys += [p[1] for p in ring]
    if not xs:
        return (120.13, 120.13), (30.32, 30.32)
    return (min(xs), max(xs)), (min(ys), max(ys))


def _zoom(lon: tuple[float, float], lat: tuple[float, float], size: tuple[int, int]) -> float:
    """The zoom at which the extent fits size in pixels (MapLibre: the world is 512 pixels wide at zoom 0)."""
    width, height = size
    lon_span = max(lon[1] - lon[0], 1e-4)
    lat_span = max((lat[1] - lat[0]) / math.cos(math.radians(sum(lat) / 2)), 1e-4)
    fit = min(width * 360 / (512 * lon_span), height * 360 / (512 * lat_span))
    return round(min(math.log2(fit) - 0.2, 16), 2)


def outline_trace(geometries: list[dict], colour: str, width: float) -> dict:
    """Outlines of polygons (GeoJSON geometries) as one line trace that takes no hover."""
    return _lines(geometries, colour, width)


def fit_extent(geometries: list[dict]) -> list[float]:
    """The geometries' [west, south, east, north]: a figure's layout.meta.fit, the extent the browser fits to the
    map's box (assets/map_fit.js, callbacks/map_fit.py)."""
    lon, lat = _bounds(geometries)
    return [lon[0], lat[0], lon[1], lat[1]]


def fit_view(geometries: list[dict], size: tuple[int, int] = FIGURE_SIZE) -> tuple[dict, float]:
    """The centre and zoom at which the geometries fit a map of `size` pixels."""
    lon, lat = _bounds(geometries)
    return {"lon": sum(lon) / 2, "lat": sum(lat) / 2}, _zoom(lon, lat, size)
