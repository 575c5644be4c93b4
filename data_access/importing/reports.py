"""What an operator downloads: the error report of a rejected file, and an empty template for each kind."""

from __future__ import annotations

import csv
import io

from data_access.exporters import Column, write_csv, write_xlsx
from data_access.importing.registry import kind as kind_named
from i18n import t

REPORT_COLUMNS = [Column("row", t("import.report.row"), 8), Column("column", t("import.report.column"), 16),
                  Column("value", t("import.report.value"), 28), Column("reason", t("import.report.reason"), 70)]


def reason_text(error: dict) -> str:
    text = t(f"import.reason.{error['reason']}")
    if error.get("detail"):
        text += "（" + t("import.reason.duplicate_detail", row=error["detail"]) + "）"
    return text


def error_report(errors: list[dict], about: list[tuple[str, str]], kind: str = "csv") -> bytes:
    """Row number, column, value and the reason in Chinese; one line per problem."""
    rows = [{"row": e["row"], "column": e["column"], "value": e["value"], "reason": reason_text(e)} for e in errors]
    if kind == "xlsx":
        return write_xlsx(rows, REPORT_COLUMNS, t("import.report.reason"), about)[0]
    return write_csv(rows, REPORT_COLUMNS)[0]


def template(kind: str, file_format: str = "csv") -> bytes:
    """The header row (required columns marked *), no data; the XLSX also lists each column with an example."""
    fields = kind_named(kind).fields
    headers = [f.header + ("*" if f.required else "") for f in fields]
    if file_format == "xlsx":
        columns = [Column(f"c{i}", h, max(12, len(h) * 2 + 6)) for i, h in enumerate(headers)]
        about = [(t("import.template.note"), t("import.template.help"))]
        about += [(h, t("import.template.example", example=f.example or "—",
                        aliases="、".join(f.headers[1:-1]) or "—")) for h, f in zip(headers, fields, strict=True)]
        return write_xlsx([], columns, t(f"kind.{kind}"), about)[0]
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerow(headers)
    return ("\ufeff" + text.getvalue()).encode("utf-8")
