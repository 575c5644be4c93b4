"""Files that hold named tables: XLSX workbooks (sheets) and web pages saved as ".xls" (HTML tables); and
what an Office container that is not an XLSX really is (an old .xls, or a file with an opening password).

Which table is read is chosen by the caller from a preview of each (its first rows): see files.open_rows.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import BinaryIO, NoReturn

from data_access.importing.base import FileProblem
from data_access.settings import settings

Table = list[tuple[int, list[str]]]  # (row number in the file, cells as text)
Records = Iterator[tuple[int, list[str]]]  # the same, read as they are asked for
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


def xlsx_rows(source: BinaryIO, sheet: str | None, pick: Pick) -> tuple[str, Records, list[str]]:
    """(the sheet read, its rows as they are read, every sheet's name). A sheet named by the operator is read
    even when hidden; otherwise pick chooses among the visible sheets, the active one being the default.

    Sheets are parsed by calamine (Rust): several times faster than openpyxl, and held as compact cells
    rather than Python objects; the rows become text one at a time as they are read."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    sizes, sheets_read, active = _parts(source, sheet)
    _refuse_oversized(sizes, sheets_read)
    try:
        source.seek(0)
        book = CalamineWorkbook.from_filelike(source)
        sheets = [m for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    except Exception as exc:  # a damaged archive raises many kinds of errors
        raise FileProblem("import.file.xlsx") from exc
    names = [m.name for m in sheets]
    try:
        loaded = {}
        if sheet:
            if sheet not in names:
                raise FileProblem("import.file.no_sheet", sheet=sheet, sheets="、".join(names))
            chosen = sheet
        else:
            visible = [m.name for m in sheets if m.visible == SheetVisibleEnum.Visible]
            if not visible:
                raise FileProblem("import.file.no_rows")
            default = active if active in visible else visible[0]
            if len(visible) == 1:
                chosen = default
            else:
                loaded = {name: book.get_sheet_by_name(name) for name in visible}
                chosen = pick({name: list(_calamine_rows(s, PREVIEW_ROWS)) for name, s in loaded.items()}, default)
        chosen_sheet = loaded[chosen] if chosen in loaded else book.get_sheet_by_name(chosen)
        loaded.clear()
    except FileProblem:
        raise
    except Exception as exc:  # a sheet whose XML is damaged
        raise FileProblem("import.file.xlsx") from exc
    finally:
        book.close()
    return chosen, _calamine_rows(chosen_sheet), names


def _calamine_rows(sheet, limit: int | None = None) -> Records:
    """A sheet's rows from row 1 and column A (calamine starts at the first column used), as text."""
    pad = [""] * sheet.start[1] if sheet.height else []
    rows = sheet.iter_rows()
    for number, row in enumerate(rows if limit is None else itertools.islice(rows, limit), start=1):
        yield number, pad + [cell_text(v) for v in row]


def _parts(source: BinaryIO, sheet: str | None) -> tuple[dict[str, int], list[tuple[str, str]], str | None]:
    """(each part's expanded size, (name, part) of the sheets that may be read: the one named, else the
    visible ones, the active sheet's name) from the archive's directory and workbook.xml: nothing of a
    sheet is parsed. Sizes are as the archive states them. A damaged or unusual archive gives nothing
    here: opening it says what is wrong."""
    from openpyxl.packaging.workbook import WorkbookPackage
    from openpyxl.reader.workbook import WorkbookParser
    from openpyxl.xml.functions import fromstring

    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            sizes = {i.filename: i.file_size for i in archive.infolist()}
            package = WorkbookPackage.from_tree(fromstring(archive.read("xl/workbook.xml")))
            book = WorkbookParser(archive, "xl/workbook.xml")
            book.sheets = package.sheets
            sheets = [(s.name, rel.target.lstrip("/")) for s, rel in book.find_sheets()
                      if (s.name == sheet if sheet else (s.state or "visible") == "visible")]
            active = package.sheets[package.active].name if package.active < len(package.sheets) else None
    except Exception:  # a damaged or unusual archive: opening it says what is wrong
        return {}, [], None
    return sizes, sheets, active


def _refuse_oversized(sizes: dict[str, int], sheets: list[tuple[str, str]]) -> None:
    """Refuse, before anything is parsed, shared strings or a sheet that may be read (the one named, else
    every visible one) expanding past the limit: a sheet is parsed whole into memory, and the shared
    strings with it; parsing such a sheet would take minutes and several times its size in memory (a CSV
    of the same rows is read in chunks, its memory bounded)."""
    limit = settings().xlsx_sheet_mb
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
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception:  # the import itself will say what is wrong with the file
        return []
    try:
        return [m.name for m in book.sheets_metadata
                if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible]
    finally:
        book.close()


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
