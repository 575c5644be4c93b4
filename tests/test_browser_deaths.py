"""A data operator uploads a deaths list (死亡人员名单) on the import tab in headless Chromium: the deaths are recorded,
the summary says how many and that their payments are held, and the list's faults (an unknown ID, a name unlike the
register's, a person listed twice, a 序号 used twice) are listed as warnings. An official sees the held payments of
the dead (the demo's deaths list holds one) on the payments tab. The console stays empty."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from data_access.demo.policy_lists import unknown_id
from domain import clock
from layouts.policies import ids
from tests.browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def _console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_an_operator_uploads_a_deaths_list_and_sees_the_summary_and_its_warnings(browser, server, engine, tmp_path):
    with engine.connect() as conn:
        alive = conn.execute(text("""
            SELECT p.id_number, p.name FROM person p WHERE p.community_code IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM person_attribute a WHERE a.id_number = p.id_number)
              AND NOT EXISTS (SELECT 1 FROM policy_payment y WHERE y.id_number = p.id_number)
            ORDER BY md5(p.id_number || 'browser-deaths') LIMIT 2""")).all()
    day = clock.today().replace(day=1).isoformat()
    lines = [(1, *alive[0], day), (2, alive[1][0], alive[1][1][0] + "某某", day), (3, unknown_id(60), "李某", day),
             (3, *alive[0], day)]
    path = tmp_path / "死亡人员名单.csv"
    path.write_bytes(("序号,身份证号,姓名,死亡日期\r\n" + "".join(
        f"{n},{a},{b},{c}\r\n" for n, a, b, c in lines)).encode("utf-8"))

    page = browser.new_page(viewport={"width": 1600, "height": 1100}, locale="zh-CN")
    errors = _console(page)
    login(page, server, "operator")
    page.get_by_text("数据导入", exact=True).click()
    page.wait_for_selector("#import-templates a")
    page.click("#import-kind")
    page.get_by_role("option", name="死亡人员名单（民政、公安）").click()
    page.wait_for_selector("#import-templates a[href='/import/template/deaths_list.csv']")
    blank = page.request.get(server + "/import/template/deaths_list.csv").body().decode("utf-8-sig")
    assert blank.startswith("序号,身份证号码*,姓名*,死亡日期,")  # its template downloads
    page.set_input_files("#import-upload input[type=file]", str(path))
    page.wait_for_function("() => !document.querySelector('#import-start').disabled", timeout=10_000)
    page.click("#import-start")
    page.wait_for_selector("#import-result table.import-errors", timeout=60_000)
    shown = page.inner_text("#import-result")
    assert "导入成功" in shown and "需核对的问题" in shown
    assert "已登记死亡 2 人" in shown and "暂停发放" in shown
    rows = page.locator("#import-result table.import-errors tbody tr")
    listed = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
    assert sorted(r[0] for r in listed) == ["3", "4", "5", "5"]
    reasons = " ".join(r[3] for r in listed)
    for words in ("姓名与人口库不一致", "未登记死亡", "与第 2 行重复", "序号与文件中另一行相同"):
        assert words in reasons, words
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "deaths_import.png"), full_page=True)
    assert errors == []
    page.close()
    with engine.begin() as conn:
        died = conn.execute(text("SELECT count(*) FROM person_attribute WHERE id_number = ANY(:i)"
                                 " AND deceased_on = CAST(:d AS date)"),
                            {"i": [a[0] for a in alive], "d": day}).scalar()
        conn.execute(text("UPDATE person_attribute SET deceased_on = NULL WHERE id_number = ANY(:i)"),
                     {"i": [a[0] for a in alive]})  # the demo's residents as they were
    assert died == 2


def test_an_official_sees_the_held_payments_of_the_dead_on_the_payments_tab(browser, server):
    page = browser.new_page(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    errors = _console(page)
    login(page, server, "official", "/policies")
    page.get_by_text("资金发放", exact=True).click()
    page.wait_for_selector(f"#{ids.HELD_GRID} .ag-row", timeout=60_000)
    assert "已登记死亡人员的待发放款项" in page.inner_text("body")
    states = page.locator(f"#{ids.HELD_GRID} .ag-cell[col-id=state]").all_inner_texts()
    assert "暂停发放，不列入新的发放名册" in states
    page.screenshot(path=str(ARTIFACTS / "deaths_held_payments.png"), full_page=True)
    assert errors == []
    page.close()
