"""The data operator's import tab: choose the kind, upload, watch the progress, read the result."""

from __future__ import annotations

from dataclasses import dataclass

from dash import dcc, html

from i18n import t
from layouts import formatting
from layouts.imports import ids

MAX_UPLOAD_MB = 200
SHOWN_ERRORS = 20  # errors shown on the page; the report lists them all
ERROR_COLUMNS = ("row", "column", "value", "reason")
HIDDEN = {"display": "none"}
MODES = ("changes", "snapshot")  # health codes: a batch of changes, or a snapshot of every colour


@dataclass(frozen=True)
class KindChoice:
    """What the tab shows of a kind of file (each kind describes itself in data_access.importing.kinds)."""

    name: str
    label: str  # i18n key
    options: tuple[str, ...]  # check boxes: gcj02, bd09, point_wins, strict_places, skip_bad_rows, check_only
    modes: tuple[str, ...]  # the mode switch's values, if the kind has one
    crs: bool  # the CRS box (geometry files)
    template: bool  # a downloadable template


def import_tab(kinds: tuple[KindChoice, ...]) -> html.Div:
    """The form for the kinds given, in their order; the first is chosen."""
    first = kinds[0]
    return html.Div(className="tab-body imports", children=[
        html.Div(className="import-form", children=[
            html.Label([t("ui.import.kind"), dcc.Dropdown(
                id=ids.IMPORT_KIND, clearable=False, value=first.name,
                options=[{"label": t(k.label), "value": k.name} for k in kinds])]),
            html.Div(id=ids.IMPORT_TEMPLATES, className="import-templates"),
            dcc.RadioItems(id=ids.IMPORT_MODE, value=MODES[0], inline=True, className="import-mode",
                           options=[{"label": t(f"ui.import.mode.{m}"), "value": m} for m in MODES]),
            dcc.Checklist(id=ids.IMPORT_OPTIONS, value=[], inline=True, options=choices(first)),
            dcc.Input(id=ids.IMPORT_CRS, placeholder=t("ui.import.crs"), maxLength=20, className="import-crs"),
            dcc.Upload(id=ids.IMPORT_UPLOAD, className="import-upload", max_size=MAX_UPLOAD_MB * 1024 * 1024,
                       children=html.Div(t("ui.import.drop", limit=MAX_UPLOAD_MB))),
            html.Div(id=ids.IMPORT_FILE, className="import-file"),
            dcc.Dropdown(id=ids.IMPORT_SHEET, options=[], value=None, placeholder=t("ui.import.sheet"),
                         className="import-sheet", style=HIDDEN),
            dcc.Store(id=ids.IMPORT_JOB),
            html.Button(t("ui.import.start"), id=ids.IMPORT_START, disabled=True, className="import-start"),
            html.Progress(id=ids.IMPORT_PROGRESS, value="0", max="100", className="import-progress"),
            html.Div(id=ids.IMPORT_STAGE, className="import-stage", role="status"),
            html.Div(id=ids.IMPORT_RESULT, className="import-result", role="alert"),
        ]),
        html.H3(t("ui.import.history")),
        html.Div(id=ids.IMPORT_HISTORY, className="import-history"),
    ])


def choices(kind: KindChoice) -> list[dict]:
    """The options that apply to a kind (GCJ-02 and BD-09 only where there are coordinates)."""
    return [{"label": t(f"ui.import.{c}"), "value": c} for c in kind.options]


def shown_for(kind: KindChoice) -> tuple[dict, dict]:
    """Styles of the mode switch and the CRS box: hidden for kinds without them."""
    return ({} if kind.modes else HIDDEN), ({} if kind.crs else HIDDEN)


def sheet_choice(sheets: list[str]) -> tuple[list[dict], dict]:
    """The sheet picker's options and style: shown only for a workbook of several sheets (empty: the
    import chooses the sheet whose header fits, and refuses when several do)."""
    return [{"label": s, "value": s} for s in sheets], ({} if len(sheets) > 1 else HIDDEN)


def templates(kind: KindChoice) -> list:
    if not kind.template:
        return [html.Span(t("ui.import.boundaries_help"))]
    return [html.Span(t("ui.import.template")), html.A("CSV", href=f"/import/template/{kind.name}.csv"),
            html.A("Excel", href=f"/import/template/{kind.name}.xlsx")]


def result_panel(ok: bool, message: str, notes: list[str], run_id: int | None, errors: int,
                 first: list[dict] | None = None, heading: str = "ui.import.errors_shown") -> html.Div:
    """The result; for a rejected file its first errors (row, column, value, reason) and the full report (for
    a loaded file with warnings, its first warnings: heading "ui.import.warnings_shown")."""
    children = [html.P(message, className="import-message")]
    children += [html.P(n, className="import-note") for n in notes]
    if first:
        children += [html.P(t(heading, shown=len(first), count=errors), className="import-note"),
                     error_table(first)]
    if errors and run_id:
        children.append(html.A(t("ui.import.report"), href=f"/import/report/{run_id}.csv", className="import-report"))
    return html.Div(children, className="import-ok" if ok else "import-bad")


def error_table(errors: list[dict]) -> html.Table:
    """Errors as the report lists them: each a dict of row, column, value and reason (Chinese)."""
    head = html.Tr([html.Th(t(f"import.report.{c}")) for c in ERROR_COLUMNS])
    body = [html.Tr([html.Td(str(e[c])) for c in ERROR_COLUMNS]) for e in errors]
    return html.Table([html.Thead(head), html.Tbody(body)], className="import-errors")


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
