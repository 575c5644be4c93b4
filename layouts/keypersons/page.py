"""The key-persons page (精密智控): batches, the community's tasks, the district's queue to place by hand,
oversight per community, and the chain of a case. The layout takes no data; the builders draw what the
callbacks bring (rows for the grids, a network figure)."""

from __future__ import annotations

import math

import plotly.graph_objects as go
from dash import dcc, html

from domain.keypersons import BATCH_KINDS, MEASURES, status_colour
from i18n import t
from layouts.formatting import beijing_time
from layouts.grid import fit_to_width, picking_grid, simple_grid, wrapping_headers
from layouts.keypersons import ids

BATCH_COLUMNS = [("id", "keypersons.col.id", 70), ("kind_name", "keypersons.col.kind", 110),
                 ("source", "keypersons.col.source", 120), ("received", "keypersons.col.received_at", 150),
                 ("deadline_at", "keypersons.col.deadline", 150), ("records", "keypersons.col.records", 80),
                 ("matched_minutes", "keypersons.col.matched", 120), ("placed", "keypersons.col.placed", 80),
                 ("placed_minutes", "keypersons.col.placed_min", 120), ("dispatched", "keypersons.col.dispatched", 80),
                 ("contacted", "keypersons.col.contacted", 100),
                 ("contacted_minutes", "keypersons.col.contacted_min", 120),
                 ("coloured", "keypersons.col.coloured", 80)]
TASK_COLUMNS = [("id", "keypersons.col.id", 70), ("name", "keypersons.col.name", 110),
                ("identity", "keypersons.col.identity", 170), ("phone", "keypersons.col.phone", 120),
                ("community", "keypersons.col.community", 120), ("kind_name", "keypersons.col.kind", 90),
                ("contact_due_at", "keypersons.col.contact_due", 140),
                ("contacted", "keypersons.col.contacted_at", 140),
                ("measure_name", "keypersons.col.measure", 130), ("hotel", "keypersons.col.hotel", 140),
                ("start", "keypersons.col.start", 100), ("colour_name", "keypersons.col.status", 80)]
UNPLACED_COLUMNS = [("id", "keypersons.col.id", 70), ("name", "keypersons.col.name", 110),
                    ("identity", "keypersons.col.identity", 170), ("address", "keypersons.col.address", 300),
                    ("how_name", "keypersons.col.how", 120), ("kind_name", "keypersons.col.kind", 90)]
COMMUNITY_COLUMNS = [("street", "keypersons.col.street", 110), ("name", "keypersons.col.community", 120),
                     ("under_measure", "keypersons.col.under_measure", 90), ("orange", "keypersons.col.orange", 130),
                     ("home", "keypersons.col.home", 90), ("monitoring", "keypersons.col.monitoring", 90),
                     ("releases_due", "keypersons.col.releases_due", 110),
                     ("contact_overdue", "keypersons.col.contact_overdue", 120)]


HIDDEN = {"display": "none"}
SELECT_STYLE = {"minWidth": "180px"}  # wide enough to read the chosen kind or measure


def _grid(grid_id: str, columns) -> object:
    return wrapping_headers(simple_grid(grid_id, columns))


def _picking(grid_id: str, columns) -> object:
    return wrapping_headers(picking_grid(grid_id, columns))


def batches_tab() -> html.Div:
    return html.Div(className="page", children=[
        html.Div(id=ids.UPLOAD_BAR, className="exports", style=HIDDEN, children=[
            dcc.Dropdown(id=ids.BATCH_KIND, value="inbound", clearable=False, className="kp-select",
                         style=SELECT_STYLE,
                         options=[{"label": t(f"keypersons.kind.{k}"), "value": k} for k in BATCH_KINDS]),
            dcc.Input(id=ids.SENDER, value="区卫健局", maxLength=60, placeholder=t("keypersons.sender")),
            dcc.Checklist(id=ids.SKIP_BAD, options=[{"label": t("keypersons.skip_bad_rows"), "value": "skip"}]),
            dcc.Upload(id=ids.UPLOAD, children=html.A(t("keypersons.upload")), className="appeal-upload",
                       max_size=20 * 1024 * 1024),
        ]),
        html.Div(id=ids.UPLOAD_MESSAGE, className="message", role="status"),
        # the health bureau's file: the batch chosen in the grid, or today's batches (shown to exporters)
        html.Div(id=ids.EXPORT_BAR, className="exports", style=HIDDEN, children=[
            html.A(t("keypersons.export.choose"), id=ids.EXPORT_BATCH, className="export"),
            html.A(t("keypersons.export.today"), id=ids.EXPORT_DAY, className="export"),
            html.Span(id=ids.EXPORT_NOTE, className="note", role="status")]),
        fit_to_width(_picking(ids.BATCH_GRID, BATCH_COLUMNS),
                     fixed=frozenset({"kind_name", "received", "deadline_at"})),
    ])


def tasks_tab() -> html.Div:
    return html.Div(className="page", children=[
        html.Div(className="exports", children=[
            html.Button(t("keypersons.refresh"), id=ids.TASK_REFRESH, className="export")]),
        _picking(ids.TASK_GRID, TASK_COLUMNS),
        html.Div(id=ids.TASK_MESSAGE, className="message", role="alert"),
        html.Div(id=ids.TASK_ACTIONS, style=HIDDEN, children=task_actions()),
    ])


def task_actions() -> list:
    """A community's steps on the chosen task: shown to those who may take them."""
    return [
        html.Div(className="exports", children=[
            dcc.Input(id=ids.CONTACT_NOTE, placeholder=t("keypersons.contact_note"), maxLength=200),
            html.Button(t("keypersons.contact"), id=ids.CONTACT, className="export")]),
        html.Div(className="exports", children=[
            dcc.Dropdown(id=ids.MEASURE, className="kp-select", style=SELECT_STYLE,
                         options=[{"label": t(f"keypersons.measure.{m}"), "value": m} for m in MEASURES]),
            dcc.Input(id=ids.HOTEL, placeholder=t("keypersons.col.hotel"), maxLength=100),
            html.Button(t("keypersons.set_measure"), id=ids.SET_MEASURE, className="export")]),
        html.Div(className="exports", children=[
            dcc.Input(id=ids.TEMPERATURE, type="number", min=34, max=43, step=0.1,
                      placeholder=t("keypersons.temperature")),
            dcc.Checklist(id=ids.SYMPTOMS, options=[{"label": t("keypersons.symptoms"), "value": "yes"}]),
            dcc.Dropdown(id=ids.TEST_RESULT, className="kp-select", style=SELECT_STYLE,
                         placeholder=t("keypersons.test_result"),
                         options=[{"label": t(f"keypersons.test.{r}"), "value": r}
                                  for r in ("negative", "pending", "positive")]),
            html.Button(t("keypersons.followup"), id=ids.FOLLOW_UP, className="export"),
            html.Button(t("keypersons.release"), id=ids.RELEASE, className="export cleared")]),
    ]


def unplaced_tab() -> html.Div:
    return html.Div(className="page", children=[
        _picking(ids.UNPLACED_GRID, UNPLACED_COLUMNS),
        html.Div(className="exports", children=[
            dcc.Dropdown(id=ids.PLACE_COMMUNITY, className="kp-select", style={"minWidth": "240px"},
                         placeholder=t("keypersons.col.community")),
            html.Button(t("keypersons.place"), id=ids.PLACE, className="export")]),
        html.Div(id=ids.PLACE_MESSAGE, className="message", role="alert"),
    ])


def oversight_tab() -> html.Div:
    return html.Div(className="page", children=[_grid(ids.COMMUNITY_GRID, COMMUNITY_COLUMNS)])


OVERDUE_COMMUNITY_COLUMNS = [("street", "keypersons.col.street", 110), ("name", "keypersons.col.community", 120),
                             ("contact_overdue", "keypersons.col.contact_overdue", 120),
                             ("followup_tasks", "keypersons.col.followup_tasks", 120),
                             ("followup_days", "keypersons.col.followup_days", 120)]
OVERDUE_STREET_COLUMNS = OVERDUE_COMMUNITY_COLUMNS[:1] + OVERDUE_COMMUNITY_COLUMNS[2:]
OVERDUE_COLUMNS = [("id", "keypersons.col.id", 70), ("community", "keypersons.col.community", 120),
                   ("name", "keypersons.col.name", 110), ("what", "keypersons.col.overdue", 200),
                   ("contact_due_at", "keypersons.col.contact_due", 140),
                   ("measure_name", "keypersons.col.measure", 130),
                   ("missed_days", "keypersons.col.missed_days", 100)]


def overdue_tab() -> html.Div:
    """Tasks past their deadline, by community, then each task: first contacts late, follow-ups missed."""
    return html.Div(className="page", children=[
        html.Div(className="exports", children=[
            html.Button(t("keypersons.refresh"), id=ids.OVERDUE_REFRESH, className="export"),
            html.A(t("keypersons.overdue.export"), id=ids.OVERDUE_EXPORT, className="export", style=HIDDEN)]),
        html.Div(t("keypersons.overdue.by_street"), className="side-title"),
        _grid(ids.OVERDUE_STREET_GRID, OVERDUE_STREET_COLUMNS),
        html.Div(t("keypersons.overdue.by_community"), className="side-title"),
        _grid(ids.OVERDUE_COMMUNITY_GRID, OVERDUE_COMMUNITY_COLUMNS),
        html.Div(t("keypersons.overdue.tasks"), className="side-title"),
        _grid(ids.OVERDUE_GRID, OVERDUE_COLUMNS),
    ])


# The file of the overdue tasks: the task list's columns, widths in characters.
OVERDUE_EXPORT_COLUMNS = [("id", "keypersons.col.id", 8), ("community", "keypersons.col.community", 16),
                          ("name", "keypersons.col.name", 12), ("what", "keypersons.col.overdue", 28),
                          ("contact_due_at", "keypersons.col.contact_due", 18),
                          ("measure_name", "keypersons.col.measure", 16),
                          ("missed_days", "keypersons.col.missed_days", 12)]


def overdue_rows(rows: list[dict]) -> list[dict]:
    def what(r: dict) -> str:
        parts = [t("keypersons.overdue.contact")] if r["contact_overdue"] else []
        if r["missed_days"]:
            parts.append(t("keypersons.overdue.followup", days=r["missed_days"]))
        return "；".join(parts)

    return [{"id": r["id"], "community": r["community"], "name": r["name"], "what": what(r),
             "contact_due_at": _when(r["contact_due"]) if r["contact_overdue"] else "",
             "measure_name": t(f"keypersons.measure.{r['measure'] or 'none'}"), "missed_days": r["missed_days"]}
            for r in rows]


def chains_tab() -> html.Div:
    return html.Div(className="page", children=[
        dcc.Dropdown(id=ids.CASE, className="kp-select", placeholder=t("keypersons.chain.choose")),
        dcc.Graph(id=ids.CHAIN, figure=chain_figure([], [], ""), config={"displayModeBar": False}),
    ])


OPENING_TAB = "tasks"  # the tab the page opens on, before visible_parts names the user's first


def keypersons_page() -> html.Div:
    return html.Div(className="page", children=[
        # Tabs a user may not use stay hidden (the callbacks refuse them anyway); shown by visible_parts.
        dcc.Tabs(id=ids.TABS, value=OPENING_TAB, children=[
            dcc.Tab(id=ids.TAB_BATCHES, label=t("keypersons.tab.batches"), value="batches", children=batches_tab(),
                    style=HIDDEN),
            dcc.Tab(label=t("keypersons.tab.tasks"), value="tasks", children=tasks_tab()),
            dcc.Tab(id=ids.TAB_UNPLACED, label=t("keypersons.tab.unplaced"), value="unplaced",
                    children=unplaced_tab(), style=HIDDEN),
            dcc.Tab(id=ids.TAB_OVERSIGHT, label=t("keypersons.tab.oversight"), value="oversight",
                    children=oversight_tab(), style=HIDDEN),
            dcc.Tab(label=t("keypersons.tab.chains"), value="chains", children=chains_tab()),
            dcc.Tab(label=t("keypersons.tab.overdue"), value="overdue", children=overdue_tab()),
        ]),
    ])


def visible_parts(receive: bool, oversee: bool, place: bool, handle: bool) -> tuple:
    """What a user sees of the page, by what they may do: the batches tab (its upload for receivers), the
    district queue, oversight, the task steps; and the tab to open on (a community worker's: their tasks)."""
    shown = {"batches": receive or oversee, "unplaced": place, "oversight": oversee}
    styles = [None if shown[tab] else HIDDEN for tab in ("batches", "unplaced", "oversight")]
    first = "batches" if shown["batches"] else "tasks"
    return (*styles, None if receive else HIDDEN, None if handle else HIDDEN, first)


def _when(value) -> str:
    """A time as read in Beijing, with its year (the batches of a year run into the next)."""
    return beijing_time(value) if value else ""


def _minutes(value) -> str | None:
    return None if value is None else f"{value:.1f}"


def batch_rows(rows: list[dict]) -> list[dict]:
    return [{**r, "kind_name": t(f"keypersons.kind.{r['kind']}"), "received": _when(r["received_at"]),
             "deadline_at": _when(r["deadline"]), "received_at": None, "deadline": None, "matched_at": None,
             "placed_at": None, "dispatched_at": None, "contacted_at": None,
             **{f"{s}_minutes": _minutes(r[f"{s}_minutes"]) for s in ("matched", "placed", "contacted")},
             "dispatched_minutes": None} for r in rows]


def task_rows(rows: list[dict]) -> list[dict]:
    return [{"id": r["id"], "name": r["name"], "identity": r["id_number"] or r["passport"], "phone": r["phone"],
             "community": r["community"], "kind_name": t(f"keypersons.kind.{r['batch_kind']}"),
             "contact_due_at": _when(r["contact_due"]), "contacted": _when(r["contacted_at"]),
             "measure_name": t(f"keypersons.measure.{r['measure'] or 'none'}"), "hotel": r["hotel"],
             "start": str(r["measure_start"] or ""),
             "colour_name": t(f"keypersons.colour.{r['status_colour']}") if r["status_colour"] else ""}
            for r in rows]


def unplaced_rows(rows: list[dict]) -> list[dict]:
    return [{"id": r["id"], "name": r["name"], "identity": r["id_number"] or r["passport"], "address": r["address"],
             "how_name": t(f"keypersons.how.{r['place_how'] or 'none'}"),
             "kind_name": t(f"keypersons.kind.{r['batch_kind']}")} for r in rows]


def chain_figure(nodes: list[dict], edges: list[tuple[int, int]], title: str) -> go.Figure:
    """A small network: the case in the middle, each level of contacts on a ring around it."""
    level = {n["id"]: 0 for n in nodes[:1]}
    for _ in range(4):
        for a, b in edges:
            if a in level and b not in level:
                level[b] = level[a] + 1
    rings: dict[int, list[int]] = {}
    for node, ring in level.items():
        rings.setdefault(ring, []).append(node)
    where = {}
    for ring, members in rings.items():
        for i, node in enumerate(members):
            angle = 2 * math.pi * i / max(len(members), 1)
            where[node] = (ring * math.cos(angle), ring * math.sin(angle))
    figure = go.Figure()
    for a, b in edges:
        if a in where and b in where:
            figure.add_trace(go.Scatter(x=[where[a][0], where[b][0]], y=[where[a][1], where[b][1]], mode="lines",
                                        line={"color": "#999", "width": 1}, hoverinfo="skip", showlegend=False))
    shown = [n for n in nodes if n["id"] in where]
    figure.add_trace(go.Scatter(
        x=[where[n["id"]][0] for n in shown], y=[where[n["id"]][1] for n in shown], mode="markers+text",
        text=[n["name"] for n in shown], textposition="top center", showlegend=False, hoverinfo="text",
        marker={"size": 16, "color": ["#c62828" if n["is_case"] else "#f9a825" for n in shown]}))
    figure.update_layout(title=title, height=480, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
                         plot_bgcolor="white")
    return figure


# The health bureau's file of a batch (or a day's batches): one row per record as received, with its place,
# first contact, measure and colours. Codes (the community's division code) stay text.
EXPORT_COLUMNS = [("batch_id", "keypersons.col.batch", 8, False), ("row_no", "keypersons.col.row_no", 8, False),
                  ("kind_name", "keypersons.col.kind", 10, False), ("name", "keypersons.col.name", 14, False),
                  ("identity", "keypersons.col.identity", 22, False), ("travel_no", "keypersons.col.travel", 10, False),
                  ("street", "keypersons.col.street", 14, False), ("community", "keypersons.col.community", 14, False),
                  ("community_code", "keypersons.col.community_code", 15, True),
                  ("how_name", "keypersons.col.how", 14, False), ("placed", "keypersons.col.placed_at", 18, False),
                  ("dispatched", "keypersons.col.dispatched_at", 18, False),
                  ("due", "keypersons.col.contact_due", 18, False),
                  ("contacted", "keypersons.col.contacted_at", 18, False),
                  ("measure_name", "keypersons.col.measure", 16, False), ("hotel", "keypersons.col.hotel", 20, False),
                  ("start", "keypersons.col.start", 12, False), ("released", "keypersons.col.released_at", 18, False),
                  ("colour_name", "keypersons.col.status", 10, False),
                  ("register_name", "keypersons.col.register_colour", 12, False)]


def _moment(value) -> str:
    return beijing_time(value) if value else ""


def export_rows(rows: list[dict]) -> list[dict]:
    """The records as the file's cells: words for kinds, measures and colours, Beijing times."""
    return [{"batch_id": r["batch_id"], "row_no": r["row_no"], "kind_name": t(f"keypersons.kind.{r['batch_kind']}"),
             "name": r["name"], "identity": r["id_number"] or r["passport"] or "", "travel_no": r["travel_no"] or "",
             "street": r["street"] or "", "community": r["community"] or t("keypersons.unplaced"),
             "community_code": r["community_code"] or "",
             "how_name": t(f"keypersons.how.{r['place_how'] or 'none'}"), "placed": _moment(r["placed_at"]),
             "dispatched": _moment(r["dispatched_at"]), "due": _moment(r["contact_due"]),
             "contacted": _moment(r["contacted_at"]),
             "measure_name": t(f"keypersons.measure.{r['measure'] or 'none'}") if r["task_id"] else "",
             "hotel": r["hotel"] or "", "start": str(r["measure_start"] or ""), "released": _moment(r["released_at"]),
             "colour_name": (t(f"keypersons.colour.{c}") if (c := status_colour(r["measure"], r["released_at"]
                                                                                   is not None)) else ""),
             "register_name": t(f"colour.{r['register_colour'] or 'none'}")} for r in rows]
