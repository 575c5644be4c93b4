"""The warnings tab: open warnings per street and one by one, and the form a community worker records
a warning given or a reopening confirmed with. The skeleton takes no data; the builders below draw rows."""

from __future__ import annotations

from datetime import datetime

from dash import dcc, html

from domain.warnings import METHODS, NOTE_LENGTH, RECIPIENT_LENGTH, age_days
from i18n import t
from layouts.formatting import beijing_time, count
from layouts.grid import dropdown_labels
from layouts.warnings import ids

STREET_COLUMNS = ("name", "open", "unnotified", "notified", "awaiting_reopening", "oldest_unnotified_days",
                  "mean_age_days")
LIST_COLUMNS = ("name", "community_name", "stage", "employees_red", "age", "notice")


def warnings_tab() -> html.Div:
    return html.Div(className="tab-body warnings", children=[
        html.H3(t("warnings.streets")),
        html.Div(id=ids.WARNING_STREETS),
        html.Div(id=ids.WARNING_FORM, className="warning-form", hidden=True, children=_form()),
        html.H3(t("warnings.list")),
        html.Div(id=ids.WARNING_LIST),
        dcc.Store(id=ids.WARNINGS_RECORDED, data=0), dcc.Store(id=ids.WARNINGS_VIEW),
    ])


def _form() -> list:
    return [
        html.H3(t("warnings.form.title")),
        _field("warnings.form.enterprise", dcc.Dropdown(id=ids.WARNING_ENTERPRISE, labels=dropdown_labels(),
                                                        placeholder=t("warnings.form.enterprise_hint"))),
        _field("warnings.form.method", dcc.Dropdown(
            id=ids.WARNING_METHOD, labels=dropdown_labels(), placeholder=t("warnings.form.method_hint"),
            options=[{"label": t(f"warnings.method.{m}"), "value": m} for m in METHODS])),
        _field("warnings.form.when", dcc.Input(id=ids.WARNING_WHEN, type="text", maxLength=20,
                                               placeholder=t("warnings.form.when_hint"))),
        _field("warnings.form.recipient", dcc.Input(id=ids.WARNING_RECIPIENT, type="text", maxLength=RECIPIENT_LENGTH,
                                                    placeholder=t("warnings.form.recipient_hint"))),
        _field("warnings.form.note", dcc.Textarea(id=ids.WARNING_NOTE, maxLength=NOTE_LENGTH)),
        html.Div(className="warning-buttons", children=[
            html.Button(t("warnings.form.notify"), id=ids.WARNING_NOTIFY, n_clicks=0),
            html.Button(t("warnings.form.reopen"), id=ids.WARNING_REOPEN, n_clicks=0),
        ]),
        html.Div(id=ids.WARNING_MESSAGE, className="message", role="status"),
    ]


def _field(label: str, control) -> html.Label:
    return html.Label(className="field", children=[html.Span(t(label)), control])


def street_table(rows: list[dict]) -> html.Table:
    """Per street: open warnings by stage, the oldest not yet given and the mean age in days."""
    return _table("street-warnings", [t(f"warnings.col.{c}") for c in STREET_COLUMNS],
                  [[_cell(r[c]) for c in STREET_COLUMNS] for r in rows])


def _cell(value: str | int | float | None) -> str:
    return value if isinstance(value, str) else f"{value:.1f}" if isinstance(value, float) else count(value)


def warning_table(rows: list[dict], now: datetime) -> html.Table | html.P:
    """Every open warning: enterprise, community, stage, red staff, age in days, the warning given."""
    if not rows:
        return html.P(t("warnings.none"), className="empty")
    body = [[r["name"], r["community_name"], t(f"warnings.stage.{r['stage']}"), count(r["employees_red"]),
             count(age_days(r["warned_since"], now)), _notice(r)] for r in rows]
    stages = [r["stage"] for r in rows]
    return _table("open-warnings", [t(f"warnings.col.{c}") for c in LIST_COLUMNS], body, stages)


def _notice(row: dict) -> str:
    if row["notified_at"] is None:
        return "—"
    text = t("warnings.notice", time=beijing_time(row["notified_at"]), method=t(f"warnings.method.{row['method']}"),
             recipient=row["recipient"], by=row["recorded_by"])
    return text + (f"（{row['note']}）" if row["note"] else "")


def _table(name: str, head: list[str], body: list[list[str]], stages: list[str] | None = None) -> html.Table:
    return html.Table(className=f"plain {name}", children=[
        html.Thead(html.Tr([html.Th(h) for h in head])),
        html.Tbody([html.Tr([html.Td(c) for c in row], **({"data-stage": stages[i]} if stages else {}))
                    for i, row in enumerate(body)]),
    ])


def enterprise_options(rows: list[dict]) -> list[dict]:
    """The open warnings as choices of the form: 名称（统一社会信用代码）· 阶段."""
    return [{"label": f"{r['name']}（{r['credit_code']}）· {t('warnings.stage.' + r['stage'])}",
             "value": r["credit_code"]} for r in rows]
