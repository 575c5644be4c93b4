"""The appeals' main path in headless Chromium: a community worker registers a walk-in red-to-green request,
works through the three steps and proposes; the street official approves, the district official approves;
the colour changes (the map's red count drops by one) and the case shows the text for the applicant."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from layouts.health_services import ids
from tests.browser import ARTIFACTS, login

TZL = "330105005052"

pytestmark = pytest.mark.browser


def _page(browser, server: str, username: str, errors: list[str]):

    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, server, username, "/services")
    page.wait_for_selector(f"#{ids.QUEUE_GRID} .ag-row", timeout=30_000)
    return page


def _message(page, component: str, expected: str) -> None:
    page.wait_for_function("([id, text]) => (document.getElementById(id)?.innerText || '').includes(text)",
                           arg=[component, expected], timeout=30_000)


def _open_case(page, appeal_id: int) -> None:
    page.click(f"#{ids.QUEUE_REFRESH}")
    page.locator(f"#{ids.QUEUE_GRID} .ag-row", has_text=f"{appeal_id}").first.locator(".ag-cell").nth(1).click()
    _message(page, ids.CASE_HEADER, f"申请 #{appeal_id}")


def _choose(page, group: str, label: str) -> None:
    page.locator(f"#{group} label", has_text=label).first.click()


def _red(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT sum(residents_red) FROM community_stats")).scalar()


def test_a_red_to_green_appeal_from_walk_in_to_conversion(browser, server, engine):
    with engine.begin() as conn:  # a green resident of 台州路社区 whose code turned red, with nothing open
        person = conn.execute(text("""
            SELECT p.id_number FROM person p JOIN health_code h USING (id_number) WHERE p.community_code = :c
              AND h.colour = 'green' AND NOT EXISTS (SELECT 1 FROM managed_person m WHERE m.id_number = p.id_number)
              AND NOT EXISTS (SELECT 1 FROM appeal a WHERE a.id_number = p.id_number)
            ORDER BY p.id_number DESC LIMIT 1"""), {"c": TZL}).scalar_one()
        conn.execute(text("UPDATE health_code SET colour = 'red', changed_at = now() - interval '1 hour',"
                          " source = 'browser.test' WHERE id_number = :i"), {"i": person})
    red_before = _red(engine)
    errors: list[str] = []

    worker = _page(browser, server, "tzl.worker", errors)
    worker.locator(f"#{ids.SERVICES_TABS}").get_by_text("窗口登记").click()
    worker.fill(f"#{ids.WALK_IN_ID}", person)
    _choose(worker, ids.WALK_IN_CURRENT, "红码")
    _choose(worker, ids.WALK_IN_REQUESTED, "绿码")
    worker.fill(f"#{ids.WALK_IN_REASON}", "已解除隔离满14天，核酸阴性")
    worker.fill(f"#{ids.WALK_IN_PHONE}", "13912345678")
    worker.click(f"#{ids.WALK_IN_SUBMIT}")
    _message(worker, ids.WALK_IN_MESSAGE, "已登记")
    with engine.connect() as conn:
        appeal_id = conn.execute(text("SELECT id FROM appeal WHERE id_number = :i AND status = 'open'"),
                                 {"i": person}).scalar_one()

    worker.locator(f"#{ids.SERVICES_TABS}").get_by_text("复核队列").click()
    _open_case(worker, appeal_id)
    _choose(worker, ids.HEALTH_SYMPTOMS, "无")
    worker.fill(f"#{ids.HEALTH_TEMPERATURE}", "36.4")
    _choose(worker, ids.HEALTH_CONTACT, "无")
    worker.click(f"#{ids.HEALTH_SAVE}")
    _message(worker, ids.CASE_MESSAGE, "已保存：第一步")
    _message(worker, ids.HEALTH_STATE, "已记录：tzl.worker")  # the case redrawn from the database
    _choose(worker, ids.MOVEMENT_KEY_AREA, "无")
    worker.fill(f"#{ids.MOVEMENT_PLACES}", "拱墅区内")
    worker.click(f"#{ids.MOVEMENT_SAVE}")
    _message(worker, ids.CASE_MESSAGE, "已保存：第二步")
    _message(worker, ids.MOVEMENT_STATE, "已记录：tzl.worker")
    _choose(worker, ids.COMMITMENT_SIGNED, "已签署")
    worker.click(f"#{ids.COMMITMENT_SAVE}")
    _message(worker, ids.CASE_MESSAGE, "已保存：第三步")
    _message(worker, ids.COMMITMENT_STATE, "已记录：tzl.worker")
    _message(worker, ids.PROPOSAL_SYSTEM, "系统建议：予以转码")
    worker.click(f"#{ids.PROPOSAL_SUBMIT}")
    _message(worker, ids.CASE_MESSAGE, "已提交审核，需经：社区 → 街道 → 区级")
    ARTIFACTS.mkdir(exist_ok=True)
    worker.screenshot(path=str(ARTIFACTS / "appeal_worker.png"), full_page=True)

    street = _page(browser, server, "gcq.official", errors)
    _open_case(street, appeal_id)
    street.click(f"#{ids.REVIEW_APPROVE}")
    _message(street, ids.CASE_MESSAGE, "已审核通过，转入下一级：区级")
    assert _red(engine) == red_before

    district = _page(browser, server, "official", errors)
    _open_case(district, appeal_id)
    district.click(f"#{ids.REVIEW_APPROVE}")
    _message(district, ids.CASE_MESSAGE, "审核通过，已转码为绿码")
    _message(district, ids.OUTCOME, "健康码已由红码转为绿码")
    district.screenshot(path=str(ARTIFACTS / "appeal_converted.png"), full_page=True)

    assert _red(engine) == red_before - 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT colour, source FROM health_code WHERE id_number = :i"),
                            {"i": person}).one() == ("green", f"appeal:{appeal_id}")
    assert errors == []


STEP_CONTROLS = (ids.HEALTH_SAVE, ids.MOVEMENT_SAVE, ids.COMMITMENT_SAVE, ids.COMMITMENT_FILE, ids.PROPOSAL_SUBMIT)


def _visible(page, component: str) -> bool:
    return page.locator(f"#{component}").is_visible()


def test_a_leader_sees_the_case_without_action_buttons_and_a_community_worker_sees_the_steps(browser, server,
                                                                                             engine):
    """Only what the role may do: the leader (read-only) reads the queue and the case, with the key-person
    section, but gets no step, proposal, review or reassign control and no walk-in tab; the community worker
    gets the steps and the proposal on an open case, the walk-in tab, and no review, reassign or oversight."""
    from callbacks.health_services import work
    from tests.helpers import access_of

    with engine.begin() as conn:
        person = conn.execute(text("""
            SELECT p.id_number FROM person p JOIN health_code h USING (id_number) WHERE p.community_code = :c
              AND NOT EXISTS (SELECT 1 FROM appeal a WHERE a.id_number = p.id_number AND a.status IN ('open', 'review'))
            ORDER BY md5(p.id_number) LIMIT 1"""), {"c": TZL}).scalar_one()
        before = conn.execute(text("SELECT colour FROM health_code WHERE id_number = :i"), {"i": person}).scalar()
        conn.execute(text("UPDATE health_code SET colour = 'yellow', changed_at = now() - interval '1 hour',"
                          " source = 'browser.test' WHERE id_number = :i"), {"i": person})
    message, appeal_id = work.register_walk_in(access_of("tzl.worker"), {
        "id_number": person, "current_colour": "黄码", "requested_colour": "绿码", "reason": "误判", "phone": ""})
    assert appeal_id, message
    errors: list[str] = []

    leader = _page(browser, server, "leader", errors)
    _open_case(leader, appeal_id)
    _message(leader, ids.CASE_RECORD, "重点人员（精密智控）")
    for control in (*STEP_CONTROLS, ids.PROPOSAL_DECISION, ids.REVIEW_APPROVE, ids.REVIEW_SEND_BACK,
                    ids.REASSIGN_SUBMIT):
        assert not _visible(leader, control), control
    assert leader.locator(f"#{ids.HEALTH_STATE}").is_visible()  # the steps' state is there to read
    # ... and their answers read-only: every input of the three steps disabled
    leader.wait_for_function(f"document.querySelector('#{ids.STEPS_FORM}').disabled === true")
    assert leader.locator(f"#{ids.STEPS_FORM} input").count() > 0
    assert leader.locator(f"#{ids.STEPS_FORM} input:enabled").count() == 0
    assert not _visible(leader, ids.TAB_WALK_IN) and _visible(leader, ids.TAB_OVERSIGHT)
    ARTIFACTS.mkdir(exist_ok=True)
    leader.screenshot(path=str(ARTIFACTS / "appeal_leader.png"), full_page=True)

    worker = _page(browser, server, "tzl.worker", errors)
    _open_case(worker, appeal_id)
    for control in (*STEP_CONTROLS, ids.PROPOSAL_DECISION):
        worker.wait_for_selector(f"#{control}", state="visible")
    worker.wait_for_function(f"document.querySelector('#{ids.STEPS_FORM}').disabled === false")
    assert worker.locator(f"#{ids.STEPS_FORM} input:enabled").count() > 0
    for control in (ids.REVIEW_APPROVE, ids.REVIEW_SEND_BACK, ids.REASSIGN_SUBMIT):
        assert not _visible(worker, control), control
    assert _visible(worker, ids.TAB_WALK_IN) and not _visible(worker, ids.TAB_OVERSIGHT)
    worker.screenshot(path=str(ARTIFACTS / "appeal_worker_open.png"), full_page=True)
    assert errors == []
    with engine.begin() as conn:  # other tests read the demo's colours
        conn.execute(text("UPDATE health_code SET colour = :c, changed_at = now(), source = 'browser.test'"
                          " WHERE id_number = :i"), {"c": before, "i": person})


def test_the_case_page_shows_the_key_person_measure_among_the_managed_records(browser, server, engine):
    """A person under centralised isolation by the key-person module (no line on the old managed list): the
    case page's 管控记录 says 集中隔离 from 精密智控, as the key-person section beside it and the map do
    (it said 无)."""
    from datetime import timedelta

    from data_access.keypersons import tasks
    from data_access.session import writing
    from domain import clock
    from tests.helpers import access_of
    from tests.test_appeals_keyperson import _batch, _resident, _task, _walk_in

    worker = access_of("tzl.worker")
    person = _resident(engine)
    with engine.connect() as conn:  # given back at the end: other tests read the demo's colours
        before = conn.execute(text("SELECT colour FROM health_code WHERE id_number = :i"),
                              {"i": person["id_number"]}).scalar()
    _batch(access_of("operator"), person, "close_contact")
    task = _task(engine, person["id_number"])
    with writing(worker) as unit:
        tasks.first_contact(unit.conn, task["id"], worker.username, "电话联系")
    start = clock.today() - timedelta(days=1)
    tasks.set_measure(worker, task["id"], "centralised", "拱墅区某隔离酒店", start, 14)
    with engine.connect() as conn:
        colour = conn.execute(text("SELECT colour FROM health_code WHERE id_number = :i"),
                              {"i": person["id_number"]}).scalar()
    appeal_id = _walk_in(worker, person, colour if colour in ("red", "yellow") else "red")
    errors: list[str] = []
    page = _page(browser, server, "tzl.worker", errors)
    _open_case(page, appeal_id)
    _message(page, ids.CASE_RECORD, "精密智控管控措施")
    managed = page.locator(f"#{ids.CASE_RECORD} .appeal-managed li").all_inner_texts()
    assert managed == [f"集中隔离：{start} 至 —（在管）（来源：精密智控管控措施）"]
    assert "集中隔离" in page.inner_text(f"#{ids.CASE_RECORD} .appeal-keyperson")
    page.screenshot(path=str(ARTIFACTS / "appeal_case_managed.png"), full_page=True)
    page.context.close()
    assert tasks.release(worker, task["id"]) == 1
    with engine.begin() as conn:
        conn.execute(text("UPDATE health_code SET colour = :c, changed_at = now(), source = 'test'"
                          " WHERE id_number = :i AND colour IS DISTINCT FROM :c"),
                     {"c": before, "i": person["id_number"]})
    assert errors == []
