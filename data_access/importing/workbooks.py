"""Files that hold named tables: XLSX workbooks (sheets) and web pages saved as ".xls" (HTML tables); and
what an Office container that is not an XLSX really is (an old .xls, or a file with an opening password).

Which table is read is chosen by the caller from a preview of each (its first rows): see files.read_rows.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from typing import NoReturn

from data_access.importing.base import FileProblem
from data_access.settings import settings

Table = list[tuple[int, list[str]]]  # (row number in the file, cells as text)
Pick = Callable[[dict[str, Table], str], str]  # (previews of the tables, the default) -> the name to read
PREVIEW_ROWS = 5
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(rb"<(html|table)\b", re.IGNORECASE)
_SPREADSHEET_XML = re.compile(rb"urn:schemas-microsoft-com:office:spreadsheet")


def refuse_office_container(content: bytes) -> NoReturn:
    """An OLE compound file: an XLSX with an opening password (Excel encrypts the package inside one), or an
    old .xls, or another Office file. Always raises, saying which."""
    import msoffcrypto  # imported here: only such files need it

    try:
        encrypted = msoffcrypto.OfficeFile(io.BytesIO(content)).is_encrypted()
    except Exception:  # not an Office file msoffcrypto knows (or damaged): the old .xls message still helps
        encrypted = False
    raise FileProblem("import.file.password" if encrypted else "import.file.xls")


def is_html(content: bytes) -> bool:
    """A web page (also XHTML, or a bare table) rather than a CSV: markup first, and an html or table tag."""
    start = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"<") and bool(_HTML.search(start))


def refuse_spreadsheet_xml(content: bytes) -> None:
    """Excel 2003 XML ("XML 电子表格"), which web systems also save as .xls."""
    if content.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<?xml") and _SPREADSHEET_XML.search(content[:4096]):
        raise FileProblem("import.file.spreadsheet_xml")


def xlsx_table(content: bytes, sheet: str | None, pick: Pick) -> tuple[str, Table, list[str]]:
    """(the sheet read, its rows, every sheet's name). A sheet named by the operator is read even when
    hidden; otherwise pick chooses among the visible sheets, the active one being the default."""
    from openpyxl import load_workbook  # imported here: only XLSX files need it

    _refuse_oversized(content, sheet)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # a damaged archive raises many kinds of errors
        raise FileProblem("import.file.xlsx") from exc
    try:
        names = [ws.title for ws in book.worksheets]
        if sheet:
            if sheet not in names:
                raise FileProblem("import.file.no_sheet", sheet=sheet, sheets="、".join(names))
            chosen = sheet
        else:
            visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
            if not visible:
                raise FileProblem("import.file.no_rows")
            active = book.active.title if book.active in visible else visible[0].title
            chosen = pick({ws.title: _sheet_rows(ws, PREVIEW_ROWS) for ws in visible}, active)
        return chosen, _sheet_rows(book[chosen]), names
    except FileProblem:
        raise
    except Exception as exc:  # a sheet whose XML is damaged
        raise FileProblem("import.file.xlsx") from exc
    finally:
        book.close()


def _refuse_oversized(content: bytes, sheet: str | None) -> None:
    """Refuse, before anything is parsed, shared strings or a sheet that may be read (the one named, else
    every visible one) expanding past the limit: openpyxl reads all the shared strings on opening, and
    scans a whole sheet that lacks its dimension record; parsing such a sheet would take minutes and
    several times its size in memory (a CSV of the same rows is read several times faster). Sizes are as
    the archive states them (reading never goes past them); a damaged archive is left to the opening."""
    from openpyxl.reader.workbook import WorkbookParser

    limit = settings().xlsx_sheet_mb
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sizes = {i.filename: i.file_size for i in archive.infolist()}
            book = WorkbookParser(archive, "xl/workbook.xml")
            book.parse()
            sheets = [(s.name, rel.target.lstrip("/")) for s, rel in book.find_sheets()
                      if (s.name == sheet if sheet else (s.state or "visible") == "visible")]
    except Exception:  # a damaged or unusual archive: opening it says what is wrong
        return
    if sizes.get("xl/sharedStrings.xml", 0) > limit * 1_000_000:
        raise FileProblem("import.file.xlsx_strings_too_big", size=round(sizes["xl/sharedStrings.xml"] / 1e6),
                          limit=limit)
    for name, path in sheets:
        if sizes.get(path, 0) > limit * 1_000_000:
            raise FileProblem("import.file.xlsx_too_big", sheet=name, size=round(sizes[path] / 1e6), limit=limit)


def sheet_names(content: bytes) -> list[str]:
    """The visible sheets of an XLSX (empty for any other file), for the operator to choose from."""
    if content[:4] != b"PK\x03\x04":
        return []
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True)
    except Exception:  # the import itself will say what is wrong with the file
        return []
    try:
        return [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    finally:
        book.close()


def _sheet_rows(sheet, limit: int | None = None) -> Table:
    rows = sheet.iter_rows(values_only=True, max_row=limit)
    return [(number, [cell_text(v) for v in row]) for number, row in enumerate(rows, start=1)]


def cell_text(value: object) -> str:
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


def html_table(text: str, name: Callable[[int], str], pick: Pick) -> tuple[str, Table, list[str]]:
    """The tables of a web page saved as .xls (what many web systems export), each row's cells as text."""
    import lxml.html  # imported here: only such files need it

    try:
        page = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", text))
    except Exception as exc:  # lxml refuses an empty or unparsable document
        raise FileProblem("import.file.html") from exc
    tables = {name(i): _html_rows(table) for i, table in enumerate(page.iter("table"), start=1)}
    tables = {k: v for k, v in tables.items() if v}
    if not tables:
        raise FileProblem("import.file.html")
    largest = max(tables, key=lambda k: len(tables[k]))
    chosen = pick({k: v[:PREVIEW_ROWS] for k, v in tables.items()}, largest)
    return chosen, tables[chosen], list(tables)


def _html_rows(table) -> Table:
    """The table's own rows (not those of a table inside it), each cell's text as a browser shows it."""
    rows = [tr for tr in table.iter("tr") if next(tr.iterancestors("table")) is table]
    return [(number, [" ".join(cell.text_content().split()) for cell in tr if cell.tag in ("td", "th")])
            for number, tr in enumerate(rows, start=1)]
