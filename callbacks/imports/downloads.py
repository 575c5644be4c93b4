"""The import tab's downloads: an empty template of a kind of file, and a run's error report."""

from __future__ import annotations

from flask import Flask, Response

from callbacks.downloads import TYPES, attachment, refusal
from callbacks.gate import require
from data_access.importing import history, registry
from data_access.importing.reports import error_report, template
from data_access.session import DataUnavailable, reading
from domain.permissions import IMPORT_DATA
from i18n import t


def register(server: Flask) -> None:
    server.add_url_rule("/import/template/<kind>.<fmt>", "import_template", download_template)
    server.add_url_rule("/import/report/<int:run_id>.csv", "import_report", download_report)


def download_template(kind: str, fmt: str) -> Response:
    require(IMPORT_DATA)
    if kind not in registry.table_kinds() or fmt not in TYPES:
        return refusal("import.file.kind", 404, kind=kind)
    return attachment(template(kind, fmt), f"{t('kind.' + kind)}模板.{fmt}", fmt)


def download_report(run_id: int) -> Response:
    actor = require(IMPORT_DATA)
    try:
        with reading(actor) as conn:
            found = history.run_errors(conn, run_id)
    except DataUnavailable:
        return refusal("map.error", 503)
    if found is None or not actor.covers(found[0]):
        return refusal("auth.forbidden", 403)
    return attachment(error_report(found[2], []), f"{found[1]}.错误报告.csv", "csv")
