"""The import tab for data operators, its downloads (templates, error reports), and the background job.

The upload callback runs in the request (it knows the user) and saves the file, returning a token signed
by the server that names the file and the user; the import itself runs as a Dash background callback in
another process (the dashboard stays responsive), trusting only that signed token, and reports progress.
"""

from __future__ import annotations

import base64
import binascii
import os
import time
import uuid
from functools import cache

import diskcache
from dash import Dash, DiskcacheManager, Input, Output, State, no_update
from itsdangerous import BadSignature, URLSafeTimedSerializer

from callbacks.gate import require
from data_access.engine import after_fork
from data_access.importing import history, registry
from data_access.importing.files import sheet_names
from data_access.importing.load import ImportRequest, ImportResult, run
from data_access.importing.reports import reason_text
from data_access.session import DataUnavailable, reading
from data_access.settings import settings
from domain.actor import Actor
from domain.permissions import IMPORT_DATA
from i18n import t
from layouts.imports import ids
from layouts.imports.tab import (
    SHOWN_ERRORS,
    KindChoice,
    choices,
    history_table,
    result_panel,
    sheet_choice,
    shown_for,
    templates,
)

UPLOAD_LIFETIME = 3600  # seconds an uploaded file waits for its import
# After a refusal or a trial the file stays (up to UPLOAD_LIFETIME), so the operator can choose a sheet or
# change an option and start again without choosing the file again.
KEPT_AFTER = ("rejected", "checked")


@cache
def manager() -> DiskcacheManager:
    """Background jobs run in another process; their state is kept on disk, readable by the owner only."""
    folder = settings().jobs_dir
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return DiskcacheManager(diskcache.Cache(str(folder)))


def kind_choices() -> tuple[KindChoice, ...]:
    """The registered kinds of file, as the tab shows them."""
    return tuple(KindChoice(k.name, k.label, tuple(k.options), tuple(k.modes), k.crs, k.template)
                 for k in registry.kinds())


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings().signing_key(), salt="sansetu-import")


def register(app: Dash) -> None:
    app.callback(
        Output(ids.IMPORT_TEMPLATES, "children"), Output(ids.IMPORT_HISTORY, "children", allow_duplicate=True),
        Output(ids.IMPORT_OPTIONS, "options"), Output(ids.IMPORT_MODE, "style"), Output(ids.IMPORT_CRS, "style"),
        Input(ids.IMPORT_KIND, "value"), prevent_initial_call="initial_duplicate",
    )(show_import_tab)
    app.callback(
        Output(ids.IMPORT_JOB, "data"), Output(ids.IMPORT_FILE, "children"), Output(ids.IMPORT_START, "disabled"),
        Output(ids.IMPORT_SHEET, "options"), Output(ids.IMPORT_SHEET, "style"), Output(ids.IMPORT_SHEET, "value"),
        Input(ids.IMPORT_UPLOAD, "contents"), State(ids.IMPORT_UPLOAD, "filename"), prevent_initial_call=True,
    )(receive_upload)
    app.callback(
        Output(ids.IMPORT_RESULT, "children"), Output(ids.IMPORT_HISTORY, "children"),
        Input(ids.IMPORT_START, "n_clicks"),
        State(ids.IMPORT_JOB, "data"), State(ids.IMPORT_KIND, "value"), State(ids.IMPORT_MODE, "value"),
        State(ids.IMPORT_OPTIONS, "value"), State(ids.IMPORT_CRS, "value"), State(ids.IMPORT_SHEET, "value"),
        background=True, manager=manager(), prevent_initial_call=True,
        progress=[Output(ids.IMPORT_PROGRESS, "value"), Output(ids.IMPORT_STAGE, "children")],
        running=[(Output(ids.IMPORT_START, "disabled"), True, False)],
    )(run_upload)


def show_import_tab(kind: str):
    """Templates, the options that apply to the kind, and the history of the operator's area."""
    access = require(IMPORT_DATA)
    kinds = kind_choices()
    chosen = next((k for k in kinds if k.name == kind), kinds[0])
    mode_style, crs_style = shown_for(chosen)
    try:
        with reading(access) as conn:
            runs = history_table(history.recent_runs(conn, access.scope))
    except DataUnavailable:
        runs = t("map.error")
    return templates(chosen), runs, choices(chosen), mode_style, crs_style


def receive_upload(contents: str | None, filename: str | None):
    access = require(IMPORT_DATA)
    try:
        content = base64.b64decode((contents or "").partition(",")[2], validate=True)
    except (binascii.Error, ValueError):
        return None, t("import.file.empty"), True, *sheet_choice([]), None
    uploads = settings().uploads_dir
    uploads.mkdir(mode=0o700, parents=True, exist_ok=True)
    for old in uploads.iterdir():  # files whose import never started
        if old.stat().st_mtime < time.time() - UPLOAD_LIFETIME:
            old.unlink(missing_ok=True)
    stored = uuid.uuid4().hex
    path = uploads / stored
    _write_private(path, content)
    _write_private(path.with_suffix(".session"), access.session.encode())  # the job writes as this login
    job = _signer().dumps({"file": stored, "name": (filename or "upload")[:200], "user": access.username,
                           "org": access.org_code, "role": access.role})
    size = (f"{len(content) / 1024 / 1024:.1f} MB" if len(content) >= 1024 * 1024
            else f"{len(content) / 1024:.0f} KB" if len(content) >= 1024 else f"{len(content)} B")
    return job, t("ui.import.file", name=filename, size=size), False, *sheet_choice(sheet_names(content)), None


def _write_private(path, content: bytes) -> None:
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
        f.write(content)


def option_flags(kind: str, ticked: set[str]) -> dict[str, bool]:
    """The kind's check boxes as the request's fields of the same names (a box of another kind is ignored)."""
    offered = registry.kind(kind).options if kind in registry.names() else ()
    return {option: option in ticked for option in offered}


def run_upload(set_progress, _clicks, job: str | None, kind: str, mode: str, options: list | None, crs: str | None,
               sheet: str | None):
    after_fork()  # this runs in a child process: its own database connections
    try:
        job_data = _signer().loads(job or "", max_age=UPLOAD_LIFETIME)
    except BadSignature:
        return result_panel(False, t("ui.import.expired"), [], None, 0), no_update
    path = settings().uploads_dir / job_data["file"]
    session = path.with_suffix(".session")
    if not path.is_file() or not session.is_file():
        return result_panel(False, t("ui.import.expired"), [], None, 0), no_update
    chosen = set(options or [])
    sender = Actor(job_data["user"], job_data["user"], job_data["role"], job_data["org"],
                   session=session.read_text())
    request = ImportRequest(kind, job_data["name"], b"", sender.username, sender.org_code, path=path,
                            role=sender.role, mode=mode or "changes", crs=(crs or "").strip() or None,
                            sheet=sheet or None, session=sender.session, **option_flags(kind, chosen))
    result = run(request, lambda fraction, stage: set_progress((str(int(fraction * 100)), t(stage))))
    if result.result not in KEPT_AFTER:
        path.unlink(missing_ok=True)
        session.unlink(missing_ok=True)
    try:
        with reading(sender) as conn:
            runs = history_table(history.recent_runs(conn, sender.scope))
    except DataUnavailable:
        runs = no_update
    return shown_result(result), runs


def shown_result(result: ImportResult):
    """The result panel: the message, the notes, and the first errors with their reasons in Chinese."""
    listed = result.errors or result.warnings  # a loaded file's warnings (a name list's faults) are shown too
    first = [{**e.as_dict(), "reason": reason_text(e.as_dict())} for e in listed[:SHOWN_ERRORS]]
    ok = result.result in ("loaded", "checked", "unchanged")
    return result_panel(ok, result.message, result.notes, result.run_id, len(result.errors + result.warnings),
                        first, "ui.import.errors_shown" if result.errors else "ui.import.warnings_shown")
