"""Callbacks of the map page."""

from __future__ import annotations

from dash import Input, Output, callback

from data_access import map_queries
from data_access.scope import DISTRICT, Scope
from data_access.session import DataUnavailable, reading
from i18n import t
from layouts import formatting, ids
from layouts.kpi import kpi_tiles
from layouts.map_figure import community_choropleth, empty_figure
from layouts.metrics import METRICS


@callback(
    Output(ids.MAP, "figure"),
    Output(ids.KPIS, "children"),
    Output(ids.DATA_TIME, "children"),
    Output(ids.MESSAGE, "children"),
    Input(ids.METRIC, "value"),
)
def show_district_map(metric: str):
    return map_view(metric, DISTRICT)


def map_view(metric: str, scope: Scope) -> tuple[dict, list, str, str]:
    """Figure, KPI tiles, data time and message for the area, or an empty map and a message why not."""
    if metric not in METRICS:
        return empty_figure(), [], "", t("metric.unknown", metric=metric)
    try:
        with reading() as conn:
            rows = map_queries.community_map_rows(conn, scope)
            streets = map_queries.street_outlines(conn, scope)
            totals = map_queries.area_totals(conn, scope)
            newest = map_queries.data_time(conn)
    except DataUnavailable:
        return empty_figure(), [], "", t("map.error")
    if not rows:
        return empty_figure(), [], "", t("map.empty")
    when = t("map.data_time", time=formatting.beijing_time(newest)) if newest else t("map.no_data_time")
    return community_choropleth(rows, streets, metric), kpi_tiles(totals), when, ""
