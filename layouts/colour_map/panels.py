"""Pieces of the map page built from the current view: breadcrumb, choices, legend, side lists, enterprise."""

from __future__ import annotations

from dataclasses import replace

from dash import dcc, html

from i18n import t
from layouts import formatting
from layouts.colour_map import ids
from layouts.formatting import beijing_time
from layouts.map_figure import STATUS_COLOURS
from layouts.metrics import BASES, METRICS, NO_DATA, Classes, class_labels, legend_title
from layouts.view import View, view_search


def link(view: View, label: str, current: bool = False, className: str = "") -> dcc.Link:
    classes = " ".join(c for c in (className, "current" if current else "") if c)
    return dcc.Link(label, href="/" + view_search(view), className=classes)


def breadcrumb(view: View, names: dict[str, str]) -> list:
    """拱墅区 › 拱宸桥街道 › 台州路社区 › 企业: every step but the last links back up."""
    steps = [("district", t("crumb.district"), view.up_to("district"))]
    if view.street:
        steps.append(("street", names.get(view.street, view.street), view.up_to("street")))
    if view.community:
        steps.append(("community", names.get(view.community, view.community), view.up_to("community")))
    if view.enterprise:
        steps.append(("enterprise", names.get(view.enterprise, view.enterprise), view))
    items: list = []
    for i, (level, label, target) in enumerate(steps):
        if i:
            items.append(html.Span("›", className="crumb-sep"))
        last = i == len(steps) - 1
        items.append(html.Span(label, className="crumb current", **{"data-level": level}) if last
                     else link(target, label, className="crumb"))
    return items


def choices(view: View) -> list:
    """Metric and basis as links (the URL is the state), and the enterprise point layer's switch."""
    metrics = [link(replace(view, metric=m), t(f"metric.{m}"), m == view.metric)
               for m in METRICS]
    bases = [link(replace(view, basis=b), t(f"basis.{b}"), b == view.basis)
             for b in BASES]
    children = [html.Span(t("map.metric"), className="control-label"), html.Span(metrics, className="segmented")]
    if METRICS[view.metric].by_basis:
        children += [html.Span(t("basis.label"), className="control-label"),
                     html.Span(bases, className="segmented")]
    if view.level in ("district", "street"):
        label = t("map.points.hide") if view.points else t("map.points.show")
        children.append(link(replace(view, points=not view.points), label, className="toggle"))
    return children


def legend(classes: Classes, metric: str, has_missing: bool) -> list:
    """The metric with its unit, then every class (the same at every level), then no data if any is shown."""
    items = [html.Div(legend_title(metric), className="legend-title")]
    entries = list(zip(classes.colours, class_labels(classes), strict=True))
    if has_missing:
        entries.append((NO_DATA, t("legend.no_data")))
    items += [html.Div([html.Span(className="swatch", style={"background": colour}), label],
                       className="legend-item") for colour, label in entries]
    return items


def ranking(rows: list[dict], values: dict[str, float | None], view: View, title: str, level: str) -> list:
    """The areas of the view ranked by the metric, each a link one level down."""
    fmt = formatting.percent if METRICS[view.metric].ratio else formatting.count
    ordered = sorted(rows, key=lambda r: (values.get(r["code"]) is None, -(values.get(r["code"]) or 0), r["code"]))
    items = []
    for rank, row in enumerate(ordered, start=1):
        target = (replace(view.up_to("district"), street=row["code"]) if level == "street"
                  else replace(view.up_to("street"), street=row["code"][:9] + "000", community=row["code"]))
        items.append(html.Li([
            html.Span(f"{rank}", className="rank"),
            link(target, row["name"], className="area-name"),
            html.Span(fmt(values.get(row["code"])), className="rank-value"),
        ]))
    return [html.Div(title, className="side-title"), html.Ol(items, className="ranking")]


def enterprise_panel(detail: dict, staff: list[dict] | None, view: View, can_reveal: bool = False) -> list:
    """The enterprise's facts and counts; its non-green staff (masked) unless staff is None (not allowed)."""
    counts = {c: detail[f"employees_{c}"] for c in ("green", "yellow", "red", "none")}
    rows = [html.Tr([html.Td(s["name"]), html.Td(s["id_number"]), html.Td(s["phone"] or "—"),
                     html.Td(t(f"colour.{s['colour']}"), className=f"colour-{s['colour']}"),
                     html.Td(beijing_time(s["changed_at"]) if s["changed_at"] else "—"),
                     *([html.Td(html.Button(t("reveal.button"), id=ids.reveal(i), className="reveal"))]
                       if can_reveal else [])])
            for i, s in enumerate(staff or [])]
    header = html.Tr([html.Th(t(k)) for k in
                      ("staff.name", "staff.id_number", "staff.phone", "staff.colour", "staff.changed_at")]
                     + ([html.Th("")] if can_reveal else []))
    status = detail["status"]
    return [
        html.Div(t("enterprise.title"), className="side-title"),
        html.H2(detail["name"], className="enterprise-name"),
        html.Div(t(f"status.{status}"), className="status-badge",
                 style={"background": STATUS_COLOURS[status]}, **{"data-status": status}),
        html.Dl([
            html.Dt(t("enterprise.credit_code")), html.Dd(detail["credit_code"]),
            html.Dt(t("enterprise.community")), html.Dd(f"{detail['street_name']} {detail['community_name']}"),
            html.Dt(t("enterprise.industry")), html.Dd(detail["industry"]),
            html.Dt(t("enterprise.address")), html.Dd(detail["address"] or "—"),
        ], className="facts"),
        html.P(t("enterprise.staff", total=f"{detail['employees_total']:,}",
                 **{k: f"{v:,}" for k, v in counts.items()}),
               className="staff-counts", **{"data-counts": ",".join(str(counts[c]) for c in counts)}),
        *([] if staff is None else [
            html.Div(t("enterprise.non_green", count=len(staff)), className="side-subtitle"),
            html.Table([html.Thead(header), html.Tbody(rows)], className="staff-table") if staff
            else html.P(t("enterprise.all_green")),
            html.Div(id=ids.REVEALED, className="revealed", role="status"),
        ]),
        link(view.up_to("community"), t("enterprise.back"), className="back-link"),
    ]
