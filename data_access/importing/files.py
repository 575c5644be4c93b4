"""Read a CSV or XLSX file as departments send it into rows of text, with Excel's row numbers.

CSV: UTF-8 (with or without BOM), GBK/GB18030 (what Excel in Chinese saves), UTF-16 (Excel's "Unicode
text"); the delimiter is sniffed. XLSX: the first sheet with a recognisable header. The header is the
first row, within the first five, that names a required column; rows above it (a title) are skipped.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time

import pandas as pd

from data_access.importing.base import FileProblem, Kind

__all__ = ["FileProblem", "Rows", "header_key", "read_rows"]


@dataclass
class Rows:
    frame: pd.DataFrame  # one column per recognised field (text), plus "row": the row number in the file
    encoding: str
    file_format: str
    ignored: list[str] = field(default_factory=list)  # headers not recognised


def read_rows(content: bytes, file_name: str, kind: Kind) -> Rows:
    if not content.strip():
        raise FileProblem("import.file.empty")
    if content[:4] == b"PK\x03\x04":
        table, encoding, file_format = _xlsx_rows(content), "", "XLSX"
    elif content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileProblem("import.file.xls")
    else:
        text, encoding = _decode(content)
        table, file_format = _csv_rows(text), "CSV"
    return _to_frame(table, kind, encoding, file_format)


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(b"\xef\xbb\xbf"):
        candidates = [(content[3:], "utf-8", "UTF-8 (BOM)")]
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [(content, "utf-16", "UTF-16")]
    else:  # GB18030 decodes every GBK file, and is what Excel in Chinese saves as "CSV"
        candidates = [(content, "utf-8", "UTF-8"), (content, "gb18030", "GBK/GB18030")]
    for data, codec, name in candidates:
        try:
            return data.decode(codec), name
        except UnicodeDecodeError:
            continue
    raise FileProblem("import.file.encoding")


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;|", key=first.count) if any(d in first for d in ",\t;|") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise FileProblem("import.file.csv", line=reader.line_num, reason=str(exc)) from exc


def _xlsx_rows(content: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # imported here: only XLSX files need it

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # a damaged archive raises many kinds of errors
        raise FileProblem("import.file.xlsx") from exc
    try:
        sheet = book.worksheets[0]
        return [(number, [_cell_text(v) for v in row])
                for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A cell as the text a person sees; numbers Excel holds as floats keep the form that betrays them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6G}" if abs(value) >= 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def header_key(text: str) -> str:
    return re.sub(r"[\s*＊]", "", unicodedata.normalize("NFKC", text)).lower()


def _to_frame(table: list[tuple[int, list[str]]], kind: Kind, encoding: str, file_format: str) -> Rows:
    lookup = {header_key(h): f.name for f in kind.fields for h in f.headers}
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
    return Rows(frame, encoding, file_format, ignored)
