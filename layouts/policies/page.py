"""The policies page (/policies): 民生直达 and 亲清在线 as tabs (catalogue, the rule in words, the 直达 list, applicants
the data says are not eligible), applications and their timeline, payments (rolls, returned file), and oversight
(the leader's sentences, per policy figures, the map of reach, money per street, ratings). The layout takes no
data; the builders below draw what the callbacks bring."""

from __future__ import annotations

import json

from dash import dcc, html

from domain.policies import ENTERPRISE, PERSON, words
from i18n import t
from layouts.formatting import beijing_time
from layouts.grid import dropdown_labels, fit_to_width, picking_grid, simple_grid, wrapping_headers
from layouts.map_figure import LIGHT_STYLE, fit_extent, fit_view
from layouts.metrics import GREENS, NO_DATA
from layouts.policies import ids

HIDDEN = {"display": "none"}
SELECT = {"minWidth": "320px"}
CATALOGUE_COLUMNS = [("name", "policies.col.name", 230), ("department", "policies.col.department", 130),
                     ("amount_text", "policies.col.amount", 140), ("remaining", "policies.col.remaining", 130),
                     ("opens", "policies.col.opens", 110), ("materials_text", "policies.col.materials", 200),
                     ("rule_text", "policies.col.rule", 480)]
REACH_COLUMNS = [("key", "policies.col.key", 200), ("name", "policies.col.applicant", 160),
                 ("community", "policies.col.community", 140)]
INELIGIBLE_COLUMNS = [("ref", "policies.col.ref", 130), ("name", "policies.col.applicant", 140),
                      ("key", "policies.col.key", 190), ("state_text", "policies.col.state", 110),
                      ("failing_text", "policies.col.failing", 360)]
APP_COLUMNS = [("ref", "policies.col.ref", 130), ("policy", "policies.policy", 200),
               ("applicant", "policies.col.applicant", 170), ("identity", "policies.col.key", 180),
               ("community", "policies.col.community", 120), ("department", "policies.col.department", 130),
               ("state_text", "policies.col.state", 110), ("filed", "policies.col.filed_at", 130),
               ("reason", "policies.col.reason", 200)]
TIMELINE_COLUMNS = [("step_text", "policies.col.step", 110), ("actor", "policies.col.actor", 160),
                    ("at_text", "policies.col.at", 130), ("hours", "policies.col.hours", 100),
                    ("overdue_text", "policies.col.overdue", 80), ("note", "policies.col.note", 260)]
ROLL_COLUMNS = [("id", "policies.col.roll", 80), ("policy", "policies.policy", 220),
                ("period", "policies.col.period", 90), ("lines", "policies.col.lines", 80),
                ("total", "policies.col.total", 130), ("paid", "policies.col.paid", 110),
                ("failed", "policies.col.failed", 80)]
FAILED_COLUMNS = [("id", "policies.roll.col.line", 90), ("policy", "policies.policy", 200),
                  ("period", "policies.col.period", 90), ("name", "policies.col.applicant", 160),
                  ("amount", "policies.col.total", 110), ("failure_reason", "policies.col.reason", 160),
                  ("requeued_as", "policies.roll.col.line", 100)]
HELD_COLUMNS = [("id", "policies.roll.col.line", 90), ("policy", "policies.policy", 200),
                ("period", "policies.col.period", 90), ("name", "policies.col.applicant", 160),
                ("amount", "policies.col.total", 110), ("died", "policies.held.col.died", 110),
                ("state", "policies.held.col.state", 300)]
FIGURE_COLUMNS = [("name", "policies.col.name", 220), ("department", "policies.col.department", 130),
                  ("eligible", "policies.col.eligible", 100), ("applied", "policies.col.applied", 80),
                  ("approved", "policies.col.approved", 80), ("paid", "policies.col.paid", 120),
                  ("yuan", "policies.col.yuan", 140), ("median_days", "policies.col.median_days", 150)]
RATING_COLUMNS = [("department", "policies.col.department", 140), ("policy", "policies.policy", 220),
                  ("ratings", "policies.col.ratings", 90), ("average", "policies.col.average", 90)]


def _select(**options) -> dcc.Dropdown:
    return dcc.Dropdown(labels=dropdown_labels(), **options)


def _short(grid) -> object:
    """A short grid whose columns share its width and whose headers wrap (at 1920 the overview's columns
    left a third of the box empty while their headers were cut: 符合…)."""
    grid.style = {"height": "320px"}
    return wrapping_headers(fit_to_width(grid))


def target_tab(target: str) -> html.Div:
    """民生直达 (person) or 亲清在线 (enterprise): the catalogue, one policy's rule, its 直达 list, its misfits."""
    p = target == PERSON
    extra = [file_box()] if p else [html.P(html.A(t("policies.public.title"), href="/apply", target="_blank"))]
    return html.Div(className="page", children=[
        _short(simple_grid(ids.P_CATALOGUE if p else ids.E_CATALOGUE, CATALOGUE_COLUMNS)),
        html.Div(className="exports", children=[
            _select(id=ids.P_POLICY if p else ids.E_POLICY, clearable=False, style=SELECT,
                         placeholder=t("policies.pick_policy")),
            html.Button(t("policies.direct.queue"), id=ids.P_DIRECT if p else ids.E_DIRECT, className="export",
                        style=HIDDEN)]),
        html.Div(id=ids.P_MESSAGE if p else ids.E_MESSAGE, className="message", role="status"),
        html.Div(id=ids.P_RULE if p else ids.E_RULE, className="policy-rule"),
        _short(simple_grid(ids.P_REACH_GRID if p else ids.E_REACH_GRID, REACH_COLUMNS)),
        html.H4(t("policies.col.failing")),
        _short(simple_grid(ids.P_INELIGIBLE_GRID if p else ids.E_INELIGIBLE_GRID, INELIGIBLE_COLUMNS)),
        *extra,
    ])


def file_box() -> html.Div:
    return html.Div(id=ids.FILE_BOX, style=HIDDEN, children=[
        html.H4(t("policies.file.title")),
        html.Div(className="exports", children=[
            dcc.Input(id=ids.FILE_ID, maxLength=18, placeholder=t("policies.file.id_number")),
            html.Button(t("policies.file.submit"), id=ids.FILE_SUBMIT, className="export")]),
        html.Div(id=ids.FILE_MESSAGE, className="message", role="alert"),
    ])


def define_box() -> html.Div:
    example = {"all": [{"attr": "age", "op": ">=", "value": 60}, {"attr": "income_per_head", "op": "<",
                                                                   "value": 1725}]}
    return html.Div(id=ids.DEFINE_BOX, style=HIDDEN, children=[
        html.H4(t("policies.define.title")),
        html.Div(className="exports", children=[
            _select(id=ids.DEFINE_TARGET, value=PERSON, clearable=False, style={"minWidth": "120px"},
                         options=[{"label": t(f"policies.target.{x}"), "value": x} for x in (PERSON, ENTERPRISE)]),
            dcc.Input(id=ids.DEFINE_NAME, maxLength=60, placeholder=t("policies.define.name")),
            dcc.Input(id=ids.DEFINE_CODE, maxLength=40, placeholder=t("policies.define.code")),
            _select(id=ids.DEFINE_DEPARTMENT, style={"minWidth": "160px"},
                         placeholder=t("policies.col.department")),
            dcc.Input(id=ids.DEFINE_AMOUNT, type="number", min=1, placeholder=t("policies.define.amount")),
            dcc.Input(id=ids.DEFINE_BUDGET, type="number", min=0, placeholder=t("policies.define.budget"))]),
        dcc.Textarea(id=ids.DEFINE_RULE, value=json.dumps(example, ensure_ascii=False), style={"width": "100%",
                                                                                               "height": "70px"}),
        html.Button(t("policies.define.submit"), id=ids.DEFINE_SUBMIT, className="export"),
        html.Div(id=ids.DEFINE_MESSAGE, className="message", role="alert"),
    ])


def applications_tab() -> html.Div:
    return html.Div(className="page", children=[
        html.Div(className="exports", children=[html.Button(t("policies.refresh"), id=ids.APP_REFRESH,
                                                            className="export")]),
        picking_grid(ids.APP_GRID, APP_COLUMNS),
        html.Div(id=ids.STEP_BOX, style=HIDDEN, className="exports", children=[
            dcc.Input(id=ids.STEP_REASON, maxLength=500, placeholder=t("policies.reason"), style={"width": "320px"}),
            html.Button(t("policies.step.accepted"), id=ids.STEP_ACCEPT, className="export"),
            html.Button(t("policies.step.more_info"), id=ids.STEP_MORE, className="export"),
            html.Button(t("policies.step.approved"), id=ids.STEP_APPROVE, className="export cleared"),
            html.Button(t("policies.step.rejected"), id=ids.STEP_REJECT, className="export")]),
        html.Div(id=ids.STEP_MESSAGE, className="message", role="alert"),
        html.H4(t("policies.timeline")),
        _short(simple_grid(ids.TIMELINE_GRID, TIMELINE_COLUMNS)),
        html.H4(t("policies.hotline.title")),
        html.Div(className="exports", children=[
            _select(id=ids.HOTLINE_KIND, value="question", clearable=False, style={"minWidth": "120px"},
                         options=[{"label": t(f"policies.hotline.kind.{k}"), "value": k}
                                  for k in ("question", "complaint", "praise")]),
            dcc.Input(id=ids.HOTLINE_PHONE, maxLength=11, placeholder=t("policies.hotline.phone")),
            dcc.Input(id=ids.HOTLINE_SUMMARY, maxLength=500, placeholder=t("policies.hotline.summary"),
                      style={"width": "360px"}),
            html.Button(t("policies.hotline.log"), id=ids.HOTLINE_LOG, className="export")]),
        html.Div(id=ids.HOTLINE_MESSAGE, className="message", role="alert"),
    ])


def payments_tab() -> html.Div:
    return html.Div(className="page", children=[
        html.Div(className="exports", children=[
            _select(id=ids.ROLL_POLICY, clearable=False, style=SELECT, placeholder=t("policies.pick_policy")),
            html.Button(t("policies.roll.make"), id=ids.ROLL_MAKE, className="export"),
            html.A(t("policies.roll.download"), id=ids.ROLL_LINK, className="export", href=None),
            dcc.Upload(id=ids.RETURNS_UPLOAD, children=html.A(t("policies.returns.upload")),
                       className="appeal-upload", max_size=20 * 1024 * 1024)]),
        html.Div(id=ids.ROLL_MESSAGE, className="message", role="status"),
        html.Div(id=ids.RETURNS_MESSAGE, className="message", role="alert"),
        picking_grid(ids.ROLL_GRID, ROLL_COLUMNS),
        html.H4(t("policies.failed.title")),
        _short(simple_grid(ids.FAILED_GRID, FAILED_COLUMNS)),
        html.H4(t("policies.held.title")),
        _short(simple_grid(ids.HELD_GRID, HELD_COLUMNS)),
    ])


def oversight_tab() -> html.Div:
    return html.Div(className="page", children=[
        html.P(id=ids.OVERVIEW, className="policy-overview"),
        _short(simple_grid(ids.FIGURES_GRID, FIGURE_COLUMNS)),
        html.H4(t("policies.map.reach")),
        dcc.Store(id=ids.REACH_MAP_DRAWN),
        dcc.Graph(id=ids.REACH_MAP, config={"displayModeBar": False}, style={"height": "560px"}),
        dcc.Graph(id=ids.STREET_CHART, config={"displayModeBar": False}),
        html.H4(t("policies.ratings")),
        _short(simple_grid(ids.RATINGS_GRID, RATING_COLUMNS)),
        define_box(),
    ])


def policies_page() -> html.Div:
    return html.Div(className="page", children=[
        dcc.Tabs(id=ids.TABS, value=PERSON, children=[
            dcc.Tab(label=t("policies.tab.person"), value=PERSON, children=target_tab(PERSON)),
            dcc.Tab(label=t("policies.tab.enterprise"), value=ENTERPRISE, children=target_tab(ENTERPRISE)),
            dcc.Tab(label=t("policies.tab.applications"), value="applications", children=applications_tab()),
            dcc.Tab(id=ids.TAB_PAYMENTS, label=t("policies.tab.payments"), value="payments",
                    children=payments_tab(), style=HIDDEN),
            dcc.Tab(id=ids.TAB_OVERSIGHT, label=t("policies.tab.oversight"), value="oversight",
                    children=oversight_tab(), style=HIDDEN),
        ]),
    ])


def shown(allowed: bool) -> dict | None:
    return None if allowed else HIDDEN


# --- builders of what the callbacks bring ------------------------------------------------------------------

def _value(attr: str, value) -> str:
    if isinstance(value, list):
        return "、".join(_value(attr, v) for v in value)
    if isinstance(value, str):
        key = f"policies.value.{value}"
        return t(key) if _known(key) else value
    return f"{value:g}" if isinstance(value, float) else str(value)


def _known(key: str) -> bool:
    try:
        t(key)
    except KeyError:
        return False
    return True


def _phrase(part: list) -> str:
    kind = part[0]
    if kind in ("all", "any"):
        inner = t("policies.rule.join").join(_phrase(p) for p in part[1])
        return t(f"policies.rule.{kind}", parts=inner) if len(part[1]) > 1 else inner
    if kind == "not":
        return t("policies.rule.not", part=_phrase(part[1]))
    _, attr, op, value = part
    name = t(f"policies.attr.{attr}")
    if op == "is":
        return f"{name}：{t('policies.op.is.' + ('true' if value else 'false'))}"
    if op == "between":
        return name + t("policies.op.between", low=_value(attr, value[0]), high=_value(attr, value[1]))
    return name + t(f"policies.op.{op}", value=_value(attr, value))


def rule_text(rule: dict) -> str:
    """The rule as a sentence officials read (domain.policies.words, in Chinese)."""
    return _phrase(words(rule))


def failing_text(rule: dict, index: int | None) -> str:
    from domain.policies import top_conditions

    parts = top_conditions(rule)
    return rule_text(parts[index]) if index is not None and index < len(parts) else ""


def amount_text(policy: dict) -> str:
    if policy["amount_kind"] == "band":
        return t("policies.amount.band", basis=t(f"policies.attr.{policy['amount_basis']}"))
    return t(f"policies.amount.{policy['amount_kind']}", amount=f"{policy['amount']:,.0f}")


def catalogue_rows(policies: list[dict]) -> list[dict]:
    return [{"id": p["id"], "name": p["name"], "department": p["department"], "amount_text": amount_text(p),
             "remaining": f"{p['remaining']:,.0f}" if p.get("remaining") is not None else "",
             "opens": str(p["opens"]), "materials_text": "、".join(p["materials"] or []),
             "rule_text": rule_text(p["rule"])} for p in policies]


def policy_options(policies: list[dict]) -> list[dict]:
    return [{"label": p["name"], "value": p["id"]} for p in policies]


def rule_panel(policy: dict, counts: dict, ineligible: int) -> list:
    return [html.P([html.B(t("policies.rule") + "："), rule_text(policy["rule"])]),
            html.P(t("policies.unreached", count=counts["unreached"], eligible=counts["eligible"])),
            html.P(t("policies.ineligible", count=ineligible))]


def reach_rows(rows: list[dict], names: dict[str, str], target: str, mask) -> list[dict]:
    return [{"id": r["key"], "key": mask(r["key"]) if target == PERSON else r["key"],
             "name": mask_name(r["name"]) if target == PERSON else r["name"],
             "community": names.get(r["community_code"], r["community_code"])} for r in rows]


def mask_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 1) if name else name


def ineligible_rows(rows: list[dict], rule: dict, target: str, mask) -> list[dict]:
    return [{"id": r["id"], "ref": r["ref"], "name": mask_name(r["name"]) if target == PERSON else r["name"],
             "key": mask(r["key"]) if target == PERSON else r["key"], "state_text": t(f"policies.state.{r['state']}"),
             "failing_text": failing_text(rule, r["failing"])} for r in rows]


def _when(value) -> str:
    """Beijing time, as every page shows it."""
    return beijing_time(value)[5:] if value else ""


def application_rows(rows: list[dict]) -> list[dict]:
    return [{"id": r["id"], "ref": r["ref"], "policy": r["policy"],
             "applicant": mask_name(r["applicant"]) if r["target"] == PERSON else r["applicant"],
             "identity": r["identity"], "community": r["community"], "department": r["department"],
             "state_text": t(f"policies.state.{r['state']}"), "filed": _when(r["filed_at"]),
             "reason": r["reason"] or ""} for r in rows]


def timeline_rows(rows: list[dict]) -> list[dict]:
    return [{"step_text": t(f"policies.step.{r['step']}"), "actor": r["actor"], "at_text": _when(r["at"]),
             "hours": float(r["hours"]) if r["hours"] is not None else None,
             "overdue_text": "⚠" if r["overdue"] else "", "note": r["note"] or ""} for r in rows]


def roll_rows(rows: list[dict]) -> list[dict]:
    return [{"id": r["id"], "policy": r["policy"], "period": r["period"], "lines": r["lines"],
             "total": f"{r['total']:,.2f}", "paid": r["paid"], "failed": r["failed"]} for r in rows]


def failed_rows(rows: list[dict]) -> list[dict]:
    return [{**r, "amount": f"{r['amount']:,.2f}", "name": mask_name(r["name"] or "")} for r in rows]


def held_rows(rows: list[dict]) -> list[dict]:
    """Held lines of the dead: held off new rolls, or on a roll already sent (the bank should stop them)."""
    return [{"id": r["id"], "policy": r["policy"], "period": r["period"], "name": mask_name(r["name"] or ""),
             "amount": f"{r['amount']:,.2f}", "died": r["deceased_on"].isoformat(),
             "state": t("policies.held.state.sent", roll=r["roll_id"]) if r["roll_id"]
             else t("policies.held.state.held")} for r in rows]


def overview_text(view: dict, names: list[str]) -> str:
    """The seed's sentences with today's figures; names: the first livelihood policies' short names."""
    person, firm = view["person"], view["enterprise"]
    return t("policies.overview", names="、".join(names), person_policies=person["policies"],
             person_yuan=f"{person['yuan'] / 10000:,.0f}",
             person_reached=person["reached"], enterprise_policies=firm["policies"],
             enterprise_yuan=f"{firm['yuan'] / 10000:,.0f}", enterprise_reached=firm["reached"])


def short_names(policies: list[dict], count: int = 3) -> list[str]:
    """低保, 低边 ...: the name in brackets when there is one, else the name."""
    names = [p["name"].split("（")[-1].rstrip("）") for p in policies if p["target"] == PERSON]
    return names[:count]


def figure_rows(figures: list[dict], eligible: dict[int, int]) -> list[dict]:
    return [{"id": f["id"], "name": f["name"], "department": f["department"], "eligible": eligible.get(f["id"], 0),
             "applied": f["applied"], "approved": f["approved"], "paid": f["paid"], "yuan": f"{f['yuan']:,.0f}",
             "median_days": float(f["median_days"]) if f["median_days"] is not None else None} for f in figures]


REACH_MAP_SIZE = (1400, 560)  # the view as drawn, before the browser fits it to the graph's real box


def reach_map(shapes: list[dict], reach: dict[str, float | None]) -> dict:
    """Reach per community (paid ÷ eligible) on a white background with no map text (no tiles, no labels)."""
    if not shapes:
        return {"data": [], "layout": {}}
    features = [{"type": "Feature", "id": s["code"], "geometry": json.loads(s["geojson"]), "properties": {}}
                for s in shapes]
    codes = [s["code"] for s in shapes]
    values = [reach.get(c) for c in codes]
    trace = {"type": "choroplethmap", "geojson": {"type": "FeatureCollection", "features": features},
             "locations": codes, "featureidkey": "id", "z": [v if v is not None else -0.01 for v in values],
             "zmin": -0.01, "zmax": 1,
             "colorscale": [[0, NO_DATA], [0.0099, NO_DATA], [0.01, GREENS[0]], [0.5, GREENS[2]], [1, GREENS[4]]],
             "marker": {"line": {"width": 0.6, "color": "#ffffff"}},
             "colorbar": {"title": {"text": t("policies.map.legend")}, "tickformat": ".0%", "x": 0.99,
                          "xanchor": "right", "bgcolor": "rgba(255,255,255,0.8)"},  # over the map, which keeps its box
             "customdata": [[s["name"], s["street"], "" if v is None else f"{v:.1%}"] for s, v in zip(
                 shapes, values, strict=True)],
             "hovertemplate": "<b>%{customdata[0]}</b>　%{customdata[1]}<br>%{customdata[2]}<extra></extra>"}
    geometries = [f["geometry"] for f in features]
    center, zoom = fit_view(geometries, REACH_MAP_SIZE)
    return {"data": [trace], "layout": {"map": {"style": LIGHT_STYLE, "center": center, "zoom": zoom},
                                        "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "paper_bgcolor": "#ffffff",
                                        "meta": {"fit": fit_extent(geometries)}}}  # fitted to the graph by the browser


def street_chart(rows: list[dict]) -> dict:
    ordered = rows[::-1]
    return {"data": [{"type": "bar", "orientation": "h", "y": [r["name"] for r in ordered],
                      "x": [float(r["yuan"]) / 10000 for r in ordered], "marker": {"color": "#1565c0"},
                      "hovertemplate": "%{y}：%{x:,.1f}<extra></extra>"}],
            "layout": {"title": {"text": t("policies.street_money")}, "height": max(300, 28 * len(rows) + 90),
                       "margin": {"l": 120, "r": 20, "t": 50, "b": 40}, "plot_bgcolor": "#ffffff"}}
