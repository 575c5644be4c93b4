"""Read a CSV, XLSX or HTML-table file as departments send it into rows of text, with the file's row numbers.

CSV: UTF-8 (with or without BOM), GBK/GB18030 (what Excel in Chinese saves), UTF-16 (Excel's "Unicode
text"), see encodings.py; the delimiter is sniffed on the header row. XLSX, and web pages saved as ".xls":
the one sheet or table whose header names every required column (or the one the operator chose), see
workbooks.py. The header is the first row, within the first five, that names a required column; rows above
it (a title) are skipped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import pandas as pd

from data_access.importing import cells, encodings, workbooks
from data_access.importing.base import FileProblem, Kind
from data_access.importing.workbooks import Table
from i18n import t

__all__ = ["FileProblem", "Rows", "header_key", "read_rows", "sheet_names"]
DELIMITERS = ",\t;|"
sheet_names = workbooks.sheet_names


@dataclass
class Rows:
    frame: pd.DataFrame  # one column per recognised field (text), plus "row": the row number in the file
    encoding: str
    file_format: str
    ignored: list[str] = field(default_factory=list)  # headers not recognised
    sheet: str = ""  # the sheet (or HTML table) read, when the file has more than one


def read_rows(content: bytes, file_name: str, kind: Kind, sheet: str | None = None) -> Rows:
    if not content.strip():
        raise FileProblem("import.file.empty")
    pick = _picker(kind, sheet)
    names: list[str] = []
    if content[:4] == b"PK\x03\x04":
        sheet_read, table, names = workbooks.xlsx_table(content, sheet, pick)
        encoding, file_format = "", "XLSX"
    elif content[:8] == workbooks.OLE_MAGIC:
        workbooks.refuse_office_container(content)
    else:
        workbooks.refuse_spreadsheet_xml(content)
        text, encoding = encodings.decode(content)
        if workbooks.is_html(content):
            sheet_read, table, names = workbooks.html_table(text, lambda i: t("import.file.table_name", n=i), pick)
            file_format = "HTML"
        else:
            sheet_read, table, file_format = "", _csv_rows(text, kind), "CSV"
    return _to_frame(table, kind, encoding, file_format, sheet_read if len(names) > 1 else "")


def _picker(kind: Kind, sheet: str | None) -> workbooks.Pick:
    """Of several tables, the one whose header names every required column; refuse if several do."""

    def pick(previews: dict[str, Table], default: str) -> str:
        if sheet:
            if sheet not in previews:
                raise FileProblem("import.file.no_sheet", sheet=sheet, sheets="、".join(previews))
            return sheet
        complete = [name for name, rows in previews.items() if _complete_header(rows, kind)]
        if len(complete) > 1:
            raise FileProblem("import.file.several_sheets", sheets="、".join(complete))
        if complete:
            return complete[0]
        # None fits: the one that comes closest (its refusal names what is missing), else the default.
        return max(previews, key=lambda name: (_known_columns(previews[name], kind), name == default))

    return pick


def _complete_header(rows: Table, kind: Kind) -> bool:
    lookup, required = _lookup(kind), {f.name for f in kind.fields if f.required}
    return any(required <= {lookup.get(header_key(c)) for c in row} for _, row in rows[:5])


def _known_columns(rows: Table, kind: Kind) -> int:
    """The most columns of the kind that one of the first five rows names."""
    lookup = _lookup(kind)
    return max((len({lookup.get(header_key(c)) for c in row} - {None}) for _, row in rows[:5]), default=0)


def _csv_rows(text: str, kind: Kind) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, kind), strict=True)
    rows: Table = []
    try:
        for row in reader:
            rows.append((len(rows) + 1, row))
    except csv.Error as exc:
        raise FileProblem(_csv_problem(str(exc)), row=len(rows) + 1, limit=csv.field_size_limit()) from exc
    return rows


def _delimiter(text: str, kind: Kind) -> str:
    """The delimiter that splits a header row (within the first five lines) into the most known columns:
    a title row above the header says nothing about the delimiter. Else the commonest in the first line."""
    head = text.split("\n", 5)[:5]

    def known(delimiter: str) -> int:
        try:
            rows = list(csv.reader(head, delimiter=delimiter))
        except csv.Error:  # a broken quote: the full read names its row
            return 0
        return _known_columns(list(enumerate(rows, start=1)), kind)

    best = max(DELIMITERS, key=known)
    if known(best):
        return best
    return max(DELIMITERS, key=head[0].count) if any(d in head[0] for d in DELIMITERS) else ","


_CSV_PROBLEMS = (("unexpected end of data", "import.file.csv_open_quote"),
                 ("field larger than field limit", "import.file.csv_field_limit"),
                 ("expected after", "import.file.csv_quote"),
                 ("new-line character", "import.file.csv_newline"),
                 ("NUL", "import.file.csv_nul"))


def _csv_problem(message: str) -> str:
    """The i18n key for the csv module's (English) message: the operator reads Chinese, with the row."""
    return next((key for text, key in _CSV_PROBLEMS if text in message), "import.file.csv")


def header_key(text: str) -> str:
    return re.sub(r"[\s*＊]", "", cells.normalise(text)).lower()


def _lookup(kind: Kind) -> dict[str, str]:
    return {header_key(h): f.name for f in kind.fields for h in f.headers}


def _to_frame(table: Table, kind: Kind, encoding: str, file_format: str, sheet: str) -> Rows:
    lookup = _lookup(kind)
    required = {f.name for f in kind.fields if f.required}
    header_at = next((i for i, (_, row) in enumerate(table[:5])
                      if {lookup.get(header_key(c)) for c in row} & required), None)
    if header_at is None:
        raise FileProblem("import.file.no_header", headers="、".join(f.header for f in kind.fields if f.required))
    header = table[header_at][1]
    positions: dict[str, int] = {}
    ignored = []
    for position, cell in enumerate(header):
        name = lookup.get(header_key(cell))
        if name is None:
            if cell.strip():
                ignored.append(cell.strip())
        elif name in positions:
            raise FileProblem("import.file.duplicate_column", column=cell.strip())
        else:
            positions[name] = position
    missing = [f.header for f in kind.fields if f.required and f.name not in positions]
    if missing:
        raise FileProblem("import.file.missing_columns", columns="、".join(missing))
    numbers, columns = [], {name: [] for name in positions}
    for number, row in table[header_at + 1:]:
        if not any(c.strip() for c in row):
            continue  # blank lines are not rows
        numbers.append(number)
        for name, position in positions.items():
            columns[name].append(row[position] if position < len(row) else "")
    if not numbers:
        raise FileProblem("import.file.no_rows")
    frame = pd.DataFrame({"row": numbers, **columns})
    for f in kind.fields:
        if f.name not in frame:
            frame[f.name] = ""
    return Rows(frame, encoding, file_format, ignored, sheet)
