"""Builders of the oversight tab's map of open requests per community (the three-colour map's machinery:
layouts.map_figure with fixed classes, domain.appeals.OPEN_BREAKS) and of the daily list of decisions."""

from __future__ import annotations

from dash import html

from domain.appeals import OPEN_BREAKS
from i18n import t
from layouts.formatting import beijing_time
from layouts.map_figure import community_map
from layouts.metrics import REDS, ZERO, Classes, class_labels

OPEN_CLASSES = Classes(OPEN_BREAKS, [ZERO, *REDS])  # none open: pale; then reds, darker with the backlog
MAP_SIZE = (1400, 560)  # as drawn; the browser fits the view to the graph's real box (layout.meta.fit)


def open_map(shapes: list[dict], streets: list[dict], counts: list[dict]) -> dict:
    """The three-colour map's figure, coloured by open requests; its hover names the community and count."""
    values = {r["code"]: r["open"] for r in counts}
    figure = community_map(shapes, streets, values, OPEN_CLASSES, list(values), size=MAP_SIZE)
    by_code = {r["code"]: r for r in counts}
    for trace in figure["data"]:
        if trace.get("type") == "choroplethmap":
            trace["customdata"] = [[by_code[c]["name"], by_code[c]["street"], by_code[c]["open"], c]
                                   for c in trace["locations"]]
            trace["hovertemplate"] = ("<b>%{customdata[0]}</b>　%{customdata[1]}<br>"
                                      + t("appeals.map.hover", open="%{customdata[2]:,}") + "<extra></extra>")
    return figure


def open_legend() -> list:
    items = [html.Div(className="legend-item", children=[
        html.Span(className="swatch", style={"background": colour}), html.Span(label)])
        for colour, label in zip(OPEN_CLASSES.colours, class_labels(OPEN_CLASSES), strict=True)]
    return [html.Div(t("appeals.map.legend"), className="legend-title"), *items]


def decision_rows(rows: list[dict]) -> list[dict]:
    """The day's decisions as the file's cells: colours and decisions in words, times in Beijing time."""
    return [{**r, "from_to": f"{t('colour.' + r['current_colour'])} → {t('colour.' + r['requested_colour'])}",
             "decision": t("appeals.decision." + ("convert" if r["status"] == "converted" else "reject")),
             "decided": beijing_time(r["decided_at"], seconds=True), "decided_by": r["decided_by"] or ""} for r in rows]
