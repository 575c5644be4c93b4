"""Files read in chunks (a few rows at a time here: SANSETU_IMPORT_CHUNK_ROWS) and scanned for their encoding
in small blocks: every row lands once, a bad row in a late chunk still rejects the whole file with its row
number and leaves every table as it was, rows repeating a key across chunks are found, and a second
encoding in a late block of the file is still refused. The answers are known by construction."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from data_access.importing import encodings
from data_access.importing import load as loader
from data_access.importing.load import ImportRequest, run_import
from data_access.keypersons import intake  # noqa: F401 (registers the key persons' kind)
from data_access.settings import load as load_settings
from i18n import t
from tests.builders import id_number
from tests.helpers import scratch_demo
from tests.test_imports import DISTRICT, RESIDENT_HEAD, csv_bytes, fingerprint, resident, wrong_check_digit

CHUNK = 7
ROWS = 45  # six full chunks and a part one


@pytest.fixture(scope="module")
def db(test_url):
    with scratch_demo(test_url, "chunks", seed=13) as engine:
        yield engine


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    """Seven rows per chunk, and the encoding scanned 64 bytes at a time (a line or two per block)."""
    monkeypatch.setattr(loader, "settings", lambda: load_settings({"SANSETU_IMPORT_CHUNK_ROWS": str(CHUNK)}))
    monkeypatch.setattr(encodings, "BLOCK", 64)


def load(engine, kind: str, content: bytes, name: str = "file.csv", **options):
    return run_import(engine, ImportRequest(kind, name, content, "operator", DISTRICT, **options))


def stored(engine, people: list[str]) -> dict[str, tuple[str, str]]:
    with engine.connect() as conn:
        return {p: (n, a) for p, n, a in conn.execute(text(
            "SELECT id_number, name, address FROM person WHERE id_number = ANY (:p)"), {"p": people})}


def residents(count: int) -> list[list[str]]:
    """count new residents, each with a name and an address of its own (an address spans two lines)."""
    return [resident(name=f"居民{n}", address=f"台州路 {n} 号\n{n} 室") for n in range(count)]


def as_csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    """Rows as Excel writes them: a cell holding a line break or a comma quoted."""
    def cell(value: str) -> str:
        return f'"{value}"' if any(c in value for c in ',"\n') else value

    return csv_bytes([[cell(v) for v in row] for row in rows], encoding)


def test_every_row_of_a_file_read_in_chunks_lands_once_as_written(db, tmp_path):
    rows = residents(ROWS)
    for row in rows[::4]:
        row[1] = f"{row[1]},拱墅"  # a quoted comma in a name
    path = tmp_path / "居民.csv"
    path.write_bytes(as_csv([[*RESIDENT_HEAD, "居住地址"], *rows], "gbk"))
    result = run_import(db, ImportRequest("residents", path.name, b"", "operator", DISTRICT, path=path))
    assert result.result == "loaded", (result.problem, result.errors[:3])
    assert (result.rows_read, result.rows_written, result.encoding) == (ROWS, ROWS, "GBK/GB18030")
    assert stored(db, [r[0] for r in rows]) == {r[0]: (r[1], r[5]) for r in rows}


def test_a_bad_row_in_the_last_chunk_rejects_the_file_and_names_its_row(db):
    rows = residents(ROWS)
    rows[-2][0] = wrong_check_digit(rows[-2][0])  # row 45 of the file (the header is row 1)
    before = fingerprint(db)
    result = load(db, "residents", as_csv([[*RESIDENT_HEAD, "居住地址"], *rows]))
    assert result.result == "rejected" and result.rows_read == ROWS
    assert [(e.row, e.reason) for e in result.errors] == [(ROWS, "id_checksum")]
    assert fingerprint(db) == before
    assert not stored(db, [r[0] for r in rows])


def test_a_row_the_database_refuses_in_the_last_chunk_rejects_the_file(db):
    rows = residents(ROWS)
    rows[-1][4] = "没有这个社区"
    before = fingerprint(db)
    result = load(db, "residents", as_csv([[*RESIDENT_HEAD, "居住地址"], *rows]))
    assert [(e.row, e.reason) for e in result.errors] == [(ROWS + 1, "unknown_community")]
    assert result.result == "rejected" and fingerprint(db) == before


def test_a_broken_quote_in_a_late_chunk_refuses_the_file_naming_its_row(db):
    rows = residents(ROWS)
    content = as_csv([[*RESIDENT_HEAD, "居住地址"], *rows]) + b'330105,"unclosed\r\n'
    before = fingerprint(db)
    result = load(db, "residents", content)
    assert result.result == "rejected"
    assert result.problem == t("import.file.csv_open_quote", row=ROWS + 2)
    assert fingerprint(db) == before and not stored(db, [r[0] for r in rows])


def test_rows_repeating_a_key_in_other_chunks_are_found_naming_the_first(db):
    rows = residents(ROWS)
    rows[40][0] = rows[2][0]  # row 42 repeats row 4, five chunks later
    rows[30][2] = "12345"  # row 32 has a bad phone number, and row 44 repeats its ID
    rows[42][0] = rows[30][0]
    result = load(db, "residents", as_csv([[*RESIDENT_HEAD, "居住地址"], *rows]))
    assert result.result == "rejected"
    assert sorted((e.row, e.reason, e.detail) for e in result.errors) == [
        (32, "phone", ""), (42, "duplicate", "4"), (44, "duplicate", "32")]
    skipped = load(db, "residents", as_csv([[*RESIDENT_HEAD, "居住地址"], *rows]), skip_bad_rows=True)
    assert (skipped.result, skipped.rows_written, skipped.rows_skipped) == ("loaded", ROWS - 3, 3)
    kept = stored(db, [r[0] for r in rows])
    assert kept[rows[2][0]] == (rows[2][1], rows[2][5])  # the first of the repeated rows
    assert rows[30][0] not in kept


def test_a_gbk_file_with_one_utf8_row_near_its_end_is_refused_naming_the_row(db):
    rows = [[*RESIDENT_HEAD, "居住地址"], *residents(ROWS)]
    lines = [",".join(r).replace("\n", " ").encode("utf-8" if i == ROWS - 1 else "gbk") for i, r in enumerate(rows)]
    content = b"\r\n".join(lines) + b"\r\n"
    assert len(content) > 40 * encodings.BLOCK  # the UTF-8 line is in one of the last blocks
    before = fingerprint(db)
    result = load(db, "residents", content, name="mixed.csv")
    assert result.result == "rejected" and f"第 {ROWS} 行是 UTF-8" in result.problem, result.problem
    assert "大部分行是 GBK" in result.problem and fingerprint(db) == before


def test_a_utf8_file_with_gbk_rows_near_its_end_or_bytes_of_neither_is_refused_naming_them(db):
    rows = [[*RESIDENT_HEAD, "居住地址"], *residents(ROWS)]
    lines = [",".join(r).replace("\n", " ").encode("gbk" if i in (ROWS - 3, ROWS) else "utf-8")
             for i, r in enumerate(rows)]
    result = load(db, "residents", b"\xef\xbb\xbf" + b"\n".join(lines), name="bom-mixed.csv")
    assert f"第 {ROWS - 2}、{ROWS + 1} 行是 GBK" in result.problem and "共 2 行" in result.problem, result.problem
    gbk = [",".join(r).replace("\n", " ").encode("gbk") for r in rows]
    gbk[-1] += b"\x80\xff"  # bytes no encoding reads, in the last line of a GBK file
    result = load(db, "residents", b"\n".join(gbk), name="broken.csv")
    assert result.problem == t("import.file.encoding", encoding="GBK/GB18030", line=ROWS + 1), result.problem


def test_a_garbled_line_near_the_end_of_a_utf16_file_is_named(db):
    rows = [[*RESIDENT_HEAD, "居住地址"], *residents(ROWS)]
    rows[-1][1] = "锟斤拷"
    content = "\r\n".join("\t".join(r).replace("\n", " ") for r in rows).encode("utf-16")
    result = load(db, "residents", content, name="unicode.txt")
    assert result.problem == t("import.file.garbled", lines=str(ROWS + 1), count=1), result.problem


def test_an_xlsx_read_in_chunks_lands_every_row_and_a_late_bad_row_rejects_it(db):
    rows = [resident(name=f"表格居民{n}") for n in range(ROWS)]
    book = openpyxl.Workbook()
    book.active.append(["标题：居民名单"])  # a title row above the header
    for row in [RESIDENT_HEAD, *rows]:
        book.active.append(row)
    bad = openpyxl.Workbook()
    for row in book.active.iter_rows(values_only=True):
        bad.active.append(list(row))
    bad.active.cell(row=ROWS + 2, column=4, value="外星")  # the last row: no such residence type
    contents = []
    for workbook in (bad, book):
        buffer = io.BytesIO()
        workbook.save(buffer)
        contents.append(buffer.getvalue())
    before = fingerprint(db)
    rejected = load(db, "residents", contents[0], name="居民.xlsx")
    assert [(e.row, e.reason) for e in rejected.errors] == [(ROWS + 2, "residence_type")]
    assert fingerprint(db) == before
    loaded = load(db, "residents", contents[1], name="居民.xlsx")
    assert (loaded.result, loaded.rows_read, loaded.rows_written) == ("loaded", ROWS, ROWS)
    assert {p: n for p, (n, _) in stored(db, [r[0] for r in rows]).items()} == {r[0]: r[1] for r in rows}


def test_a_request_for_a_file_on_disk_is_hashed_as_its_content(tmp_path):
    content = as_csv([RESIDENT_HEAD, resident(id_number())])
    path = Path(tmp_path / "a.csv")
    path.write_bytes(content)
    on_disk = ImportRequest("residents", "a.csv", b"", "operator", DISTRICT, path=path)
    assert on_disk.sha256 == ImportRequest("residents", "a.csv", content, "operator", DISTRICT).sha256
    assert on_disk.body == content


def test_a_kind_that_checks_across_rows_reads_its_file_as_one_chunk(db):
    """Key persons: a passport (with name and birth date) once per file, checked across rows, here ten rows
    apart: the kind is read whole (Kind.chunked is False), so the repeat is found."""
    head = ["姓名", "身份证号码", "护照号码", "国籍", "出生日期"]
    rows = [[f"Ahmed Hassan {n}", "", f"A{40000000 + n}", "埃及", "1985-03-02"] for n in range(12)]
    rows[10] = list(rows[0])
    result = load(db, "keypersons", as_csv([head, *rows]))
    assert result.result == "rejected"
    assert [(e.row, e.reason) for e in result.errors] == [(12, "duplicate")]
