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
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import pandas as pd

from data_access.importing import cells, encodings, workbooks
from data_access.importing.base import FileProblem, Kind
from data_access.importing.workbooks import Records, Table
from i18n import t

__all__ = ["FileProblem", "Reading", "Rows", "header_key", "open_rows", "read_rows", "sheet_names"]
DELIMITERS = ",\t;|"
HEAD_CHARS = 1 << 20  # the most text read to sniff the delimiter on (the first five lines)
sheet_names = workbooks.sheet_names


@dataclass
class Rows:
    frame: pd.DataFrame  # one column per recognised field (text), plus "row": the row number in the file
    encoding: str
    file_format: str
    ignored: list[str] = field(default_factory=list)  # headers not recognised
    sheet: str = ""  # the sheet (or HTML table) read, when the file has more than one


@dataclass
class Reading:
    """A file whose header is understood and whose rows are read as they are asked for (chunks), so a file
    of a million rows never sits in memory as rows: see load.py, which checks and stages chunk by chunk."""

    encoding: str
    file_format: str
    ignored: list[str]
    sheet: str  # the sheet (or HTML table) read, when the file has more than one
    positions: dict[str, int]  # field name -> column
    names: tuple[str, ...]  # every field of the kind
    records: Records  # the rows after the header: (row number, cells)

    def chunks(self, size: int) -> Iterator[pd.DataFrame]:
        """Frames of at most size rows (blank lines are not rows): the fields as text, plus "row"."""
        rows = (record for record in self.records if any(c.strip() for c in record[1]))  # blank lines are not rows
        while chunk := list(itertools.islice(rows, size)):
            yield self._frame(chunk)

    def _frame(self, chunk: list[tuple[int, list[str]]]) -> pd.DataFrame:
        columns = {name: [row[position] if position < len(row) else "" for _, row in chunk]
                   for name, position in self.positions.items()}
        frame = pd.DataFrame({"row": [number for number, _ in chunk], **columns})
        for name in self.names:
            if name not in frame:
                frame[name] = ""
        return frame


def read_rows(content: bytes, file_name: str, kind: Kind, sheet: str | None = None) -> Rows:
    """The whole file's rows in one frame (small files: live batches, tests)."""
    reading = open_rows(io.BytesIO(content), file_name, kind, sheet)
    frames = list(reading.chunks(1 << 62))
    if not frames:
        raise FileProblem("import.file.no_rows")
    return Rows(frames[0], reading.encoding, reading.file_format, reading.ignored, reading.sheet)


def open_rows(source: BinaryIO, file_name: str, kind: Kind, sheet: str | None = None) -> Reading:
    """The file (a seekable binary stream) opened for reading: refused here if its encoding is wrong
    anywhere in it (the whole file is scanned first), or its header is; a row's fault is found as it is read.
    """
    if _blank(source):
        raise FileProblem("import.file.empty")
    pick = _picker(kind, sheet)
    names: list[str] = []
    start = source.read(4096)
    source.seek(0)
    if start[:4] == b"PK\x03\x04":
        sheet_read, records, names = workbooks.xlsx_rows(source, sheet, pick)
        encoding, file_format = "", "XLSX"
    elif start[:8] == workbooks.OLE_MAGIC:
        workbooks.refuse_office_container(source.read())
    else:
        workbooks.refuse_spreadsheet_xml(start)
        if workbooks.is_html(start):
            text, encoding = encodings.decode(source.read())
            sheet_read, table, names = workbooks.html_table(text, lambda i: t("import.file.table_name", n=i), pick)
            records, file_format = iter(table), "HTML"
        else:
            found = encodings.scan(source)
            sheet_read, records, file_format, encoding = "", _csv_records(source, found, kind), "CSV", found.name
    return _reading(records, kind, encoding, file_format, sheet_read if len(names) > 1 else "")


def _blank(source: BinaryIO) -> bool:
    """Nothing but white space (or nothing at all)."""
    source.seek(0)
    while block := source.read(1 << 16):
        if block.strip():
            source.seek(0)
            return False
    return True


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


def _csv_records(source: BinaryIO, found: encodings.Encoding, kind: Kind) -> Records:
    """The CSV's records as they are read, each with its number (a quoted line break stays in its record)."""
    head = found.text(source)
    sample = ""
    while sample.count("\n") < 5 and len(sample) < HEAD_CHARS and (more := head.read(1 << 16)):
        sample += more
    head.detach()
    text = found.text(source)
    reader = csv.reader(text, delimiter=_delimiter(sample, kind), strict=True)
    number = 0
    try:
        for row in reader:
            number += 1
            yield number, row
    except csv.Error as exc:
        raise FileProblem(_csv_problem(str(exc)), row=number + 1, limit=csv.field_size_limit()) from exc
    finally:
        text.detach()


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


def _reading(records: Records, kind: Kind, encoding: str, file_format: str,
             sheet: str) -> Reading:
    """The header (the first of the first five rows that names a required column) understood."""
    lookup = _lookup(kind)
    required = {f.name for f in kind.fields if f.required}
    first = list(itertools.islice(records, 5))
    header_at = next((i for i, (_, row) in enumerate(first)
                      if {lookup.get(header_key(c)) for c in row} & required), None)
    if header_at is None:
        raise FileProblem("import.file.no_header", headers="、".join(f.header for f in kind.fields if f.required))
    header = first[header_at][1]
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
    return Reading(encoding, file_format, ignored, sheet, positions, tuple(f.name for f in kind.fields),
                   itertools.chain(first[header_at + 1:], records))
