"""The migrants page (新拱墅人一码通): the area's review queue (accept, correct, reject with a reason) and the
oversight tab (per community and street, the map of migrants and rental houses (layouts.migrants.maps), the
pilots' roll-out, the rental-house register's export). The layout takes no data; the builders draw what the
callbacks bring."""

from __future__ import annotations

from dash import dcc, html

from domain.migrants import CONFLICTS, DENSITY_WEIGHTS
from i18n import t
from layouts.charts import graph_config
from layouts.grid import fit_to_width, picking_grid, simple_grid, wrapping_headers
from layouts.migrants import ids

HIDDEN = {"display": "none"}
BUTTON = {"whiteSpace": "nowrap", "flex": "0 0 auto"}
FIELD = {"width": "220px", "flex": "0 0 auto"}  # the bar's inputs keep their width; the buttons their one line
QUEUE_COLUMNS = [("id", "migrants.col.id", 70), ("kind_name", "migrants.col.kind", 120),
                 ("name", "migrants.col.name", 90), ("id_number", "migrants.col.identity", 170),
                 ("phone", "migrants.col.phone", 120), ("community", "migrants.col.community", 110),
                 ("house", "migrants.col.house", 220), ("details", "migrants.col.details", 260),
                 ("declared", "migrants.col.declared", 150), ("conflicts", "migrants.col.conflicts", 240)]
AREA_COLUMNS = [("street", "migrants.col.street", 110), ("name", "migrants.col.community", 120),
                ("migrants", "migrants.col.migrants", 100), ("houses", "migrants.col.houses", 100),
                ("density", "migrants.col.density", 120), ("empty_houses", "migrants.col.empty_houses", 110),
                ("waiting", "migrants.col.waiting", 90), ("waiting_over_day", "migrants.col.waiting_over_day", 120)]
PEOPLE_COLUMNS = [("id", "migrants.col.id", 80), ("name", "migrants.col.name", 90),
                  ("id_number", "migrants.col.identity", 170), ("phone", "migrants.col.phone", 120),
                  ("community", "migrants.col.community", 110), ("house", "migrants.col.house", 260),
                  ("registered", "migrants.col.registered", 140), ("code", "migrants.col.code", 100),
                  ("register", "migrants.col.register", 100)]
STREET_COLUMNS = [c for c in AREA_COLUMNS if c[0] not in ("name", "density")]
CORRECTABLE = ("name", "phone", "origin", "employer", "arrival_date", "house_code", "address", "rooms")


def _grid(grid_id: str, columns) -> object:
    return wrapping_headers(simple_grid(grid_id, columns))


def _picking(grid_id: str, columns) -> object:
    return wrapping_headers(picking_grid(grid_id, columns))


def queue_tab() -> html.Div:
    return html.Div(className="page", children=[
        html.Div(id=ids.MG_REVIEW_BAR, className="exports", style=HIDDEN, children=[
            html.Button(t("migrants.review.refresh"), id=ids.MG_REFRESH, className="export", style=BUTTON),
            html.Button(t("migrants.review.accept"), id=ids.MG_ACCEPT, className="export", style=BUTTON),
            dcc.Dropdown(id=ids.MG_FIELD, placeholder=t("migrants.review.correction_field"),
                         style={"minWidth": "160px"},
                         options=[{"label": t("migrants.field." + f), "value": f} for f in CORRECTABLE]),
            dcc.Input(id=ids.MG_VALUE, maxLength=60, placeholder=t("migrants.review.correction_value"), style=FIELD),
            html.Button(t("migrants.review.correct"), id=ids.MG_CORRECT, className="export", style=BUTTON),
            dcc.Input(id=ids.MG_REASON, maxLength=200, placeholder=t("migrants.review.reason"), style=FIELD),
            html.Button(t("migrants.review.reject"), id=ids.MG_REJECT, className="export", style=BUTTON),
        ]),
        html.Div(id=ids.MG_MESSAGE, className="message", role="status"),
        html.Div(id=ids.MG_QUEUE_NOTE, className="caption"),
        fit_to_width(_picking(ids.MG_QUEUE, QUEUE_COLUMNS),
                     fixed=frozenset({"id", "kind_name", "id_number", "phone", "community", "declared"}),
                     wrap=frozenset({"house", "details", "conflicts"})),
    ])


def people_tab() -> html.Div:
    return html.Div(className="page", children=[
        html.Div(className="exports", children=[
            dcc.Input(id=ids.MG_PEOPLE_HOUSE, maxLength=8, placeholder=t("migrants.people.house"), debounce=True,
                      style=FIELD),
            html.Button(t("migrants.people.revoke"), id=ids.MG_REVOKE, className="export", style=BUTTON),
        ]),
        html.Div(id=ids.MG_PEOPLE_MESSAGE, className="message", role="status"),
        _picking(ids.MG_PEOPLE, PEOPLE_COLUMNS),
    ])


def oversight_tab() -> html.Div:
    return html.Div(className="page", children=[
        html.Div(className="exports", children=[
            dcc.Dropdown(id=ids.MG_EXPORT_COMMUNITY, placeholder=t("migrants.export.community"),
                         style={"minWidth": "200px"}),
            html.A(t("migrants.export.register"), id=ids.MG_EXPORT, className="export", href=""),
        ]),
        html.Div(className="exports", children=[
            dcc.Dropdown(id=ids.MG_MAP_COMMUNITY, placeholder=t("migrants.map.whole_area"),
                         style={"minWidth": "240px"}),
            dcc.RadioItems(id=ids.MG_MAP_WEIGHT, value="migrants", inline=True,
                           options=[{"label": t(f"migrants.map.weight.{w}"), "value": w} for w in DENSITY_WEIGHTS],
                           inputStyle={"marginRight": "4px"}, labelStyle={"marginRight": "14px"}),
        ]),
        html.Div(id=ids.MG_MAP_MESSAGE, className="message", role="status"),
        dcc.Store(id=ids.MG_MAP_DRAWN),
        dcc.Graph(id=ids.MG_MAP, config=graph_config(), style={"height": "560px"}),
        html.Div(id=ids.MG_LEGEND, className="legend"),
        dcc.Graph(id=ids.MG_ROLLOUT, config=graph_config(), style={"height": "340px"}),
        _grid(ids.MG_STREETS, STREET_COLUMNS),
        _grid(ids.MG_COMMUNITIES, AREA_COLUMNS),
    ])


def migrants_page() -> html.Div:
    return html.Div(className="page", children=[
        dcc.Tabs(id=ids.MG_TABS, value="queue", children=[
            dcc.Tab(label=t("migrants.tab.queue"), value="queue", children=queue_tab()),
            dcc.Tab(label=t("migrants.tab.people"), value="people", children=people_tab()),
            dcc.Tab(label=t("migrants.tab.oversight"), value="oversight", id=ids.MG_TAB_OVERSIGHT, style=HIDDEN,
                    children=oversight_tab()),
        ]),
    ])


def visible_parts(review: bool, oversee: bool) -> tuple[dict, dict, dict]:
    return ({} if review else HIDDEN), ({} if oversee else HIDDEN), ({} if review else HIDDEN)


def people_rows(rows: list[dict], when) -> list[dict]:
    return [{"id": r["id"], "name": r["name"], "id_number": r["id_number"], "phone": r["phone"],
             "community": r["community"], "house": f"{r['address']}（{r['house_code']}）" if r["house_code"] else "",
             "registered": when(r["registered_at"]), "code": t("migrants.people.live" if r["has_code"] else
                                                             "migrants.people.none"),
             "register": t("migrants.people.in_register" if r.get("in_register") else
                           "migrants.people.not_in_register")} for r in rows]


def _details(row: dict) -> str:
    fields = row.get("fields") or {}
    parts = []
    for key, value in fields.items():
        if key in ("lon", "lat"):
            continue
        if key == "test_kind":
            value = t("migrants.test_kind." + value)
        elif key == "result":
            value = t("migrants.result." + value)
        parts.append(f"{t('migrants.field.' + key)}：{value}")
    if "lon" in fields:
        parts.append(f"{t('migrants.field.point')}：{fields['lon']}, {fields['lat']}")
    return "；".join(parts)


def queue_rows(rows: list[dict], when) -> list[dict]:
    """The queue's rows for the grid: kind, house, details and conflicts in words."""
    return [{"id": r["id"], "kind_name": t("migrants.kind." + r["kind"]), "name": r["name"],
             "id_number": r["id_number"], "phone": r["phone"], "community": r["community"],
             "house": f"{r['house_address']}（{r['house_code']}）" if r.get("house_code") else "",
             "details": _details(r), "declared": when(r["declared_at"]),
             "conflicts": "；".join(t("migrants.conflict." + c) for c in CONFLICTS if r.get(c))} for r in rows]


def rollout_chart(rows: list[dict]) -> dict:
    """Migrants registered per week, the four pilots against the rest: the pilots came first."""
    data = []
    for pilot, key in ((True, "migrants.oversight.pilots"), (False, "migrants.oversight.others")):
        points = [r for r in rows if r["pilot"] == pilot]
        data.append({"type": "scatter", "mode": "lines+markers", "name": t(key),
                     "x": [str(r["week"]) for r in points], "y": [r["n"] for r in points]})
    return {"data": data, "layout": {"title": {"text": t("migrants.oversight.rollout")}, "height": 340,
                                     "margin": {"l": 50, "r": 20, "t": 50, "b": 40},
                                     "xaxis": {"title": {"text": t("migrants.oversight.week")}, "type": "date"},
                                     "yaxis": {"title": {"text": t("migrants.oversight.count")}}}}
