"""Callbacks of the statistics tab: ranking, 30-day trend, comparison, for the area in the URL."""

from __future__ import annotations

from datetime import datetime

from dash import Input, Output, callback, no_update

from callbacks.access import Access, clamp_view, current_access
from data_access import map_queries, stats_queries
from data_access.scope import DISTRICT, Scope
from data_access.session import DataUnavailable, reading
from i18n import t
from layouts import ids
from layouts.charts import compare_chart, ranking_chart, trend_chart
from layouts.formatting import CST
from layouts.map_figure import empty_figure
from layouts.metrics import metric_value
from layouts.view import View, parse_view


@callback(
    Output(ids.RANKING_CHART, "figure"), Output(ids.TREND_CHART, "figure"), Output(ids.COMPARE_CHART, "figure"),
    Input(ids.URL, "search"), Input(ids.TABS, "value"),
)
def show_statistics(search: str | None, tab: str):
    if tab != "stats":  # drawn only when looked at: the trend reads a month of history
        return no_update, no_update, no_update
    access = current_access()
    try:
        return statistics_figures(clamp_view(parse_view(search)[0], access)[0], access)
    except DataUnavailable:
        return empty_figure(), empty_figure(), empty_figure()


def statistics_figures(view: View, access: Access) -> tuple[dict, dict, dict]:
    area = Scope(view.area)
    shown = Scope(view.street) if view.street else DISTRICT
    with reading(access.scope) as conn:
        name = map_queries.area_name(conn, area)
        shown_name = map_queries.area_name(conn, shown)  # the area whose communities are ranked
        communities = map_queries.community_map_rows(conn, shown)
        streets = map_queries.street_totals(conn, DISTRICT) if not view.street else []
        trend = stats_queries.colour_trend(conn, area, datetime.now(CST).date())
    basis = t(f"basis.{view.basis}")
    ranked = [_ratios(r, view.basis) for r in communities]
    title = t("chart.ranking", area=shown_name, basis=basis)
    if streets:  # the district: its streets ranked the same way
        third = ranking_chart([_ratios(r, view.basis) for r in streets], t("chart.ranking_streets", basis=basis))
    else:  # a street: its communities side by side
        compared = [{"name": r["name"], "red": _count(r, view.basis, "red"),
                     "yellow": _count(r, view.basis, "yellow")} for r in communities]
        third = compare_chart(compared, t("chart.compare", area=shown_name))
    return ranking_chart(ranked, title), trend_chart(trend, t("chart.trend", area=name)), third


def _ratios(row: dict, basis: str) -> dict:
    return {"name": row["name"], "red_ratio": metric_value(row, "red_ratio", basis),
            "yellow_ratio": metric_value(row, "yellow_ratio", basis)}


def _count(row: dict, basis: str, colour: str) -> int:
    return metric_value(row, colour, basis)
