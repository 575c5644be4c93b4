"""Big files: an XLSX that would take minutes and gigabytes to parse is refused before it is parsed, and
the staging COPY writes times the database reads back exactly."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import UTC, datetime, timedelta, timezone

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import text

from data_access.bulk import copy_frame
from data_access.importing import workbooks
from data_access.importing.base import FileProblem
from data_access.importing.files import read_rows
from data_access.importing.registry import kind
from data_access.settings import load
from tests.builders import id_number


@pytest.fixture
def one_megabyte(monkeypatch):
    """Sheets may expand to 1 MB (the default is 40)."""
    monkeypatch.setattr(workbooks, "settings", lambda: load({"SANSETU_XLSX_SHEET_MB": "1"}))


def _workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "健康码"
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_sheet_that_expands_past_the_limit_is_refused_naming_it_and_the_limit(one_megabyte):
    # numbers are written in the sheet itself: 40,000 rows expand to about 2 MB and zip to a tenth of it
    content = _workbook([["身份证号码", "健康码颜色"], *([n, n * 7] for n in range(40_000))])
    started = time.perf_counter()
    with pytest.raises(FileProblem) as refused:
        read_rows(content, "big.xlsx", kind("health_codes"))
    assert refused.value.key == "import.file.xlsx_too_big"
    assert refused.value.values["sheet"] == "健康码" and refused.value.values["limit"] == 1
    assert refused.value.values["size"] >= 2
    assert time.perf_counter() - started < 5  # refused before the rows are parsed


def _with_shared_strings(content: bytes, strings: list[str]) -> bytes:
    """The workbook with a shared-strings part, as Excel writes text (openpyxl writes it in the sheet)."""
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                         'main">' + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    return buffer.getvalue()


def test_a_workbook_whose_shared_strings_expand_past_the_limit_is_refused_before_it_is_opened(one_megabyte):
    content = _with_shared_strings(_workbook([["身份证号码", "健康码颜色"], [id_number(), "绿码"]]),
                                   [f"{id_number()} 绿码 {n} 号" for n in range(40_000)])
    with pytest.raises(FileProblem) as refused:
        read_rows(content, "strings.xlsx", kind("health_codes"))
    assert refused.value.key == "import.file.xlsx_strings_too_big"


def test_a_sheet_within_the_limit_is_read(one_megabyte):
    people = [id_number() for _ in range(200)]
    rows = read_rows(_workbook([["身份证号码", "健康码颜色"], *([p, "绿码"] for p in people)]), "small.xlsx",
                     kind("health_codes"))
    assert rows.frame["id_number"].tolist() == people


def test_times_reach_the_staging_table_as_the_same_instants(conn):
    beijing = timezone(timedelta(hours=8))
    times = [datetime(2026, 11, 27, 8, 0, 0, 123456, tzinfo=beijing), None,
             datetime(2020, 2, 29, 23, 59, 59, tzinfo=UTC)]
    frame = pd.DataFrame({"n": [1, 2, 3], "at": pd.to_datetime(pd.Series(times), utc=True)})
    conn.execute(text("CREATE TEMP TABLE times (n int, at timestamptz) ON COMMIT DROP"))
    copy_frame(conn, "times", frame)
    stored = conn.execute(text("SELECT at FROM times ORDER BY n")).scalars().all()
    assert stored == times


def test_a_big_hidden_sheet_beside_the_data_is_not_held_against_the_file(one_megabyte):
    """Only sheets that may be read count: the visible ones, or the one the operator names."""
    book = openpyxl.Workbook()
    people = [id_number() for _ in range(50)]
    for row in [["身份证号码", "健康码颜色"], *([p, "绿码"] for p in people)]:
        book.active.append(row)
    hidden = book.create_sheet("旧数据")
    for n in range(40_000):
        hidden.append([n, n * 7])
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_rows(buffer.getvalue(), "hidden.xlsx", kind("health_codes")).frame["id_number"].tolist() == people
    with pytest.raises(FileProblem) as refused:
        read_rows(buffer.getvalue(), "hidden.xlsx", kind("health_codes"), sheet="旧数据")
    assert refused.value.key == "import.file.xlsx_too_big" and refused.value.values["sheet"] == "旧数据"
