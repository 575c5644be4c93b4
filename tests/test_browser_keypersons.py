"""The key persons' main path in headless Chromium: an official uploads a small inbound batch on /keypersons,
the worker of 台州路社区 opens 社区任务 and records a first contact, the leader sees the batch's contacted
count rise. Each sees only the parts of the page they may use; the console stays empty."""

from __future__ import annotations

import pytest

from data_access.keypersons import oversight
from data_access.session import reading
from domain.divisions import DISTRICT
from domain.permissions import OVERSEE_KEYPERSONS, RECEIVE_KEYPERSONS
from i18n import t
from layouts.keypersons import ids
from tests.browser import ARTIFACTS, login
from tests.helpers import access_of
from tests.test_keypersons import TZL, _csv, _residents

pytestmark = pytest.mark.browser


def _batch(file_name: str) -> dict | None:
    with reading(access_of("leader")) as conn:
        return next((b for b in oversight.batches(conn, DISTRICT) if b["file_name"] == file_name), None)


def _page(browser, server, username: str, errors: list[str]):
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, server, username, "/keypersons")
    # The page opens on the user's first tab (chosen by a callback): a tab clicked before it answers was turned
    # back (seen once on a loaded machine: 超时任务 clicked, 批次 shown, no rows for 60 s).
    actor = access_of(username)
    opening = "batches" if actor.may(RECEIVE_KEYPERSONS) or actor.may(OVERSEE_KEYPERSONS) else "tasks"
    page.wait_for_selector(f"#{ids.TABS} .tab--selected:has-text('{t('keypersons.tab.' + opening)}')",
                           timeout=60_000)
    return context, page


def _text_has(page, element: str, words: str) -> None:
    page.wait_for_function("([id, w]) => (document.getElementById(id)?.innerText || '').includes(w)",
                           arg=[element, words], timeout=60_000)


def test_an_inbound_batch_is_uploaded_contacted_by_the_community_and_seen_by_the_leader(browser, server, engine):
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    people = _residents(engine, 3, TZL, offset=40)
    rows = [[p["name"], p["id_number"], "", "", "", "", "", "MS953", "", "拱墅区运河宾馆", ""] for p in people]
    file_name = "入境航班MS953浏览器.csv"

    context, page = _page(browser, server, "official", errors)
    page.wait_for_selector(f"#{ids.UPLOAD_BAR}", state="visible")
    assert page.is_visible(f"#{ids.TAB_UNPLACED}") and page.is_visible(f"#{ids.TAB_OVERSIGHT}")
    page.set_input_files(f"#{ids.UPLOAD} input[type=file]",
                         files=[{"name": file_name, "mimeType": "text/csv", "buffer": _csv(rows)}])
    _text_has(page, ids.UPLOAD_MESSAGE, "导入")
    assert "派发社区任务 3 件" in page.inner_text(f"#{ids.UPLOAD_MESSAGE}")
    page.wait_for_selector(f"#{ids.BATCH_GRID} .ag-row", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "keypersons_official.png"), full_page=True)
    context.close()
    batch = _batch(file_name)
    assert batch and batch["dispatched"] == 3 and batch["contacted"] == 0

    context, page = _page(browser, server, "tzl.worker", errors)
    page.wait_for_selector(f"#{ids.TASK_GRID} .ag-row", timeout=60_000)
    assert not page.is_visible(f"#{ids.TAB_BATCHES}") and not page.is_visible(f"#{ids.TAB_UNPLACED}")
    assert not page.is_visible(f"#{ids.UPLOAD_BAR}") and page.is_visible(f"#{ids.CONTACT}")
    header = f"#{ids.TASK_GRID} .ag-header-cell[col-id=id] .ag-header-cell-label"
    page.click(header)
    page.click(header)  # newest first: the batch just dispatched, above the community's earlier tasks
    page.click(f"#{ids.TASK_GRID} .ag-row:has-text('{people[0]['name']}') .ag-cell[col-id=name]")
    page.fill(f"#{ids.CONTACT_NOTE}", "电话联系，已在隔离酒店")
    page.click(f"#{ids.CONTACT}")
    _text_has(page, ids.TASK_MESSAGE, "已保存")
    page.screenshot(path=str(ARTIFACTS / "keypersons_worker.png"), full_page=True)
    context.close()

    context, page = _page(browser, server, "leader", errors)
    cell = f"#{ids.BATCH_GRID} .ag-row:has(.ag-cell[col-id=id]:text-is('{batch['id']}')) .ag-cell[col-id=contacted]"
    page.wait_for_selector(cell, timeout=60_000)
    assert page.inner_text(cell).strip() == "1"
    assert not page.is_visible(f"#{ids.UPLOAD_BAR}") and not page.is_visible(f"#{ids.TAB_UNPLACED}")
    page.screenshot(path=str(ARTIFACTS / "keypersons_leader.png"), full_page=True)
    context.close()
    assert _batch(file_name)["contacted"] == 1
    assert errors == []


def test_overdue_lists_per_community_and_the_health_bureaus_file(browser, server, engine):
    """The worker of 台州路 opens 超时任务: only 台州路's overdue tasks (PostgreSQL's answer), one made late
    here among them; the district official sees several communities, and downloads a batch's file."""
    from sqlalchemy import text

    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    person = _residents(engine, 1, TZL, offset=160)[0]
    file_name = "超时浏览器.csv"
    from tests.test_keypersons import _load

    assert _load(access_of("operator"), _csv([[person["name"], person["id_number"], "", "", "", "", "", "", "", "",
                                               ""]]), kind="close_contact", name=file_name).result == "loaded"
    with engine.begin() as conn:  # its first contact was due an hour ago
        conn.execute(text("UPDATE kp_task SET contact_due = now() - interval '1 hour' WHERE batch_id ="
                          " (SELECT max(id) FROM kp_batch WHERE file_name = :f)"), {"f": file_name})

    context, page = _page(browser, server, "tzl.worker", errors)
    page.click("text=超时任务")
    rows = f"#{ids.OVERDUE_COMMUNITY_GRID} .ag-row"
    page.wait_for_selector(rows, timeout=60_000)
    names = page.locator(f"{rows} .ag-cell[col-id=name]").all_inner_texts()
    assert names == ["台州路社区"]
    streets = page.locator(f"#{ids.OVERDUE_STREET_GRID} .ag-row .ag-cell[col-id=street]").all_inner_texts()
    assert streets == ["拱宸桥街道"]
    page.wait_for_selector(f"#{ids.OVERDUE_GRID} .ag-row:has-text('{person['name']}')", timeout=60_000)
    communities = set(page.locator(f"#{ids.OVERDUE_GRID} .ag-row .ag-cell[col-id=community]").all_inner_texts())
    assert communities == {"台州路社区"}
    late = page.inner_text(f"#{ids.OVERDUE_GRID} .ag-row:has-text('{person['name']}') .ag-cell[col-id=what]")
    assert "首次联系超时" in late
    assert not page.is_visible(f"#{ids.EXPORT_BAR}") and not page.is_visible(f"#{ids.OVERDUE_EXPORT}")
    page.screenshot(path=str(ARTIFACTS / "keypersons_overdue_worker.png"), full_page=True)
    context.close()

    context, page = _page(browser, server, "official", errors)
    page.click("text=超时任务")
    page.wait_for_selector(rows, timeout=60_000)
    page.wait_for_function("n => document.querySelectorAll(n).length > 1", arg=rows, timeout=60_000)
    assert len(set(page.locator(f"{rows} .ag-cell[col-id=name]").all_inner_texts())) > 1
    page.screenshot(path=str(ARTIFACTS / "keypersons_overdue_official.png"), full_page=True)
    page.click(f"#{ids.TAB_BATCHES}")
    page.wait_for_selector(f"#{ids.EXPORT_BAR}", state="visible")
    batch = _batch(file_name)
    row = f"#{ids.BATCH_GRID} .ag-row:has(.ag-cell[col-id=id]:text-is('{batch['id']}'))"
    page.click(f"{row} .ag-cell[col-id=kind_name]")
    _text_has(page, ids.EXPORT_BATCH, f"第 {batch['id']} 批")
    with page.expect_download() as download:
        page.click(f"#{ids.EXPORT_BATCH}")
    name = download.value.suggested_filename
    assert name.endswith(".xlsx") and "重点人员处置情况" in name
    page.screenshot(path=str(ARTIFACTS / "keypersons_export_official.png"), full_page=True)
    context.close()
    assert errors == []


def test_the_overdue_tasks_download_and_a_day_without_batches_says_so(browser, server, engine):
    """The official downloads the 超时任务 list (as many rows as PostgreSQL finds overdue); with no batch
    received today the batches tab says so in Chinese instead of offering an empty file."""
    import io
    from datetime import UTC, datetime
    from pathlib import Path

    import openpyxl
    from sqlalchemy import text

    from data_access.keypersons import tasks
    from domain import clock

    errors: list[str] = []
    context, page = _page(browser, server, "official", errors)
    page.click("text=超时任务")
    page.wait_for_selector(f"#{ids.OVERDUE_EXPORT}", state="visible")
    with page.expect_download() as download:
        page.click(f"#{ids.OVERDUE_EXPORT}")
    assert download.value.suggested_filename.endswith(".xlsx") and "超时任务" in download.value.suggested_filename
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).worksheets[0]
    with reading(access_of("official")) as conn:
        overdue = tasks.overdue_tasks(conn, DISTRICT, clock.now(), clock.today(), limit=100_000)
    assert sheet.max_row - 3 == len(overdue) > 0
    page.screenshot(path=str(ARTIFACTS / "keypersons_overdue_export.png"), full_page=True)
    context.close()

    start = datetime.combine(clock.today(), datetime.min.time(), clock.BEIJING).astimezone(UTC)
    with engine.begin() as conn:  # today's batches moved to two days ago for this look, then back
        moved = conn.execute(text("UPDATE kp_batch SET received_at = received_at - interval '2 days'"
                                  " WHERE received_at >= :s RETURNING id"), {"s": start}).scalars().all()
    try:
        context, page = _page(browser, server, "official", errors)
        page.wait_for_selector(f"#{ids.EXPORT_BAR}", state="visible")
        _text_has(page, ids.EXPORT_NOTE, "今日尚未接收到本辖区的批次")
        assert not page.is_visible(f"#{ids.EXPORT_DAY}")
        page.screenshot(path=str(ARTIFACTS / "keypersons_no_batch_today.png"), full_page=True)
        context.close()
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE kp_batch SET received_at = received_at + interval '2 days' WHERE id = ANY(:m)"),
                         {"m": moved})
    assert errors == []
