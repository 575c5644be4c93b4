"""KPI tiles: the area's totals in large type."""

from __future__ import annotations

from dash import html

from i18n import t
from layouts import formatting


def kpi_tiles(totals: dict) -> list[html.Div]:
    """Tiles for the totals of data_access.map_queries.area_totals."""
    people, firms = t("kpi.unit.people"), t("kpi.unit.enterprises")
    tiles = [
        ("kpi.residents", formatting.count(totals["residents_total"]), people, ""),
        ("kpi.residents_red", formatting.count(totals["residents_red"]), people, "red"),
        ("kpi.residents_yellow", formatting.count(totals["residents_yellow"]), people, "yellow"),
        ("kpi.red_ratio", formatting.percent(totals["residents_red_ratio"]), "", "red"),
        ("kpi.managed", formatting.count(totals["managed_total"]), people, ""),
        ("kpi.orange", formatting.count(totals["managed_centralised_isolation"]), people, "orange"),
        ("kpi.enterprises", formatting.count(totals["enterprises_total"]), firms, ""),
        ("kpi.enterprises_cleared", formatting.count(totals["enterprises_cleared"]), firms, "green"),
        ("kpi.enterprises_warned", formatting.count(totals["enterprises_warned"]), firms, "red"),
    ]
    return [_tile(key, value, unit, tone) for key, value, unit, tone in tiles]


def _tile(label_key: str, value: str, unit: str, tone: str) -> html.Div:
    return html.Div(
        className=f"kpi kpi-{tone}" if tone else "kpi",
        children=[
            html.Div(t(label_key), className="kpi-label"),
            html.Div([html.Span(value, className="kpi-value"), html.Span(unit, className="kpi-unit")]),
        ],
        **{"data-kpi": label_key.removeprefix("kpi.")},
    )
