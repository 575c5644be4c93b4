"""The appeal's case page reads what the key-person data (精密智控) says about the person, through SQL
(keyperson_of_appeal, migration 0013; health_services never imports the key-person package): a person placed in
a close-contact batch by construction, under centralised isolation, shows the batch, its kind, community,
measure and state; the system's proposal weighs it; released, it is history. The function answers only about an
appeal the session may read, also when the key-person task lies outside the reader's area."""

from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import text

import data_access.keypersons.intake  # noqa: F401  (registers the key-persons kind)
from callbacks.health_services import page, work
from data_access.importing.base import ImportRequest
from data_access.importing.load import run
from data_access.keypersons import tasks
from data_access.keypersons.intake import batch_source
from data_access.session import reading, writing
from domain import clock
from domain.appeals import Facts, KeyPerson, keyperson_in_force, propose
from i18n import t
from tests.helpers import access_of, signed_in

TZL = "330105005052"  # 台州路社区
KP_HEAD = ["姓名", "身份证号码", "护照号码", "国籍", "出生日期", "联系电话", "居住地址", "航班号", "抵达时间",
           "集中隔离点", "关联病例"]
CLEAR = Facts(symptoms=False, temperature=36.5, contact=False, key_area=False, signed=True)


_TOUCHED: dict[str, str | None] = {}  # persons whose colour these tests change, and the colour they had


@pytest.fixture(autouse=True, scope="module")
def _restore_colours(engine):
    """Other tests read the demo's colours (and test_demo its shares): give back the colour each person had."""
    yield
    with engine.begin() as conn:
        for id_number, colour in _TOUCHED.items():
            conn.execute(text("UPDATE health_code SET colour = :c, changed_at = now(), source = 'test'"
                              " WHERE id_number = :i AND colour IS DISTINCT FROM :c"), {"c": colour, "i": id_number})


def _text(component) -> str:
    """All the text a Dash component draws, its children's included."""
    if component is None or isinstance(component, str | int | float):
        return "" if component is None else str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def _output(view: tuple, component_id: str, prop: str = "children"):
    return view[list(page.CASE_OUTPUTS).index((component_id, prop))]


def _resident(engine) -> dict:
    """A resident of 台州路社区 with a colour, no managed record, no key-person record and no appeal."""
    with engine.connect() as conn:
        found = dict(conn.execute(text("""
            SELECT p.id_number, p.name FROM person p JOIN health_code h USING (id_number) WHERE p.community_code = :c
              AND NOT EXISTS (SELECT 1 FROM managed_person m WHERE m.id_number = p.id_number)
              AND NOT EXISTS (SELECT 1 FROM kp_person k WHERE k.id_number = p.id_number)
              AND NOT EXISTS (SELECT 1 FROM appeal a WHERE a.id_number = p.id_number)
            ORDER BY md5(p.id_number || 'kp-appeal') LIMIT 1"""), {"c": TZL}).mappings().one())
        _TOUCHED.setdefault(found["id_number"], conn.execute(text(
            "SELECT colour FROM health_code WHERE id_number = :i"), {"i": found["id_number"]}).scalar())
        return found


def _batch(operator, person: dict, kind: str) -> None:
    buffer = io.StringIO()
    pd.DataFrame([[person["name"], person["id_number"], "", "", "", "", "", "", "", "", ""]],
                 columns=KP_HEAD).to_csv(buffer, index=False)
    name = f"密接批次_{person['id_number'][-6:]}.csv"
    result = run(ImportRequest("keypersons", name, buffer.getvalue().encode("utf-8"), operator.username,
                               operator.org_code, role=operator.role, source=batch_source(kind, "区疾控", name),
                               session=operator.session))
    assert result.result == "loaded", (result.problem, result.errors)


def _task(engine, id_number: str) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(text("""
            SELECT t.id, t.community_code FROM kp_task t JOIN kp_person k ON k.id = t.person_id
            WHERE k.id_number = :i AND t.released_at IS NULL"""), {"i": id_number}).mappings().one())


def _colour(engine, id_number: str) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT colour FROM health_code WHERE id_number = :i"), {"i": id_number}).scalar()


def _walk_in(worker, person: dict, current: str) -> int:
    message, appeal_id = work.register_walk_in(worker, {
        "id_number": person["id_number"], "current_colour": t(f"colour.{current}"), "requested_colour": "绿码",
        "reason": "隔离期满", "phone": "13912345678"})
    assert appeal_id, message
    return appeal_id


def _clear_steps(worker, appeal_id: int) -> None:
    assert work.save_step(worker, appeal_id, "health", {"symptoms": False, "contact": False, "temperature": "36.5"}) \
        .startswith("已保存")
    assert work.save_step(worker, appeal_id, "movement", {"key_area": False, "places": "拱墅区内"}).startswith("已保存")
    assert work.save_step(worker, appeal_id, "commitment", {"signed": True}).startswith("已保存")


def _map_orange(engine) -> int:
    """The three-colour map's centralised-isolation (orange) count of 台州路社区 today."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT coalesce(sum(managed_centralised_isolation), 0) FROM map_managed_counts"
                                 " WHERE community_code = :c"), {"c": TZL}).scalar()


def _managed(view: tuple) -> list[str]:
    """The lines of the case page's 管控记录 list."""
    found = []

    def walk(component) -> None:
        if isinstance(component, list | tuple):
            for c in component:
                walk(c)
        elif getattr(component, "className", None) == "appeal-managed":
            found.extend(_text(li) for li in component.children)
        elif component is not None and not isinstance(component, str | int | float):
            walk(getattr(component, "children", None))

    walk(_output(view, "appeals-case-record"))
    return found


def _entries(actor, appeal_id: int) -> list[dict]:
    with reading(actor) as conn:
        return [dict(r) for r in conn.execute(text("SELECT * FROM keyperson_of_appeal(:a)"),
                                              {"a": appeal_id}).mappings()]


def test_the_case_page_shows_the_key_person_batch_and_the_proposal_weighs_it(engine):
    operator, worker, district = access_of("operator"), access_of("tzl.worker"), access_of("official")
    person = _resident(engine)
    _batch(operator, person, "close_contact")
    task = _task(engine, person["id_number"])
    assert task["community_code"] == TZL  # placed by the register, dispatched to 台州路社区
    with writing(worker) as unit:
        tasks.first_contact(unit.conn, task["id"], worker.username, "电话联系")
    start = clock.today() - timedelta(days=2)
    orange = _map_orange(engine)
    tasks.set_measure(worker, task["id"], "centralised", "拱墅区某隔离酒店", start, 14)
    assert _map_orange(engine) == orange + 1  # the map counts the person as centralised (orange) ...
    colour = _colour(engine, person["id_number"])
    assert colour in ("red", "yellow")
    appeal_id = _walk_in(worker, person, colour)

    view = page.case_view(worker, appeal_id)
    record = _text(_output(view, "appeals-case-record"))
    assert "重点人员（精密智控）" in record
    assert f"密切接触者批次 · 台州路社区 · 管控中：集中隔离（橙码），{start} 起 14 天" in record
    assert "不在任何重点人员批次中" not in record
    # ... and so does the case page's 管控记录, from the same view (it said 无 beside the batch's 集中隔离)
    assert _managed(view) == [f"集中隔离：{start} 至 —（在管）（来源：精密智控管控措施）"]
    assert "系统建议" not in _text(_output(view, "appeals-proposal-system"))  # no steps yet

    _clear_steps(worker, appeal_id)  # the worker's own answers are all clear: the batch still says no
    proposal = _text(_output(page.case_view(worker, appeal_id), "appeals-proposal-system"))
    assert "系统建议：不予转码" in proposal
    for reason in ("epidemiological", "isolation", "keyperson_contact", "keyperson_isolation"):
        assert t(f"appeals.reason.{reason}") in proposal
    assert t("appeals.reason.key_area") not in proposal
    assert work.propose_decision(worker, appeal_id, "convert", None) == t("appeals.error.override_reason")

    # released: the batch is history on the page, and the four questions are clear again
    assert tasks.release(worker, task["id"]) == 1
    view = page.case_view(worker, appeal_id)
    assert "密切接触者批次 · 台州路社区 · 已解除（" in _text(_output(view, "appeals-case-record"))
    yesterday = clock.today() - timedelta(days=1)  # released today: the measure's last day was yesterday
    assert _managed(view) == [f"集中隔离：{start} 至 {yesterday}（来源：精密智控管控措施）"]
    assert _map_orange(engine) == orange
    assert "系统建议：予以转码" in _text(_output(view, "appeals-proposal-system"))
    assert [e["batch_kind"] for e in _entries(district, appeal_id)] == ["close_contact"]


def test_the_person_and_key_person_data_follow_the_appeal_and_stay_within_the_appeals_readers(engine):
    """Reassigned to another street's community, the appeal's new worker finds it in their queue with the
    person's name and sees the batch, although the person lives in and the task lies in 台州路社区 (which their own
    register and key-person views do not show); the old worker, and roles without appeals.read, get nothing."""
    operator, worker, district = access_of("operator"), access_of("tzl.worker"), access_of("official")
    person = _resident(engine)
    _batch(operator, person, "key_area")
    task = _task(engine, person["id_number"])
    colour = _colour(engine, person["id_number"])
    if colour not in ("red", "yellow"):  # the batch did not recolour: make the code yellow, as the city would
        with engine.begin() as conn:
            conn.execute(text("UPDATE health_code SET colour = 'yellow', changed_at = now(), source = 'test'"
                              " WHERE id_number = :i"), {"i": person["id_number"]})
        colour = "yellow"
    appeal_id = _walk_in(worker, person, colour)
    with engine.connect() as conn:
        other = conn.execute(text("SELECT code FROM community WHERE left(code, 9) <> left(:c, 9) ORDER BY code"
                                  " LIMIT 1"), {"c": TZL}).scalar_one()
    assert work.reassign_case(district, appeal_id, other).startswith("已改派")
    other_worker = signed_in("kp.appeal.worker", "测试网格员", "community_worker", other)

    with reading(other_worker) as conn:  # the key-person module's own view: not their community's task
        assert conn.execute(text("SELECT count(*) FROM kp_task WHERE id = :t"), {"t": task["id"]}).scalar() == 0
    entries = _entries(other_worker, appeal_id)
    assert [(e["batch_kind"], e["community_code"], e["released_at"]) for e in entries] == [("key_area", TZL, None)]
    assert keyperson_in_force(entries) == KeyPerson(kinds=frozenset({"key_area"}))
    view = page.case_view(other_worker, appeal_id)
    record = _text(_output(view, "appeals-case-record"))
    assert "重点地区批次 · 台州路社区 · 已派发社区，待首次联系" in record
    assert f"申请 #{appeal_id}：{person['name']}" in _text(_output(view, "appeals-case-header"))  # named, though
    assert t("appeals.record.residence.permanent") in record or t("appeals.record.residence.temporary") in record
    assert [r["name"] for r in page.queue_view(other_worker, ("open",)) if r["id"] == appeal_id] == [person["name"]]

    assert _entries(worker, appeal_id) == []  # no longer in 台州路社区's queue
    assert appeal_id not in {r["id"] for r in page.queue_view(worker, ("open",))}
    assert _entries(access_of("leader"), appeal_id) != []  # the district's leader reads every appeal
    for role_user in ("operator", "auditor"):  # the district's area, but no appeals.read
        assert _entries(access_of(role_user), appeal_id) == []
        with reading(access_of(role_user)) as conn:
            assert conn.execute(text("SELECT appeal_person(:a)"), {"a": appeal_id}).scalar() is None
    with reading(worker) as conn:
        assert conn.execute(text("SELECT appeal_person(:a)"), {"a": appeal_id}).scalar() is None


@pytest.mark.parametrize(("keyperson", "managed", "expected"), [
    (None, frozenset(), ("convert", ("all_clear",))),
    (KeyPerson(kinds=frozenset({"inbound"})), frozenset(), ("reject", ("key_area", "keyperson_key_area"))),
    (KeyPerson(kinds=frozenset({"other"}), measures=frozenset({"home"})), frozenset(),
     ("reject", ("isolation", "keyperson_isolation"))),
    (KeyPerson(kinds=frozenset({"other"}), linked=True), frozenset(),
     ("reject", ("epidemiological", "keyperson_contact"))),
    (KeyPerson(kinds=frozenset({"port_check"}), measures=frozenset({"monitoring"})), frozenset(),
     ("convert", ("all_clear",))),
    (None, frozenset({"key_area_returnee"}), ("reject", ("key_area",))),
])
def test_the_proposal_from_the_key_person_data_in_force(keyperson, managed, expected):
    facts = Facts(CLEAR.symptoms, CLEAR.temperature, CLEAR.contact, CLEAR.key_area, CLEAR.signed, managed, keyperson)
    proposal = propose(facts)
    assert (proposal.decision, proposal.reasons) == expected


def test_released_entries_are_history_and_an_unplaced_one_is_in_force():
    entry = {"batch_kind": "close_contact", "measure": "home", "released_at": None, "is_case": False,
             "linked_to_case": False}
    released = {**entry, "batch_kind": "inbound", "released_at": clock.now(), "is_case": True}
    assert keyperson_in_force([]) is None
    assert keyperson_in_force([released]) == KeyPerson()
    assert keyperson_in_force([entry, released]) == KeyPerson(frozenset({"close_contact"}), frozenset({"home"}))
    unplaced = {**entry, "measure": None}
    assert keyperson_in_force([unplaced]) == KeyPerson(frozenset({"close_contact"}))


def test_the_signed_commitment_keeps_its_scan_with_its_checksum_and_a_bad_scan_saves_nothing(engine):
    """Step three's optional scanned file: stored in the database with its SHA-256 and name, shown on the case;
    a file over 5 MB or not a file at all is refused whole (nothing of the step written), never cut short."""
    import base64
    import hashlib

    worker = access_of("tzl.worker")
    person = _resident(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE health_code SET colour = 'yellow', changed_at = now(), source = 'test'"
                          " WHERE id_number = :i"), {"i": person["id_number"]})
    appeal_id = _walk_in(worker, person, "yellow")
    scan = b"%PDF-1.4 signed commitment " + bytes(range(256)) * 40
    url = "data:application/pdf;base64," + base64.b64encode(scan).decode()
    assert work.save_step(worker, appeal_id, "commitment", {"signed": True, "file": url,
                                                            "file_name": "承诺书.pdf"}).startswith("已保存")
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT commitment_file, commitment_sha256, commitment_file_name"
                                   " FROM appeal WHERE id = :a"), {"a": appeal_id}).one()
    sha = hashlib.sha256(scan).hexdigest()
    assert (bytes(stored[0]), stored[1], stored[2]) == (scan, sha, "承诺书.pdf")
    state = _output(page.case_view(worker, appeal_id), "appeals-commitment-state")
    assert t("appeals.commitment.file_saved", name="承诺书.pdf", sha=sha[:12]) in state

    too_big = "data:application/pdf;base64," + base64.b64encode(b"x" * (5 * 1024 * 1024 + 1)).decode()
    for bad in (too_big, "data:application/pdf;base64,@@not base64@@"):
        assert work.save_step(worker, appeal_id, "commitment", {"signed": False, "file": bad,
                                                                "file_name": "坏.pdf"}) == t("appeals.error.file")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT commitment_signed, commitment_sha256 FROM appeal WHERE id = :a"),
                            {"a": appeal_id}).one() == (True, sha)


def test_the_history_names_its_sources_in_chinese():
    from layouts.health_services.case import history_source

    assert history_source("platform") == "健康码平台"
    assert history_source("appeal:299") == "申诉复核转码（第299号申请）"
    assert history_source("keypersons:task:12") == "精密智控"
    assert history_source("zj.healthcode") == "zj.healthcode"  # an integration's own name, as registered
