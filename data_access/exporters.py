"""Files officials act on: XLSX (Chinese headers, frozen header, widths, an "about" sheet) and CSV (UTF-8 BOM).

Text cells that a spreadsheet would read as a formula (= + - @, tab, carriage return) are prefixed with
an apostrophe, so an enterprise named "=HYPERLINK(...)" stays text in Excel and WPS. In a CSV, a code column's
all-digit value (a credit code such as 923301051234567890) is written ="923301051234567890", which Excel and WPS
show as that text instead of 9.23E+17: only digits ever go between the quotes, so no cell can become a formula
of someone else's making.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

import xlsxwriter

from i18n import t

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DIGITS = re.compile(r"[0-9]+")
A4 = 9  # xlsxwriter's paper size number


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    width: int
    code: bool = False  # an identifier that must stay text (credit codes), never a number


@dataclass(frozen=True)
class Sheet:
    """The printed face of a table: its name, the title above it, the rule that made the list, the footer."""

    name: str
    title: str
    rule: str
    footer: str  # with &P (page) and &N (pages)


def safe_cell(value):
    """The value, with text that could run as a formula neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell(value, column: Column):
    """A CSV cell: formulas neutralised; a code of digits only as ="…", so a spreadsheet keeps it as text."""
    if value is None:
        return ""
    if column.code and isinstance(value, str) and DIGITS.fullmatch(value):
        return f'="{value}"'
    return safe_cell(value)


HEADER_ROW = 2  # below the title and the rule


def write_xlsx(rows: Iterable[dict], columns: list[Column], sheet: Sheet | str, about: list[tuple[str, str]]
               ) -> tuple[bytes, int]:
    """The table on its own sheet, the facts of the export on a second sheet.

    A Sheet puts the table under a title and the list's rule, for people: header frozen and repeated on every
    printed page, A4 landscape, page numbers. A bare sheet name gives the plain table, header on the first
    row (templates and error reports that go back into the importer). Returns the file and its number of rows.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    head = book.add_format({"bold": True, "bg_color": "#E8EEF5", "border": 1, "text_wrap": True})
    table = book.add_worksheet(sheet.name if isinstance(sheet, Sheet) else sheet)
    header_row = HEADER_ROW if isinstance(sheet, Sheet) else 0
    if isinstance(sheet, Sheet):
        _face(book, table, sheet, columns)
    for i, col in enumerate(columns):
        table.set_column(i, i, col.width)
        table.write_string(header_row, i, col.header, head)
    table.freeze_panes(header_row + 1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for i, col in enumerate(columns):
            value = safe_cell(row.get(col.field))
            if value is None:
                continue
            if isinstance(value, str):
                table.write_string(header_row + count, i, value)
            else:
                table.write_number(header_row + count, i, value)
    table.autofilter(header_row, 0, header_row + max(count, 1), len(columns) - 1)
    notes = book.add_worksheet(t("export.about"))
    notes.set_column(0, 0, 14)
    notes.set_column(1, 1, 60)
    for r, (key, value) in enumerate([*about, (t("export.rows"), f"{count:,}")]):
        notes.write_string(r, 0, key, head)
        notes.write_string(r, 1, safe_cell(value))
    book.close()
    return buffer.getvalue(), count


def _face(book, table, sheet: Sheet, columns: list[Column]) -> None:
    """Title and rule rows; print set-up: A4 landscape, one page wide, the header row on every page."""
    last = len(columns) - 1
    table.merge_range(0, 0, 0, last, safe_cell(sheet.title), book.add_format({"bold": True, "font_size": 16}))
    table.merge_range(1, 0, 1, last, safe_cell(sheet.rule), book.add_format({"font_color": "#444444"}))
    table.set_landscape()
    table.set_paper(A4)
    table.fit_to_pages(1, 0)
    table.repeat_rows(HEADER_ROW)
    table.set_footer("&C" + sheet.footer)


def write_csv(rows: Iterable[dict], columns: list[Column]) -> tuple[bytes, int]:
    """UTF-8 with BOM, so Excel on Chinese Windows opens it with the right characters; and the row count."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(row.get(c.field), c) for c in columns])
        count += 1
    return ("\ufeff" + text.getvalue()).encode("utf-8"), count
