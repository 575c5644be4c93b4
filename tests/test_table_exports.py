"""The enterprise table (filter, sort, page, search) and its exports, compared with the database."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import text

from callbacks.enterprises.table import table_page
from data_access.exporters import Column, Sheet, safe_cell, write_csv, write_xlsx
from tests.helpers import access_of, logged_in_client

STREET = "330105005000"


@pytest.fixture(scope="module")
def client(app_module):
    return logged_in_client(app_module, "official")


@pytest.fixture(scope="module")
def official(demo):
    return access_of("official")


def _shown(cell: str) -> str:
    """A CSV cell as a spreadsheet shows it: ="923301…" is the text 923301…."""
    return cell[2:-1] if cell.startswith('="') and cell.endswith('"') else cell


def _codes(engine, sql: str, **params) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(text(sql), params).scalars())


def test_status_filter_and_total_match_the_database(engine, official):
    rows, total = table_page({"startRow": 0, "endRow": 500}, official, STREET, ("warned",), None, None)
    expected = _codes(engine, "SELECT credit_code FROM enterprise_stats WHERE status = 'warned'"
                              " AND community_code LIKE '330105005%'")
    assert total == len(expected) and {r["credit_code"] for r in rows} == expected
    assert all(r["status_name"] == "警告" for r in rows)


def test_sorting_and_paging_walk_the_table_without_gaps_or_repeats(engine, official):
    request = {"sortModel": [{"colId": "employees_total", "sort": "desc"}]}
    first, total = table_page({**request, "startRow": 0, "endRow": 50}, official, STREET, (), None, None)
    second, _ = table_page({**request, "startRow": 50, "endRow": 100}, official, STREET, (), None, None)
    sizes = [r["employees_total"] for r in first + second]
    assert sizes == sorted(sizes, reverse=True)
    assert not {r["credit_code"] for r in first} & {r["credit_code"] for r in second}
    assert total == len(_codes(engine, "SELECT credit_code FROM enterprise WHERE community_code LIKE '330105005%'"))


def test_search_by_name_or_code_prefix(engine, official):
    with engine.connect() as conn:
        code, name = conn.execute(text("SELECT credit_code, name FROM enterprise WHERE community_code LIKE"
                                       " '330105005%' ORDER BY credit_code LIMIT 1")).one()
    by_code, _ = table_page({"startRow": 0, "endRow": 50}, official, STREET, (), None, code[:14])
    assert code in {r["credit_code"] for r in by_code}
    by_name, _ = table_page({"startRow": 0, "endRow": 50}, official, STREET, (), None, name)
    assert all(name in r["name"] for r in by_name) and by_name


@pytest.mark.parametrize("attack", ["%' OR 1=1 --", "'; DROP TABLE enterprise; --", "_%_", "\\"])
def test_injection_strings_in_the_search_match_nothing_and_break_nothing(engine, attack, official):
    rows, total = table_page({"startRow": 0, "endRow": 50}, official, STREET, (), None, attack)
    assert (rows, total) == ([], 0)
    assert _codes(engine, "SELECT count(*)::text FROM enterprise") != {"0"}


def test_a_sort_or_status_the_table_does_not_offer_is_refused(official):
    assert table_page({"sortModel": [{"colId": "id_number", "sort": "asc"}]}, official, STREET, (), None, None) is None
    assert table_page({"startRow": 0, "endRow": 5}, official, STREET, ("open",), None, None) is None


def _download_name(response) -> str:
    from urllib.parse import unquote

    return unquote(response.headers["Content-Disposition"].split("UTF-8''")[1])


def test_cleared_list_as_xlsx_holds_exactly_the_cleared_enterprises(client, engine):
    response = client.get(f"/export/enterprises.xlsx?area={STREET}&list=cleared")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    table, about = book.worksheets
    header = [c.value for c in table[3]]
    assert header[:2] == ["统一社会信用代码", "企业名称"] and "复工状态" in header
    assert table.freeze_panes == "A4"
    codes = {row[0] for row in table.iter_rows(min_row=4, values_only=True)}
    assert codes == _codes(engine, "SELECT credit_code FROM enterprise_stats WHERE status = 'cleared'"
                                   " AND community_code LIKE '330105005%'")
    facts = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
    assert facts["区域"] == "拱宸桥街道" and "数据时间" in facts and "导出时间" in facts
    assert facts["行数"] == f"{len(codes):,}" and facts["名单规则"] == "全员绿码，可复工"


def test_the_xlsx_has_a_title_the_lists_rule_and_prints_on_a4_landscape_with_the_header_on_every_page(client):
    response = client.get(f"/export/enterprises.xlsx?area={STREET}&list=cleared")
    table = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert table["A1"].value == "拱宸桥街道可复工企业名单" and table["A1"].font.b
    assert table["A2"].value.startswith("名单规则：全员绿码，可复工。数据时间：")
    assert "A1:L1" in {str(r) for r in table.merged_cells.ranges}
    assert table.page_setup.orientation == "landscape" and str(table.page_setup.paperSize) == "9"
    assert table.print_title_rows == "$3:$3"
    assert table.oddFooter.center.text == "第 &P 页，共 &N 页"
    # one page wide (fitToWidth's default, 1), as many pages long as it takes
    assert table.sheet_properties.pageSetUpPr.fitToPage and table.page_setup.fitToWidth in (None, 1)
    assert table.page_setup.fitToHeight == 0


def test_file_names_say_what_the_list_is_and_carry_beijing_time(client):
    from datetime import datetime, timedelta

    from domain.clock import BEIJING, now

    by_filter = _download_name(client.get(f"/export/enterprises.xlsx?area={STREET}&status=cleared"))
    assert by_filter.startswith("拱宸桥街道可复工企业名单_")
    assert _download_name(client.get(f"/export/enterprises.csv?area={STREET}&status=caution")).startswith(
        "拱宸桥街道关注企业名单_")
    assert _download_name(client.get(f"/export/enterprises.csv?area={STREET}")).startswith("拱宸桥街道企业名单_")
    stamp = datetime.strptime(by_filter.split("_", 1)[1].removesuffix(".xlsx"), "%Y%m%d_%H%M").replace(tzinfo=BEIJING)
    assert abs(now() - stamp) < timedelta(minutes=2)  # Beijing time, not the server's UTC


def test_all_digit_credit_codes_stay_text_in_excel_from_the_csv(client, engine):
    """Excel reads 923301051234567890 as 9.23E+17; ="923301051234567890" it keeps as the code."""
    response = client.get(f"/export/enterprises.csv?area={STREET}")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))[1:]
    everyone = _codes(engine, "SELECT credit_code FROM enterprise WHERE community_code LIKE '330105005%'")
    digits = {c for c in everyone if c.isdigit()}
    assert digits and digits != everyone  # the demo has both kinds
    assert {r[0] for r in rows} == {f'="{c}"' if c in digits else c for c in everyone}
    assert all(not cell.startswith("=") for r in rows for cell in r[1:])  # no other cell is a formula


def test_a_code_column_makes_only_pure_digits_into_text_formulas():
    columns = [Column("code", "代码", 20, code=True), Column("name", "名称", 20)]
    rows = [{"code": "923301051234567890", "name": "123456"}, {"code": '1"&HYPERLINK("x")&"', "name": "a"},
            {"code": "=1+1", "name": "b"}, {"code": "91330105MA27XL1X1C", "name": "c"}, {"code": None, "name": "d"}]
    out = list(csv.reader(io.StringIO(write_csv(rows, columns)[0].decode("utf-8-sig"))))[1:]
    assert [r[0] for r in out] == ['="923301051234567890"', '1"&HYPERLINK("x")&"', "'=1+1",
                                   "91330105MA27XL1X1C", ""]
    assert out[0][1] == "123456"  # not a code column: left as it is


def test_warned_list_as_csv_has_a_bom_and_the_warned_rows(client, engine):
    response = client.get(f"/export/enterprises.csv?area={STREET}&list=warned")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "统一社会信用代码"
    assert {_shown(r[0]) for r in rows[1:]} == _codes(engine, "SELECT credit_code FROM enterprise_stats WHERE status ="
                                                     " 'warned' AND community_code LIKE '330105005%'")


def test_export_follows_the_tables_filters(client, engine):
    response = client.get(f"/export/enterprises.csv?area={STREET}&status=caution,warned&industry=制造业")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))[1:]
    assert {_shown(r[0]) for r in rows} == _codes(
        engine, "SELECT e.credit_code FROM enterprise e JOIN enterprise_stats s USING (credit_code)"
                " WHERE s.status IN ('caution', 'warned') AND e.industry = '制造业'"
                " AND e.community_code LIKE '330105005%'")


@pytest.mark.parametrize(("query", "status"), [
    ("enterprises.xlsx?area=abc", 400), ("enterprises.xlsx?area=330105005000&status=open", 400),
    ("enterprises.xlsx?area=330105005000&list=everything", 400), ("enterprises.pdf?area=330105005000", 404),
])
def test_bad_export_requests_get_a_chinese_message(client, query, status):
    response = client.get("/export/" + query)
    assert response.status_code == status and "导出参数无效" in response.data.decode()


def test_cells_that_would_run_as_formulas_stay_text():
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [safe_cell(v) for v in ("+1", "-2", "@a", "ok", 5)] == ["'+1", "'-2", "'@a", "ok", 5]
    columns = [Column("name", "企业名称", 20), Column("n", "数", 5)]
    rows = [{"name": "=1+1", "n": 3}, {"name": "@SUM(A1)", "n": None}]
    face = Sheet("表", "=title", "@rule", "第 &P 页")
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(rows, columns, face, [("区域", "=x")])[0]))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet["A"]][3:] == ["'=1+1", "'@SUM(A1)"]
    assert sheet["A4"].data_type == "s" and sheet["B4"].value == 3
    assert (sheet["A1"].value, sheet["A2"].value) == ("'=title", "'@rule")
    assert "'=1+1" in write_csv(rows, columns)[0].decode("utf-8-sig")


def test_a_new_metric_or_basis_does_not_read_the_table_again(as_user):
    from dash import no_update

    from callbacks.enterprises.table import follow_area

    with as_user("official"):
        assert follow_area("?street=330105005000", None) == "330105005000"
        assert follow_area("?street=330105005000&metric=red&basis=both", "330105005000") is no_update
        assert follow_area("?street=330105005000&community=330105005051", "330105005000") == "330105005051"


def test_an_area_sent_by_hand_for_the_table_is_the_users_own(as_user):
    from callbacks.enterprises.table import refilter_table

    with as_user("gcq.official"):
        count = refilter_table("330105003000", None, None, None)[3]  # another street
        own = refilter_table("330105005000", None, None, None)[3]
        assert count == own
        assert refilter_table("bogus", None, None, None)[3] == own
