"""A data operator uploads the civil affairs' roll (民政低保/低边名册) on the import tab in headless Chromium: the list
loads, and its faults (an unknown ID, a deceased person, one moved out of the district, a row listed twice, a
person on both the 低保 and the 低边 roll) are listed on the page and in the report it downloads. The console
stays empty."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from data_access.demo.policy_lists import unknown_id
from tests.browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_an_operator_uploads_a_civil_roll_and_sees_its_faults_listed(browser, server, engine, tmp_path):
    with engine.connect() as conn:
        alive = conn.execute(text("""
            SELECT p.id_number, p.name FROM person p WHERE p.community_code IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM person_attribute a WHERE a.id_number = p.id_number)
            ORDER BY md5(p.id_number || 'browser-roll') LIMIT 2""")).all()
        dead = conn.execute(text("SELECT p.id_number, p.name FROM person p JOIN person_attribute a USING (id_number)"
                                 " WHERE a.deceased_on IS NOT NULL LIMIT 1")).one()
        moved = conn.execute(text("SELECT id_number, name FROM person WHERE community_code IS NULL LIMIT 1")).one()
    lines = [(*alive[0], "低保"), (*dead, "低保"), (*moved, "低保"), (unknown_id(88), "赵某", "低保"),
             (*alive[0], "低保"), (*alive[1], "低保"), (*alive[1], "低边")]
    path = tmp_path / "低保名册.csv"
    path.write_bytes(("序号,身份证号码,姓名,保障类别\r\n" + "".join(
        f"{i + 1},{a},{b},{c}\r\n" for i, (a, b, c) in enumerate(lines))).encode("utf-8"))

    page = browser.new_page(viewport={"width": 1600, "height": 1100}, locale="zh-CN")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server, "operator")
    page.get_by_text("数据导入", exact=True).click()
    page.wait_for_selector("#import-templates a")
    page.click("#import-kind")
    page.get_by_role("option", name="民政低保/低边名册").click()
    page.set_input_files("#import-upload input[type=file]", str(path))
    page.wait_for_function("() => !document.querySelector('#import-start').disabled", timeout=10_000)
    page.click("#import-start")
    page.wait_for_selector("#import-result table.import-errors", timeout=60_000)
    shown = page.inner_text("#import-result")
    assert "导入成功" in shown and "需核对的问题" in shown
    rows = page.locator("#import-result table.import-errors tbody tr")
    listed = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
    assert [r[0] for r in listed] == ["3", "4", "5", "6", "7", "8"]
    reasons = " ".join(r[3] for r in listed)
    for words in ("已登记死亡", "迁出本区", "不在人口库中", "与第 2 行重复", "互斥政策"):
        assert words in reasons, words
    assert listed[0][2] == dead[0]  # the operator may see ID numbers: the report is for fixing the list
    href = page.get_attribute("#import-result a.import-report", "href")
    report = page.request.get(server + href).body().decode("utf-8-sig")
    assert report.count("警告：") == 6 and "已登记死亡" in report
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "policy_lists_import.png"), full_page=True)
    assert errors == []
    page.close()
    with engine.connect() as conn:
        kept = {tuple(r) for r in conn.execute(text(
            "SELECT id_number, category FROM policy_name_list WHERE list = 'civil_roll'"))}
    assert kept == {(alive[0][0], "低保"), (alive[1][0], "低保"), (alive[1][0], "低边")}


def test_the_civil_affairs_official_handles_only_civil_affairs_applications_and_oversight_stays(browser, server):
    from layouts.policies import ids

    page = browser.new_page(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, server, "civil.official", "/policies")
    page.get_by_text("申请办理", exact=True).click()
    page.wait_for_selector(f"#{ids.APP_GRID} .ag-row", timeout=60_000)
    departments = set(page.locator(f"#{ids.APP_GRID} .ag-cell[col-id=department]").all_inner_texts())
    assert departments == {"区民政局"}
    page.screenshot(path=str(ARTIFACTS / "policies_civil_official.png"), full_page=True)
    page.get_by_text("监管总览", exact=True).click()
    page.wait_for_selector(f"#{ids.FIGURES_GRID} .ag-row", timeout=60_000)
    page.get_by_text("申请办理", exact=True).click()  # away and back: the figures are still there
    page.get_by_text("监管总览", exact=True).click()
    page.wait_for_selector(f"#{ids.FIGURES_GRID} .ag-row", timeout=10_000)
    assert "项政策" in page.inner_text(f"#{ids.OVERVIEW}")
    page.screenshot(path=str(ARTIFACTS / "policies_civil_oversight.png"), full_page=True)
    assert errors == []
    page.close()
