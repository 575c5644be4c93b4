"""The community choropleth: MapLibre, no tiles, no map text (text would need glyphs from a font server).

Figures are plain plotly figure dicts: the graph_objects validators deep-copy the GeoJSON on every request,
which cost more than the query and the rest of the callback together.
"""

from __future__ import annotations

import json
import math

from i18n import t
from layouts.metrics import METRICS, Metric

NO_DATA = "#d9d9d9"
STREET_LINE = "#2b2b2b"
FIGURE_SIZE = (900, 680)  # pixels the view is fitted to


def community_choropleth(communities: list[dict], streets: list[dict], metric_key: str) -> dict:
    """Communities coloured by the metric, street outlines over them, hover with name and counts.

    communities: rows of data_access.map_queries.community_map_rows; streets: rows of street_outlines.
    """
    metric = METRICS[metric_key]
    shapes = {r["code"]: json.loads(r["geojson"]) for r in communities}
    with_data = [r for r in communities if r[metric.key] is not None]
    without = [r["code"] for r in communities if r[metric.key] is None]
    data = [_metric_trace(with_data, shapes, metric), _street_lines(streets)]
    if without:  # a community without residents has no ratio: grey, so it is not mistaken for zero
        data.insert(0, {
            "type": "choroplethmap", "geojson": _collection(shapes, without), "locations": without,
            "z": [0] * len(without), "colorscale": [[0, NO_DATA], [1, NO_DATA]], "showscale": False,
            "hoverinfo": "skip", "marker": {"line": {"width": 0}},
        })
    lon, lat = _bounds(shapes.values())
    layout = {
        "map": {"style": "white-bg", "center": {"lon": sum(lon) / 2, "lat": sum(lat) / 2},
                "zoom": _zoom(lon, lat)},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "showlegend": False,
        "separators": ".,",
        "uirevision": metric_key,
        "annotations": [{
            "text": t("map.illustrative"), "showarrow": False, "xref": "paper", "yref": "paper",
            "x": 0.01, "y": 0.01, "xanchor": "left", "yanchor": "bottom",
            "font": {"size": 12, "color": "#555"}, "bgcolor": "rgba(255,255,255,0.8)",
        }],
    }
    return {"data": data, "layout": layout}


def empty_figure() -> dict:
    return {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def _collection(shapes: dict[str, dict], codes: list[str]) -> dict:
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "id": code, "geometry": shapes[code]} for code in codes]}


def _metric_trace(rows: list[dict], shapes: dict[str, dict], metric: Metric) -> dict:
    values = [r[metric.key] for r in rows]
    top = max(values, default=0) or (0.01 if metric.ratio else 1)
    step = len(metric.colours) - 1
    lines = [
        "<b>%{customdata[0]}</b>　%{customdata[1]}",
        f"{t('map.hover.residents')}：%{{customdata[2]:,}}",
        f"{t('map.hover.red')}：%{{customdata[3]:,}}（{t('map.hover.red_ratio')} %{{customdata[5]:.2%}}）",
        f"{t('map.hover.yellow')}：%{{customdata[4]:,}}"
        f"（{t('map.hover.yellow_ratio')} %{{customdata[6]:.2%}}）",
        f"{t('map.hover.managed')}：%{{customdata[7]:,}}",
        f"{t('map.hover.enterprises_warned')}：%{{customdata[8]:,}}",
    ]
    codes = [r["code"] for r in rows]
    return {
        "type": "choroplethmap",
        "geojson": _collection(shapes, codes),
        "locations": codes,
        "z": values,
        "zmin": 0,
        "zmax": top,
        "colorscale": [[i / step, c] for i, c in enumerate(metric.colours)],
        "marker": {"line": {"color": "#ffffff", "width": 0.6}},
        "customdata": [
            [r["name"], r["street_name"], r["residents_total"], r["residents_red"], r["residents_yellow"],
             r["residents_red_ratio"] or 0, r["residents_yellow_ratio"] or 0, r["managed_total"],
             r["enterprises_warned"]]
            for r in rows
        ],
        "hovertemplate": "<br>".join(lines) + "<extra></extra>",
        "colorbar": {
            "title": {"text": t(f"metric.{metric.key}")},
            "tickformat": ".2%" if metric.ratio else ",d",
            "thickness": 14, "len": 0.6, "x": 0.99, "xanchor": "right",
            "bgcolor": "rgba(255,255,255,0.85)",
        },
    }


def _street_lines(streets: list[dict]) -> dict:
    lon: list[float | None] = []
    lat: list[float | None] = []
    for row in streets:
        for ring in _rings(json.loads(row["geojson"])):
            lon += [p[0] for p in ring] + [None]
            lat += [p[1] for p in ring] + [None]
    return {"type": "scattermap", "lon": lon, "lat": lat, "mode": "lines",
            "line": {"width": 2.2, "color": STREET_LINE}, "hoverinfo": "skip"}


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


def _zoom(lon: tuple[float, float], lat: tuple[float, float]) -> float:
    """The zoom at which the extent fits FIGURE_SIZE (MapLibre: the world is 512 pixels wide at zoom 0)."""
    width, height = FIGURE_SIZE
    lon_span = max(lon[1] - lon[0], 1e-4)
    lat_span = max((lat[1] - lat[0]) / math.cos(math.radians(sum(lat) / 2)), 1e-4)
    fit = min(width * 360 / (512 * lon_span), height * 360 / (512 * lat_span))
    return round(math.log2(fit) - 0.2, 2)
