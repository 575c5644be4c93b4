"""Builders of what the proxy page shows: grid rows, figure tiles, the coverage map and its legend (the
three-colour map's machinery: layouts.map_figure with fixed classes), the daily curve, the printed list."""

from __future__ import annotations

from html import escape

from dash import html

from domain.proxy import COVERAGE_BREAKS
from i18n import t
from layouts.charts import FONT
from layouts.formatting import beijing_time, count, percent
from layouts.map_figure import community_map
from layouts.metrics import GREENS, NO_DATA, Classes, class_labels

# The classes rise with the rate: below 95% in reds (the lagging communities), then greens to dark green (99%+).
COVERAGE_CLASSES = Classes(COVERAGE_BREAKS, ["#f76e54", "#fcae94", *GREENS[1:4]])


def _when(value) -> str:
    return beijing_time(value) if value else "-"


def _outcome(value: str | None) -> str:
    return t(f"proxy.outcome.{value}") if value else t("proxy.outcome.none")


def person_rows(rows: list[dict]) -> list[dict]:
    return [{**r, "outcome_name": _outcome(r["outcome"]), "last_contact": _when(r["last_contact_at"]),
             "overdue_name": t("proxy.overdue") if r["overdue"] else "",
             "source_name": t("proxy.source." + ("both" if r["on_city_list"] and r["on_register"]
                                                  else "city" if r["on_city_list"] else "register")),
             "agent_name": r["agent_name"] or t("proxy.unassigned"),
             "last_contact_at": None, "applied_at": None, "card_bound_at": None} for r in rows]


def area_rows(rows: list[dict]) -> list[dict]:
    return [{**r, "rate_shown": percent(r["rate"])} for r in rows]


def _tile(label: str, value: str, warn: bool = False) -> html.Div:
    return html.Div(className="kpi kpi-red" if warn else "kpi", children=[
        html.Div(label, className="kpi-label"), html.Div(value, className="kpi-value")])


def list_kpis(totals: dict) -> list:
    """The reconciliation: where the listed came from, and what became of them."""
    return [_tile(t("proxy.kpi.listed"), count(totals["listed"])),
            _tile(t("proxy.kpi.both"), count(totals["both_lists"])),
            _tile(t("proxy.kpi.city_only"), count(totals["city_only"])),
            _tile(t("proxy.kpi.register_only"), count(totals["register_only"])),
            _tile(t("proxy.kpi.needing"), count(totals["needing"])),
            _tile(t("proxy.kpi.applied"), count(totals["applied"]))]


def coverage_kpis(totals: dict) -> list:
    return [_tile(t("proxy.kpi.needing"), count(totals["needing"])),
            _tile(t("proxy.kpi.applied"), count(totals["applied"])),
            _tile(t("proxy.kpi.rate"), percent(totals["rate"])),
            _tile(t("proxy.kpi.cards"), count(totals["cards"])),
            _tile(t("proxy.kpi.overdue"), count(totals["overdue"]), warn=bool(totals["overdue"]))]


MAP_SIZE = (1400, 560)  # the coverage tab's graph as drawn; the browser fits it to its real box


def coverage_map(shapes: list[dict], streets: list[dict], coverage: list[dict]) -> dict:
    """The three-colour map's figure, coloured by application rate; its hover says the coverage."""
    rates = {r["code"]: r["rate"] for r in coverage}
    figure = community_map(shapes, streets, rates, COVERAGE_CLASSES, list(rates), size=MAP_SIZE)
    by_code = {r["code"]: r for r in coverage}
    for trace in figure["data"]:
        if trace.get("type") == "choroplethmap":
            trace["customdata"] = [[by_code[c]["name"], by_code[c]["street"], by_code[c]["needing"],
                                    by_code[c]["applied"], percent(by_code[c]["rate"]), by_code[c]["overdue"], c]
                                   for c in trace["locations"]]
            trace["hovertemplate"] = ("<b>%{customdata[0]}</b>　%{customdata[1]}<br>"
                                      + t("proxy.hover", needing="%{customdata[2]:,}", applied="%{customdata[3]:,}",
                                          rate="%{customdata[4]}", overdue="%{customdata[5]:,}")
                                      + "<extra></extra>")
    return figure


def coverage_legend(any_empty: bool) -> list:
    labels = class_labels(COVERAGE_CLASSES)
    items = [html.Div(className="legend-item", children=[
        html.Span(className="swatch", style={"background": colour}), html.Span(label)])
        for colour, label in zip(COVERAGE_CLASSES.colours, labels, strict=True)]
    if any_empty:
        items.append(html.Div(className="legend-item", children=[
            html.Span(className="swatch", style={"background": NO_DATA}), html.Span(t("legend.no_data"))]))
    return [html.Div(t("proxy.legend"), className="legend-title"), *items]


def progress_chart(days: list[dict], needing: int) -> dict:
    """Applications per day and in all, against the number needing one today."""
    x = [d["day"].isoformat() for d in days]
    data = [{"type": "bar", "x": x, "y": [d["applied"] for d in days], "name": t("proxy.chart.daily"),
             "marker": {"color": "#9ccc8f"}},
            {"type": "scatter", "mode": "lines+markers", "x": x, "y": [int(d["total"]) for d in days],
             "name": t("proxy.chart.total"), "line": {"color": "#1b6a25", "width": 3}},
            {"type": "scatter", "mode": "lines", "x": x, "y": [needing] * len(x), "name": t("proxy.chart.needing"),
             "line": {"color": "#c62828", "dash": "dash"}}]
    layout = {"title": {"text": t("proxy.chart.title"), "x": 0.01, "font": {"size": 16}}, "height": 360,
              "font": {"family": FONT, "size": 13}, "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
              "legend": {"orientation": "h", "y": 1.08, "x": 1, "xanchor": "right"},
              "xaxis": {"tickformat": "%m-%d", "automargin": True}, "yaxis": {"automargin": True}}
    return {"data": data, "layout": layout}


PRINT_STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; margin: 16px; }
h1 { font-size: 20px; margin: 0 0 4px; } .note { color: #555; margin: 0 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border: 1px solid #444; padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f4; } td:last-child { width: 22%; }
thead { display: table-header-group; } tr { page-break-inside: avoid; }
@page { size: A4 landscape; margin: 12mm; }
@media print { .no-print { display: none; } body { margin: 0; } }
"""


def printable(agent: dict, area: str, rows: list[dict], printed_at) -> str:
    """The door-to-door list as a page to print (A4, a table repeated header, names and masked phones)."""
    head = "".join(f"<th>{escape(t(k))}</th>" for k in ("proxy.print.no", "proxy.col.name", "proxy.col.phone",
                                                         "proxy.col.address", "proxy.col.outcome",
                                                         "proxy.print.result"))
    body = "".join(
        f"<tr><td>{n}</td><td>{escape(r['name'])}</td><td>{escape(r['phone'] or t('proxy.print.no_phone'))}</td>"
        f"<td>{escape(r['address'] or '')}</td><td>{escape(_outcome(r['outcome']))}</td><td></td></tr>"
        for n, r in enumerate(rows, 1))
    title = t("proxy.print.title", agent=agent["display_name"], area=area)
    note = t("proxy.print.note", count=len(rows), time=beijing_time(printed_at))
    return (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{PRINT_STYLE}</style></head><body>"
            f"<h1>{escape(title)}</h1><p class='note'>{escape(note)}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p class='no-print'><button onclick='window.print()'>{escape(t('proxy.print.button'))}</button></p>"
            "</body></html>")
