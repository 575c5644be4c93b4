"""Appeals (异议申诉复核) on the real PostGIS: a request flows from the city's file through routing, the three
steps, the tiers and the conversion, and the map's red count moves by one; PostgreSQL refuses what the
application must not do (another street's review, one's own proposal, a conversion without the colour path)."""

from __future__ import annotations

import io
import itertools
import time

import pandas as pd
import pytest
from sqlalchemy import text

import data_access.health_services.intake  # noqa: F401  (registers the appeals kind)
from callbacks.health_services import page, work
from data_access.aggregates import area_totals
from data_access.health_services import appeals, oversight
from data_access.importing.base import ImportRequest
from data_access.importing.load import run
from data_access.session import DataUnavailable, writing
from domain import clock
from domain.divisions import DISTRICT, Scope
from i18n import t
from tests.builders import id_number
from tests.helpers import access_of, signed_in

_SERIAL = itertools.count(int(time.time()) % 10_000_000)
TZL = "330105005052"  # 台州路社区, in 拱宸桥街道
GCQ = "330105005000"


_TOUCHED: dict[str, str] = {}  # persons whose colour a test set, and the colour they had


@pytest.fixture(autouse=True, scope="module")
def _restore_colours(engine):
    """Other tests read the demo's colours: give back the colour each touched person had."""
    yield
    with engine.begin() as conn:
        for id_number, colour in _TOUCHED.items():
            conn.execute(text("UPDATE health_code SET colour = :c, changed_at = now(), source = 'test'"
                              " WHERE id_number = :i AND colour <> :c"), {"c": colour, "i": id_number})


def _colour(engine, id_number: str, colour: str) -> None:
    with engine.begin() as conn:
        before = conn.execute(text("SELECT colour FROM health_code WHERE id_number = :i"), {"i": id_number}).scalar()
        _TOUCHED.setdefault(id_number, before)
        conn.execute(text("UPDATE health_code SET colour = :c, changed_at = now(), source = 'test'"
                          " WHERE id_number = :i"), {"c": colour, "i": id_number})


def _person(engine, community: str, exclude: tuple[str, ...] = ()) -> str:
    """A resident of the community with a colour record, no managed-person record and no open appeal."""
    with engine.connect() as conn:
        return conn.execute(text("""
            SELECT p.id_number FROM person p JOIN health_code h USING (id_number)
            WHERE p.community_code = :c AND NOT p.id_number = ANY (:x)
              AND NOT EXISTS (SELECT 1 FROM managed_person m WHERE m.id_number = p.id_number)
              AND NOT EXISTS (SELECT 1 FROM appeal a WHERE a.id_number = p.id_number AND a.status IN ('open', 'review'))
            ORDER BY p.id_number LIMIT 1"""), {"c": community, "x": list(exclude)}).scalar_one()


def _csv(rows: list[list[str]]) -> bytes:
    head = ["身份证号码", "当前颜色", "申请颜色", "申诉理由", "提交时间", "联系电话"]
    frame = pd.DataFrame(rows, columns=head).assign(申请编号=[f"HZ{next(_SERIAL):08d}" for _ in rows])
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def _import(actor, content: bytes, name: str = "复核申请.csv"):
    return run(ImportRequest("appeals", name, content, actor.username, actor.org_code, role=actor.role,
                             session=actor.session))


def _submitted(hours: float = 3) -> str:
    return (clock.now() - pd.Timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")


def _open_id(engine, id_number: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT id FROM appeal WHERE id_number = :i AND status IN ('open', 'review')"),
                            {"i": id_number}).scalar_one()


def _three_clear_steps(worker, appeal_id: int) -> None:
    assert work.save_step(worker, appeal_id, "health", {"symptoms": False, "contact": False, "temperature": "36.5"}) \
        == t("appeals.done.step", step=t("appeals.step.health"))
    assert work.save_step(worker, appeal_id, "movement", {"key_area": False, "places": "拱墅区内"}).startswith("已保存")
    assert work.save_step(worker, appeal_id, "commitment", {"signed": True}).startswith("已保存")


def _red(engine) -> int:
    with engine.connect() as conn:
        return area_totals(conn, DISTRICT)["residents_red"]


def test_a_request_flows_from_the_file_through_three_steps_and_tiers_to_conversion(engine):
    operator, worker = access_of("operator"), access_of("tzl.worker")
    street, district = access_of("gcq.official"), access_of("official")
    person = _person(engine, TZL)
    _colour(engine, person, "red")
    red_before = _red(engine)

    result = _import(operator, _csv([[person, "红码", "绿码", "已解除隔离满14天", _submitted(), "13812345678"]]))
    assert result.result == "loaded", (result.problem, result.errors)
    appeal_id = _open_id(engine, person)
    with writing(worker) as unit:  # routed to where the person lives, in the worker's queue
        assert appeal_id in {r["id"] for r in appeals.queue(unit.conn, worker.scope)}
        assert appeals.appeal(unit.conn, worker.scope, appeal_id)["routed_by"] == "residence"

    assert work.propose_decision(worker, appeal_id, "convert", None).startswith("三步核查尚未完成")
    _three_clear_steps(worker, appeal_id)
    assert work.propose_decision(worker, appeal_id, "convert", None) == t(
        "appeals.done.proposed", tiers="社区 → 街道 → 区级")
    # the district cannot skip the street
    assert work.review_case(district, appeal_id, "approve", None) == t("appeals.error.wrong_tier", tier="街道")
    assert work.review_case(street, appeal_id, "approve", None) == t("appeals.done.approved", tier="区级")
    assert _red(engine) == red_before
    assert work.review_case(district, appeal_id, "approve", None) == t("appeals.done.converted", colour="绿码")

    assert _red(engine) == red_before - 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT colour, source FROM health_code WHERE id_number = :i"),
                            {"i": person}).one() == ("green", f"appeal:{appeal_id}")
        history = conn.execute(text("SELECT previous_colour, colour, source FROM health_code_history"
                                    " WHERE id_number = :i ORDER BY id DESC LIMIT 1"), {"i": person}).one()
        assert history == ("red", "green", f"appeal:{appeal_id}")
        case = conn.execute(text("SELECT status, decided_at IS NOT NULL FROM appeal WHERE id = :i"),
                            {"i": appeal_id}).one()
        assert case == ("converted", True)
        tiers = conn.execute(text("SELECT tier, reviewer FROM appeal_review WHERE appeal_id = :i ORDER BY id"),
                             {"i": appeal_id}).all()
        assert tiers == [("street", "gcq.official"), ("district", "official")]
        audited = conn.execute(text("SELECT action FROM audit_log WHERE detail->>'appeal' = :i ORDER BY id"),
                               {"i": str(appeal_id)}).scalars().all()
        assert audited == ["appeal_step"] * 3 + ["appeal_proposed", "appeal_reviewed", "appeal_converted"]
    # the case page shows both tiers in order, and the text for the applicant
    view = dict(zip([i for i, _p in page.CASE_OUTPUTS], page.case_view(district, appeal_id), strict=True))
    shown = [li.children for li in view["appeals-review-history"].children]
    assert [s.split(" ", 2)[2] for s in shown] == ["街道：通过（gcq.official）", "区级：通过（official）"]
    assert "健康码已由红码转为绿码" in view["appeals-outcome"]


def test_a_rejection_records_its_reasons_and_a_send_back_returns_the_request(engine):
    operator, worker, street = access_of("operator"), access_of("tzl.worker"), access_of("gcq.official")
    person = _person(engine, TZL)
    _colour(engine, person, "yellow")
    assert _import(operator, _csv([[person, "黄码", "绿码", "没去过外地", _submitted(), ""]])).result == "loaded"
    appeal_id = _open_id(engine, person)
    work.save_step(worker, appeal_id, "health", {"symptoms": False, "contact": False, "temperature": "36.6"})
    work.save_step(worker, appeal_id, "movement", {"key_area": True, "places": "某重点地区"})
    work.save_step(worker, appeal_id, "commitment", {"signed": True})
    # the system proposes a rejection; overriding it needs a reason
    assert work.propose_decision(worker, appeal_id, "convert", "") == t("appeals.error.override_reason")
    assert work.propose_decision(worker, appeal_id, "reject", None).startswith("已提交审核")
    assert work.review_case(street, appeal_id, "send_back", "") == t("appeals.error.reason_required")
    assert work.review_case(street, appeal_id, "send_back", "请核实旅居地") == t("appeals.done.sent_back")
    assert work.propose_decision(worker, appeal_id, "reject", None).startswith("已提交审核")
    assert work.review_case(street, appeal_id, "approve", None) == t("appeals.done.rejected")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT status, system_reasons, sent_back_reason FROM appeal WHERE id = :i"),
                           {"i": appeal_id}).one()
        assert row == ("rejected", ["key_area"], "请核实旅居地")
        assert conn.execute(text("SELECT colour FROM health_code WHERE id_number = :i"), {"i": person}).scalar() \
            == "yellow"


def test_a_street_official_cannot_review_a_request_of_another_street(engine):
    worker, operator = access_of("tzl.worker"), access_of("operator")
    other = signed_in("hz.official.test", "和睦街道干部", "official", "330105001000")
    person = _person(engine, TZL)
    _colour(engine, person, "yellow")
    assert _import(operator, _csv([[person, "黄码", "绿码", "误判", _submitted(), ""]])).result == "loaded"
    appeal_id = _open_id(engine, person)
    _three_clear_steps(worker, appeal_id)
    work.propose_decision(worker, appeal_id, "convert", None)
    assert work.review_case(other, appeal_id, "approve", None) == t("appeals.error.not_found")
    # and in SQL, past the application: row-level security refuses the write
    with pytest.raises(DataUnavailable, match="row-level security"), writing(other) as unit:
        appeals.insert_review(unit.conn, appeal_id, "street", "send_back", "越权", other.username)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM appeal_review WHERE appeal_id = :i"),
                            {"i": appeal_id}).scalar() == 0


def test_nobody_approves_their_own_proposal(engine):
    """A street official handles a request (the three steps, the proposal) and cannot then approve it."""
    operator = access_of("operator")
    proposer = access_of("gcq.official")
    colleague = signed_in("gcq.official2.test", "拱宸桥街道干部二", "official", GCQ)
    person = _person(engine, TZL)
    _colour(engine, person, "yellow")
    assert _import(operator, _csv([[person, "黄码", "绿码", "误判", _submitted(), ""]])).result == "loaded"
    appeal_id = _open_id(engine, person)
    _three_clear_steps(proposer, appeal_id)
    assert work.propose_decision(proposer, appeal_id, "convert", None).startswith("已提交审核")
    assert work.review_case(proposer, appeal_id, "approve", None) == t("appeals.error.own_proposal")
    with pytest.raises(DataUnavailable, match="appeal_review_check"), writing(proposer) as unit:
        appeals.insert_review(unit.conn, appeal_id, "street", "send_back", "自己退回", proposer.username)
    assert work.review_case(colleague, appeal_id, "approve", None) == t("appeals.done.converted", colour="绿码")


def test_a_conversion_cannot_be_approved_past_the_colour_path(engine):
    operator, worker, street = access_of("operator"), access_of("tzl.worker"), access_of("gcq.official")
    person = _person(engine, TZL)
    _colour(engine, person, "yellow")
    assert _import(operator, _csv([[person, "黄码", "绿码", "误判", _submitted(), ""]])).result == "loaded"
    appeal_id = _open_id(engine, person)
    _three_clear_steps(worker, appeal_id)
    work.propose_decision(worker, appeal_id, "convert", None)
    with pytest.raises(DataUnavailable, match="colour path"), writing(street) as unit:
        appeals.insert_review(unit.conn, appeal_id, "street", "approve", None, street.username)
    # nor can the worker touch a request in review, or mark one converted
    with writing(worker) as unit:
        assert unit.conn.execute(text("UPDATE appeal SET status = 'converted' WHERE id = :i"),
                                 {"i": appeal_id}).rowcount == 0
    other = _person(engine, TZL)
    _colour(engine, other, "yellow")
    _message, open_id = work.register_walk_in(worker, {"id_number": other, "current_colour": "黄码",
                                                       "requested_colour": "绿码", "reason": "误判"})
    with pytest.raises(DataUnavailable, match="row-level security"), writing(worker) as unit:
        unit.conn.execute(text("UPDATE appeal SET status = 'converted' WHERE id = :i"), {"i": open_id})


def test_configuration_changes_the_tiers(engine):
    operator, worker, district = access_of("operator"), access_of("tzl.worker"), access_of("official")
    street = access_of("gcq.official")
    assert work.configure(street, {("yellow", "green"): ["community", "district"]}, None) \
        == t("appeals.error.configure")  # a street official may not: PostgreSQL's policy
    assert work.configure(district, {("yellow", "green"): ["community", "street", "district"]}, 12) \
        == t("appeals.done.configured")
    try:
        person = _person(engine, TZL)
        _colour(engine, person, "yellow")
        assert _import(operator, _csv([[person, "黄码", "绿码", "误判", _submitted(), ""]])).result == "loaded"
        appeal_id = _open_id(engine, person)
        _three_clear_steps(worker, appeal_id)
        assert work.propose_decision(worker, appeal_id, "convert", None) == t(
            "appeals.done.proposed", tiers="社区 → 街道 → 区级")
        with writing(district) as unit:
            assert appeals.deadline_hours(unit.conn) == 12
    finally:
        assert work.configure(district, {("yellow", "green"): ["community", "street"]}, 24) \
            == t("appeals.done.configured")


def test_a_malformed_appeals_file_is_refused_with_nothing_written(engine):
    """Cell errors (checked first) and the database's reasons (unknown, duplicate, already granted), each
    refusing the whole file."""
    operator = access_of("operator")
    good, other = _person(engine, TZL), _person(engine, TZL, (_person(engine, TZL),))
    _colour(engine, good, "red")
    _colour(engine, other, "green")
    with engine.connect() as conn:
        busy = conn.execute(text("SELECT a.id_number FROM appeal a JOIN health_code h USING (id_number)"
                                 " WHERE a.status = 'open' AND h.colour <> 'green' LIMIT 1")).scalar()
        before = conn.execute(text("SELECT count(*), max(id) FROM appeal")).one()
    cells = _import(operator, _csv([
        [good, "红码", "绿码", "理由", _submitted(), "13812345678"],
        # a wrong check digit, never 0 (an ID ending in 000 reads as cut short by a spreadsheet: id_truncated)
        [good[:17] + ("1" if good[17] != "1" else "2"), "红码", "绿码", "理由", _submitted(), ""],
        [other, "绿码", "红码", "理由", _submitted(), ""],
        [other, "黄码", "绿码", "", "2099-01-01 00:00:00", "12345"]]))
    assert cells.result == "rejected"
    assert {(e.row, e.reason) for e in cells.errors} == {
        (3, "id_checksum"), (4, "appeal_colours"), (5, "required"), (5, "future_time"), (5, "phone"),
        (5, "duplicate")}
    database = _import(operator, _csv([
        [good, "红码", "绿码", "理由", _submitted(), ""],
        [id_number(), "红码", "绿码", "理由", _submitted(), ""],
        [other, "黄码", "绿码", "理由", _submitted(), ""],
        *([[busy, "红码", "绿码", "理由", _submitted(), ""]] if busy else [])]))
    assert database.result == "rejected"
    assert {(e.row, e.reason) for e in database.errors} == {
        (3, "unknown_person"), (4, "appeal_already"), *([(5, "appeal_open")] if busy else [])}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*), max(id) FROM appeal")).one() == before


def test_a_walk_in_is_routed_and_a_duplicate_or_an_unknown_person_gets_its_reason(engine):
    worker = access_of("tzl.worker")
    person = _person(engine, TZL)
    _colour(engine, person, "red")
    form = {"id_number": person, "current_colour": "红码", "requested_colour": "黄码", "reason": "已做核酸阴性",
            "phone": "13900001111"}
    message, appeal_id = work.register_walk_in(worker, form)
    assert appeal_id and message.startswith(f"已登记，编号 #{appeal_id}")
    message, again = work.register_walk_in(worker, form)
    assert again is None and t("import.reason.appeal_open") in message
    message, none = work.register_walk_in(worker, {**form, "id_number": id_number()})
    assert none is None and t("import.reason.unknown_person") in message
    with engine.connect() as conn:
        assert conn.execute(text("SELECT channel, received_by, routed_by FROM appeal WHERE id = :i"),
                            {"i": appeal_id}).one() == ("walk_in", "tzl.worker", "residence")


def test_only_the_district_reassigns_a_request(engine):
    worker, district = access_of("tzl.worker"), access_of("official")
    person = _person(engine, TZL)
    _colour(engine, person, "red")
    _message, appeal_id = work.register_walk_in(worker, {"id_number": person, "current_colour": "红码",
                                                         "requested_colour": "绿码", "reason": "误判"})
    with pytest.raises(DataUnavailable), writing(worker) as unit:
        unit.conn.execute(text("UPDATE appeal SET community_code = '330105005051' WHERE id = :i"), {"i": appeal_id})
    assert work.reassign_case(district, appeal_id, "330105005051") == t("appeals.done.reassigned",
                                                                        community="330105005051")
    with writing(worker) as unit:
        assert appeal_id not in {r["id"] for r in appeals.queue(unit.conn, worker.scope)}


def test_oversight_counts_equal_counts_computed_from_the_rows(engine):
    district = access_of("official")
    with engine.connect() as conn:
        raw = pd.read_sql(text("SELECT a.community_code, a.status, a.submitted_at, a.decided_at FROM appeal a"), conn)
        deadline = conn.execute(text("SELECT value FROM appeal_setting")).scalar()
        now = conn.execute(text("SELECT now()")).scalar()
    assert len(raw) > 0
    with writing(district) as unit:
        totals = oversight.appeal_totals(unit.conn, DISTRICT, deadline)
        streets = {r["code"]: r for r in oversight.appeals_by_street(unit.conn, DISTRICT, deadline)}
        communities = oversight.appeals_by_community(unit.conn, Scope(GCQ), deadline)
    decided = raw[raw.decided_at.notna()]
    hours = (decided.decided_at - decided.submitted_at).dt.total_seconds() / 3600
    open_ = raw[raw.status.isin(["open", "review"])]
    assert totals["received"] == len(raw)
    assert totals["converted"] == (raw.status == "converted").sum()
    assert totals["rejected"] == (raw.status == "rejected").sum()
    assert totals["open"] == len(open_)
    assert totals["reviewed"] == len(decided)
    assert totals["overdue"] == ((now - open_.submitted_at) > pd.Timedelta(hours=deadline)).sum()
    assert totals["median_hours"] == pytest.approx(hours.median(), rel=1e-6)
    assert totals["p95_hours"] == pytest.approx(hours.quantile(0.95), rel=1e-6)
    by_street = raw.assign(street=raw.community_code.str[:9] + "000").groupby("street").size()
    assert {k: v["received"] for k, v in streets.items()} == by_street.to_dict()
    assert sum(r["received"] for r in communities) == by_street.get(GCQ, 0)
    assert [r["overdue"] for r in communities] == sorted((r["overdue"] for r in communities), reverse=True)


def test_the_demo_appeals_agree_with_the_register(conn):
    """Converted requests are the history's returns to green credited to appeals; every decided request
    went through all its tiers, never reviewed by its proposer; one open request per person at most."""
    one = lambda sql: conn.execute(text(sql)).scalar()  # noqa: E731
    demo = "channel = 'demo'"
    total, converted = one(f"SELECT count(*) FROM appeal WHERE {demo}"), one(
        f"SELECT count(*) FROM appeal WHERE {demo} AND status = 'converted'")
    assert 0.6 * 16_300 * 0.02 < total < 1.4 * 16_300 * 0.02
    assert 0.04 < converted / total < 0.16
    assert one(f"""SELECT count(*) FROM appeal a WHERE {demo} AND status = 'converted' AND NOT EXISTS (
                   SELECT 1 FROM health_code_history h WHERE h.id_number = a.id_number AND h.source = 'appeal'
                     AND h.colour = 'green' AND h.changed_at = a.decided_at)""") == 0
    assert one(f"""SELECT count(*) FROM appeal a WHERE {demo} AND status IN ('converted', 'rejected')
                   AND (SELECT count(*) FROM appeal_review r WHERE r.appeal_id = a.id) <> cardinality(a.tiers) - 1
               """) == 0
    assert one("SELECT count(*) FROM appeal_review WHERE reviewer = proposer") == 0
    assert one(f"SELECT count(*) FROM appeal WHERE {demo} AND status IN ('open', 'review')") > 0
    assert one(f"""SELECT count(*) FROM appeal WHERE {demo} AND status IN ('open', 'review')
                   AND community_code = '{TZL}'""") > 0


def test_the_demo_appeals_load_into_an_existing_demo_whose_appeal_tables_are_empty(conn):
    from data_access.demo.appeals import demo_scale, load_demo_appeals

    conn.execute(text("ALTER TABLE appeal_review DISABLE TRIGGER appeal_review_append_only;"
                      " DELETE FROM appeal_review; DELETE FROM appeal"))
    rows = load_demo_appeals(conn, demo_scale(conn), 7)
    assert rows["appeal"] == conn.execute(text("SELECT count(*) FROM appeal")).scalar() > 0
    assert load_demo_appeals(conn, demo_scale(conn), 7) == {}  # once only


def test_open_demo_appeals_ask_for_a_colour_the_person_does_not_have(conn):
    assert conn.execute(text("""
        SELECT count(*) FROM appeal a JOIN health_code h USING (id_number)
        WHERE a.status IN ('open', 'review') AND a.channel = 'demo' AND h.colour <> a.current_colour""")).scalar() == 0


def test_the_city_platform_pushes_requests_with_its_token(engine, app_module):
    from data_access.users import integrations

    with engine.begin() as conn:
        token = integrations.create_token(conn, "appeals.platform.test", "test", apis=["appeals"])
    client = app_module.server.test_client()
    person = _person(engine, TZL)
    _colour(engine, person, "yellow")
    one = {"id_number": person, "current_colour": "yellow", "requested_colour": "green", "reason": "误判",
           "submitted_at": _submitted(1), "external_ref": f"HZ{next(_SERIAL):08d}"}
    assert client.post("/api/v1/appeals", json={"appeals": [one]}).status_code == 401
    auth = {"Authorization": f"Bearer {token}"}
    refused = client.post("/api/v1/appeals", headers=auth, json={"appeals": [one, {**one, "id_number": id_number()}]})
    assert refused.status_code == 422
    assert [(e["index"], e["field"]) for e in refused.get_json()["errors"]] == [(2, "id_number")]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM appeal WHERE id_number = :i"), {"i": person}).scalar() == 0
    taken = client.post("/api/v1/appeals", headers=auth, json={"appeals": [one]})
    assert taken.status_code == 200 and taken.get_json()["received"] == 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT channel, received_by, community_code FROM appeal WHERE id_number = :i"),
                            {"i": person}).one() == ("api", "api:appeals.platform.test", TZL)
