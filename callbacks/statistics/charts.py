"""Callbacks of the statistics tab: ranking, 30-day trend, comparison, for the area in the URL."""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update

from callbacks.gate import clamp_view, require
from callbacks.modules import looked_at, shown_search
from data_access import aggregates, areas
from data_access.session import DataUnavailable, reading
from domain.actor import Actor
from domain.clock import today
from domain.divisions import DISTRICT, Scope
from domain.permissions import READ_STATISTICS
from i18n import t
from layouts import ids as shell_ids
from layouts.charts import compare_chart, ranking_chart, trend_chart
from layouts.map_figure import empty_figure
from layouts.metrics import metric_value
from layouts.statistics import ids
from layouts.view import View, parse_view

TAB = "statistics"  # the module's name: its tab's value


def register(app: Dash) -> None:
    # The URL reaches the charts only while the tab is looked at: a drill on the map asks the server nothing
    # for a hidden tab.
    app.clientside_callback(looked_at(TAB), Output(ids.VIEW, "data"), Input(shell_ids.URL, "search"),
                            Input(shell_ids.TABS, "value"))
    app.callback(
        Output(ids.RANKING_CHART, "figure"), Output(ids.TREND_CHART, "figure"), Output(ids.COMPARE_CHART, "figure"),
        Input(ids.VIEW, "data"), State(shell_ids.TABS, "value"),
    )(show_statistics)


def show_statistics(looked: dict | None, tab: str):
    search = shown_search(looked)
    if tab != TAB:  # drawn only when looked at: the trend reads a month of history
        return no_update, no_update, no_update
    actor = require(READ_STATISTICS)
    try:
        return statistics_figures(clamp_view(parse_view(search)[0], actor, see_people=False)[0], actor)
    except DataUnavailable:
        return empty_figure(), empty_figure(), empty_figure()


def statistics_figures(view: View, actor: Actor) -> tuple[dict, dict, dict]:
    area = Scope(view.area)
    shown = Scope(view.street) if view.street else DISTRICT
    with reading(actor) as conn:
        name = areas.area_name(conn, area)
        shown_name = areas.area_name(conn, shown)  # the area whose communities are ranked
        communities = aggregates.community_map_rows(conn, shown)
        streets = aggregates.street_totals(conn, DISTRICT) if not view.street else []
        trend = aggregates.colour_trend(conn, area, today())
    basis = t(f"basis.{view.basis}")
    ranked = [_ratios(r, view.basis) for r in communities]
    title = t("chart.ranking", area=shown_name, basis=basis)
    if streets:  # the district: its streets ranked the same way
        third = ranking_chart([_ratios(r, view.basis) for r in streets], t("chart.ranking_streets", basis=basis))
    else:  # a street: its communities side by side
        compared = [{"name": r["name"], "red": metric_value(r, "red", view.basis),
                     "yellow": metric_value(r, "yellow", view.basis)} for r in communities]
        third = compare_chart(compared, t("chart.compare", area=shown_name))
    return ranking_chart(ranked, title), trend_chart(trend, t("chart.trend", area=name)), third


def _ratios(row: dict, basis: str) -> dict:
    return {"name": row["name"], "red_ratio": metric_value(row, "red_ratio", basis),
            "yellow_ratio": metric_value(row, "yellow_ratio", basis)}
