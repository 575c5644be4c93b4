"""The data operator's import tab: choose the kind, upload, watch the progress, read the result."""

from __future__ import annotations

from dash import dcc, html

from i18n import t
from layouts import formatting
from layouts.imports import ids

KINDS = ("health_codes", "residents", "enterprises", "employment", "managed", "boundaries")
MAX_UPLOAD_MB = 200


def import_tab() -> html.Div:
    return html.Div(className="tab-body imports", children=[
        html.Div(className="import-form", children=[
            html.Label([t("ui.import.kind"), dcc.Dropdown(
                id=ids.IMPORT_KIND, clearable=False, value="health_codes",
                options=[{"label": t(f"kind.{k}"), "value": k} for k in KINDS])]),
            html.Div(id=ids.IMPORT_TEMPLATES, className="import-templates"),
            dcc.RadioItems(id=ids.IMPORT_MODE, value="changes", inline=True, className="import-mode", options=[
                {"label": t("ui.import.mode.changes"), "value": "changes"},
                {"label": t("ui.import.mode.snapshot"), "value": "snapshot"}]),
            dcc.Checklist(id=ids.IMPORT_OPTIONS, value=[], inline=True, options=choices("health_codes")),
            dcc.Input(id=ids.IMPORT_CRS, placeholder=t("ui.import.crs"), maxLength=20, className="import-crs"),
            dcc.Upload(id=ids.IMPORT_UPLOAD, className="import-upload", max_size=MAX_UPLOAD_MB * 1024 * 1024,
                       children=html.Div(t("ui.import.drop", limit=MAX_UPLOAD_MB))),
            html.Div(id=ids.IMPORT_FILE, className="import-file"),
            dcc.Store(id=ids.IMPORT_JOB),
            html.Button(t("ui.import.start"), id=ids.IMPORT_START, disabled=True, className="import-start"),
            html.Progress(id=ids.IMPORT_PROGRESS, value="0", max="100", className="import-progress"),
            html.Div(id=ids.IMPORT_STAGE, className="import-stage", role="status"),
            html.Div(id=ids.IMPORT_RESULT, className="import-result", role="alert"),
        ]),
        html.H3(t("ui.import.history")),
        html.Div(id=ids.IMPORT_HISTORY, className="import-history"),
    ])


def choices(kind: str) -> list[dict]:
    """The options that apply to a kind: GCJ-02 only where there are coordinates."""
    shown = (["gcj02"] if kind in ("enterprises", "boundaries") else []) + ["skip_bad_rows", "check_only"]
    return [{"label": t(f"ui.import.{c}"), "value": c} for c in shown]


def shown_for(kind: str) -> tuple[dict, dict]:
    """Styles of the mode switch (health codes) and the CRS box (boundaries): hidden for other kinds."""
    hidden = {"display": "none"}
    return ({} if kind == "health_codes" else hidden), ({} if kind == "boundaries" else hidden)


def templates(kind: str) -> list:
    if kind == "boundaries":
        return [html.Span(t("ui.import.boundaries_help"))]
    return [html.Span(t("ui.import.template")),
            html.A("CSV", href=f"/import/template/{kind}.csv"), html.A("Excel", href=f"/import/template/{kind}.xlsx")]


def result_panel(ok: bool, message: str, notes: list[str], run_id: int | None, errors: int) -> html.Div:
    children = [html.P(message, className="import-message")]
    children += [html.P(n, className="import-note") for n in notes]
    if errors and run_id:
        children.append(html.A(t("ui.import.report"), href=f"/import/report/{run_id}.csv", className="import-report"))
    return html.Div(children, className="import-ok" if ok else "import-bad")


def history_table(runs: list[dict]) -> html.Table:
    head = html.Tr([html.Th(t(f"ui.import.col.{c}")) for c in
                    ("time", "user", "kind", "file", "rows", "result", "report")])
    body = [html.Tr([
        html.Td(formatting.beijing_time(r["finished_at"])), html.Td(r["username"]), html.Td(t(f"kind.{r['kind']}")),
        html.Td(html.Span(r["file_name"], title=r["sha"])),
        html.Td(t("ui.import.rows", read=r["rows_read"], written=r["rows_written"])),
        html.Td(t(f"ui.import.result.{r['result']}"), className=f"result-{r['result']}", title=r["message"]),
        html.Td(html.A(t("ui.import.report_short", count=r["error_count"]), href=f"/import/report/{r['id']}.csv")
                if r["error_count"] else ""),
    ]) for r in runs]
    return html.Table([html.Thead(head), html.Tbody(body)], className="history-table")
