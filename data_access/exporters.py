"""Files officials act on: XLSX (Chinese headers, frozen header, widths, an "about" sheet) and CSV (UTF-8 BOM).

Text cells that a spreadsheet would read as a formula (= + - @, tab, carriage return) are prefixed with
an apostrophe, so an enterprise named "=HYPERLINK(...)" stays text in Excel and WPS.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

import xlsxwriter

from i18n import t

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    width: int


def safe_cell(value):
    """The value, with text that could run as a formula neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_xlsx(rows: Iterable[dict], columns: list[Column], sheet: str, about: list[tuple[str, str]]
               ) -> tuple[bytes, int]:
    """The table on its own sheet (header frozen, columns sized), the facts of the export on a second.

    Returns the file and its number of rows.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    head = book.add_format({"bold": True, "bg_color": "#E8EEF5", "border": 1, "text_wrap": True})
    table = book.add_worksheet(sheet)
    for i, col in enumerate(columns):
        table.set_column(i, i, col.width)
        table.write_string(0, i, col.header, head)
    table.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for i, col in enumerate(columns):
            value = safe_cell(row.get(col.field))
            if value is None:
                continue
            if isinstance(value, str):
                table.write_string(count, i, value)
            else:
                table.write_number(count, i, value)
    table.autofilter(0, 0, max(count, 1), len(columns) - 1)
    notes = book.add_worksheet(t("export.about"))
    notes.set_column(0, 0, 14)
    notes.set_column(1, 1, 60)
    for r, (key, value) in enumerate([*about, (t("export.rows"), f"{count:,}")]):
        notes.write_string(r, 0, key, head)
        notes.write_string(r, 1, safe_cell(value))
    book.close()
    return buffer.getvalue(), count


def write_csv(rows: Iterable[dict], columns: list[Column]) -> tuple[bytes, int]:
    """UTF-8 with BOM, so Excel on Chinese Windows opens it with the right characters; and the row count."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    count = 0
    for row in rows:
        writer.writerow(["" if row.get(c.field) is None else safe_cell(row.get(c.field)) for c in columns])
        count += 1
    return ("\ufeff" + text.getvalue()).encode("utf-8"), count
