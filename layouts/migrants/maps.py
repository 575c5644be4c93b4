"""The oversight tab's map of new residents: for the area, a density layer of migrants (or rental houses) per
cell over the communities' outlines (a click on a community opens it); for one community, its rental houses as
points coloured by occupancy. No tiles and no map text: a style of one white background, nothing fetched."""

from __future__ import annotations

import json
import math

from dash import html

from domain.migrants import DENSITY_CELL_M, OCCUPANCY
from i18n import t
from layouts.map_figure import FOCUS_LINE, LIGHT_STYLE, STREET_LINE, fit_extent, fit_view, outline_trace

MAP_SIZE = (1400, 560)  # the view as drawn; the browser fits it to the graph's real box (layout.meta.fit)
OCCUPANCY_COLOURS = {"empty": "#9aa5b1", "within": "#2e7d32", "over": "#c62828"}
# transparent where nobody lives, then yellow to deep red
DENSITY_SCALE = [[0, "rgba(255,237,160,0)"], [0.15, "rgba(254,217,118,0.75)"], [0.4, "rgba(253,141,60,0.85)"],
                 [0.7, "rgba(227,26,28,0.9)"], [1, "rgba(128,0,38,0.95)"]]


def _shapes(communities: list[dict]) -> dict[str, dict]:
    return {r["code"]: json.loads(r["geojson"]) for r in communities}


def _communities_trace(communities: list[dict], shapes: dict[str, dict], counts: dict[str, dict]) -> dict:
    """Every community of the area, filled almost transparent: its hover names it, a click opens it."""
    codes = list(shapes)
    return {
        "type": "choroplethmap",
        "geojson": {"type": "FeatureCollection",
                    "features": [{"type": "Feature", "id": c, "geometry": shapes[c]} for c in codes]},
        "locations": codes, "z": [0] * len(codes), "showscale": False,
        "colorscale": [[0, "rgba(255,255,255,0.01)"], [1, "rgba(255,255,255,0.01)"]],
        "marker": {"line": {"color": "#9aa5b1", "width": 0.8}},
        "customdata": [[r["name"], r["street_name"], counts.get(r["code"], {}).get("migrants", 0),
                        counts.get(r["code"], {}).get("houses", 0)] for r in communities if r["code"] in shapes],
        "hovertemplate": (f"<b>%{{customdata[0]}}</b>　%{{customdata[1]}}<br>{t('migrants.col.migrants')}："
                          f"%{{customdata[2]:,}}　{t('migrants.col.houses')}：%{{customdata[3]:,}}<br>"
                          f"{t('migrants.map.click')}<extra></extra>"),
        "name": t("migrants.map.communities"), "showlegend": False,
    }


def _layout(geometries: list[dict], uirevision: str, legend: bool) -> dict:
    centre, zoom = fit_view(geometries, MAP_SIZE)
    return {"map": {"style": LIGHT_STYLE, "center": centre, "zoom": zoom},
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "showlegend": legend, "uirevision": uirevision,
            "legend": {"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": 13}},
            "paper_bgcolor": "#ffffff", "separators": ".,", "hoverlabel": {"font": {"size": 14}},
            "meta": {"fit": fit_extent(geometries)}}


def density_radius(zoom: float) -> int:
    """The density kernel's radius in pixels: about one and a half cells at the zoom the view opens with."""
    metres_per_pixel = 78_271.5 * math.cos(math.radians(30.32)) / 2 ** zoom
    return max(6, round(1.5 * DENSITY_CELL_M / metres_per_pixel))


def density_figure(communities: list[dict], streets: list[dict], counts: dict[str, dict], cells: list[dict],
                   weight: str) -> dict:
    """The area's density of migrants (weight 'migrants') or rental houses ('houses') per cell, under the
    communities' outlines and the streets'."""
    shapes = _shapes(communities)
    layout = _layout(list(shapes.values()), f"density:{min(shapes, default='')}:{len(shapes)}", False)
    label = t(f"migrants.map.weight.{weight}")
    density = {
        "type": "densitymap", "lon": [c["lon"] for c in cells], "lat": [c["lat"] for c in cells],
        "z": [c[weight] for c in cells], "radius": density_radius(layout["map"]["zoom"]),
        "colorscale": DENSITY_SCALE, "zmin": 0, "name": label,
        "colorbar": {"title": {"text": t("migrants.map.per_cell", what=label, metres=DENSITY_CELL_M)},
                     "thickness": 14, "len": 0.6, "x": 0.99, "xanchor": "right",  # over the map: the map keeps
                     "bgcolor": "rgba(255,255,255,0.8)"},  # the whole box the browser fits the area to
        "hoverinfo": "skip",  # the community under the pointer answers hover and click
    }
    data = [_communities_trace(communities, shapes, counts), density,
            outline_trace([json.loads(r["geojson"]) for r in streets], STREET_LINE, 2.0)]
    return {"data": data, "layout": layout}


def houses_figure(communities: list[dict], streets: list[dict], counts: dict[str, dict], community: str,
                  houses: list[dict]) -> dict:
    """One community's rental houses as points, one trace per occupancy (named in the legend); the other
    communities stay outlined and clickable."""
    shapes = _shapes(communities)
    data = [_communities_trace(communities, shapes, counts),
            {**outline_trace([json.loads(r["geojson"]) for r in streets], STREET_LINE, 1.5), "showlegend": False},
            {**outline_trace([shapes[community]] if community in shapes else [], FOCUS_LINE, 3.0),
             "showlegend": False}]
    for kind in OCCUPANCY:
        chosen = [h for h in houses if h["occupancy"] == kind]
        data.append({
            "type": "scattermap", "mode": "markers", "name": f"{t('migrants.occupancy.' + kind)}（{len(chosen)}）",
            "lon": [h["lon"] for h in chosen], "lat": [h["lat"] for h in chosen],
            "marker": {"size": 10, "color": OCCUPANCY_COLOURS[kind], "opacity": 0.9},
            "customdata": [[h["address"], h["house_code"], h["landlord"], h["tenants"], h["capacity"]]
                           for h in chosen],
            "hovertemplate": (f"<b>%{{customdata[0]}}</b><br>{t('migrants.map.house_code')}：%{{customdata[1]}}<br>"
                              f"{t('migrants.map.landlord')}：%{{customdata[2]}}<br>{t('migrants.map.tenants')}："
                              f"%{{customdata[3]}} / %{{customdata[4]}}<extra></extra>"),
        })
    focus = [shapes[community]] if community in shapes else list(shapes.values())
    return {"data": data, "layout": _layout(focus, f"houses:{community}", True)}


def density_legend(weight: str) -> list:
    return [html.Div(t("migrants.map.density_title", what=t(f"migrants.map.weight.{weight}"),
                       metres=DENSITY_CELL_M), className="legend-title"),
            html.Div(t("migrants.map.density_hint"), className="legend-item")]


def houses_legend(name: str, houses: list[dict]) -> list:
    items = [html.Div(className="legend-item", children=[
        html.Span(className="swatch", style={"background": OCCUPANCY_COLOURS[kind], "borderRadius": "50%",
                                                "width": "12px", "height": "12px"}),
        html.Span(f"{t('migrants.occupancy.' + kind)}：{sum(h['occupancy'] == kind for h in houses):,}")])
        for kind in OCCUPANCY]
    return [html.Div(t("migrants.map.houses_title", community=name), className="legend-title"), *items]
