"""Pieces of the map page built from the current view: breadcrumb, choices, legend, side lists, enterprise."""

from __future__ import annotations

from dataclasses import replace

from dash import dcc, html

from i18n import t
from layouts import formatting
from layouts.colour_map import ids
from layouts.formatting import beijing_time
from layouts.map_figure import STATUS_COLOURS
from layouts.metrics import BASES, MAIN_METRICS, METRICS, NO_DATA, ORANGE, Classes, class_labels, legend_title
from layouts.view import View, view_search


def link(view: View, label: str, current: bool = False, className: str = "") -> dcc.Link:
    classes = " ".join(c for c in (className, "current" if current else "") if c)
    return dcc.Link(label, href="/" + view_search(view), className=classes)


def row_link(view: View, label: str, value: str, **attributes) -> html.A:
    """One row of a side list as one component: a link (opened in the page by assets/spa_links.js, as
    dcc.Link would) whose value (and rank, dot) CSS draws from its attributes. Each component a view mounts
    costs Dash's renderer a pass over every component of the page, so a list of 200 rows of four components
    took seconds in the browser."""
    return html.A(label, href="/" + view_search(view), className="area-name",
                  **{"data-spa": "1", "data-value": value}, **attributes)


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
    family = METRICS[view.metric].part_of or view.metric
    metrics = [link(replace(view, metric=m), t(f"metric.{m}"), m == family) for m in MAIN_METRICS]
    children = [html.Span(t("map.metric"), className="control-label"), html.Span(metrics, className="segmented")]
    if METRICS[view.metric].by_basis:
        bases = [link(replace(view, basis=b), t(f"basis.{b}"), b == view.basis) for b in BASES]
        children += [html.Span(t("basis.label"), className="control-label"),
                     html.Span(bases, className="segmented")]
    if family == "managed":  # the managed persons of one kind
        kinds = [link(replace(view, metric=m), t("map.kind.all") if m == family else t(f"metric.{m}"),
                      m == view.metric) for m in METRICS if m == family or METRICS[m].part_of == family]
        children += [html.Span(t("map.kind"), className="control-label"),
                     html.Span(kinds, className="segmented", **{"data-choice": "kind"})]
    if view.level in ("district", "street"):
        label = t("map.points.hide") if view.points else t("map.points.show")
        children.append(link(replace(view, points=not view.points), label, className="toggle"))
    return children


def legend(classes: Classes, metric: str, has_missing: bool, points: bool = False) -> list:
    """The metric with its unit, then every class (the same at every level), then no data if any is shown;
    with enterprise points on the map, their status colours too. Under a red metric, a note that the persons
    in centralised quarantine (orange, 橙码), which the register counts as red, are in it (their number is
    the orange tile's)."""
    items = [html.Div(legend_title(metric), className="legend-title")]
    entries = list(zip(classes.colours, class_labels(classes), strict=True))
    if has_missing:
        entries.append((NO_DATA, t("legend.no_data")))
    items += [html.Div([html.Span(className="swatch", style={"background": colour}), label],
                       className="legend-item") for colour, label in entries]
    if metric in ("red", "red_ratio"):
        items.append(html.Div([html.Span(className="swatch", style={"background": ORANGE}), t("legend.orange_in_red")],
                              className="legend-note", **{"data-note": "orange"}))
    if points:
        items += [html.Div(t("legend.points"), className="legend-title legend-points")]
        items += [html.Div([html.Span(className="dot", style={"background": colour}), t(f"status.{status}")],
                           className="legend-item", **{"data-status": status})
                  for status, colour in STATUS_COLOURS.items()]
    return items


def managed_kinds(totals: dict, view: View) -> html.Div:
    """The area's managed persons by kind, each kind a link to the map coloured by it."""
    kinds = [m for m in METRICS if METRICS[m].part_of == "managed"]
    return html.Div(className="managed-kinds", children=[
        html.Div(t("side.managed", total=formatting.count(totals["managed_total"])), className="side-subtitle"),
        html.Ul([html.Li([link(replace(view, metric=m), t(f"metric.{m}"), m == view.metric),
                          html.Span(formatting.count(totals[m]), className="kind-count")],
                         className="kind-orange" if m == "managed_centralised_isolation" else None,
                         **{"data-kind": m.removeprefix("managed_")}) for m in kinds]),
        html.P(t("side.managed_source"), className="side-note"),
    ])


def enterprise_list(rows: list[dict], total: int, view: View, area: str) -> list:
    """The community's enterprises, warned first, each a link that opens it on the map."""
    items = [row_link(replace(view, enterprise=r["credit_code"]), r["name"], t(f"status.{r['status']}"),
                      style={"--dot": STATUS_COLOURS[r["status"]]},
                      **{"data-code": r["credit_code"], "data-status": r["status"]}) for r in rows]
    notes = ([html.P(t("side.enterprises_more", shown=len(rows)), className="side-note")] if total > len(rows)
             else [html.P(t("side.enterprises_none"), className="side-note")] if not rows else [])
    return [html.Div(t("side.enterprises", area=area, count=f"{total:,}"), className="side-title"),
            html.Div(items, className="ranking enterprise-list"), *notes]


def ranking(rows: list[dict], values: dict[str, float | None], view: View, title: str, level: str) -> list:
    """The areas of the view ranked by the metric, each a link one level down."""
    fmt = formatting.percent if METRICS[view.metric].ratio else formatting.count
    ordered = sorted(rows, key=lambda r: (values.get(r["code"]) is None, -(values.get(r["code"]) or 0), r["code"]))
    items = []
    for rank, row in enumerate(ordered, start=1):
        target = (replace(view.up_to("district"), street=row["code"]) if level == "street"
                  else replace(view.up_to("street"), street=row["code"][:9] + "000", community=row["code"]))
        items.append(row_link(target, row["name"], fmt(values.get(row["code"])), **{"data-rank": str(rank)}))
    return [html.Div(title, className="side-title"), html.Div(items, className="ranking")]


def enterprise_panel(detail: dict, staff: list[dict] | None, view: View, can_reveal: bool = False) -> list:
    """The enterprise's facts and counts; its non-green staff (masked) unless staff is None (not allowed)."""
    counts = {c: detail[f"employees_{c}"] for c in ("green", "yellow", "red", "none")}
    rows = [html.Tr([html.Td([s["name"], *([html.Br(), html.Button(t("reveal.button"), id=ids.reveal(i),
                                                                     className="reveal")] if can_reveal else [])],
                             className="person"),
                     html.Td([html.Span(s["id_number"], className="id-number"), html.Br(),
                              html.Span(s["phone"] or "—", className="phone")], className="contact"),
                     html.Td(t(f"colour.{s['colour']}"), className=f"colour-{s['colour']}"),
                     html.Td(_two_lines(beijing_time(s["changed_at"])) if s["changed_at"] else "—",
                             className="changed-at")])
            for i, s in enumerate(staff or [])]
    header = html.Tr([html.Th(t("staff.name")), html.Th([t("staff.id_number"), html.Br(), t("staff.phone")]),
                      html.Th(t("staff.colour")), html.Th(t("staff.changed_at"))])
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


def _two_lines(when: str) -> list:
    """2026-11-26 14:03 as the date over the time: the column stays narrow enough for the side panel."""
    day, _, clock = when.partition(" ")
    return [day, html.Br(), clock]
