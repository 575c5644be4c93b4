"""Key persons (精密智控), the rest of #15 on the real PostGIS: batches pushed by upstream systems over the API
(token, bad input, row-level reasons, the same path as a file), the health bureau's file, the three-colour
map's managed persons read from this module's measures (a count known by construction) with orange shown apart,
and the overdue lists per community at given clock times, scoped by PostgreSQL."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import text

from data_access import aggregates
from data_access.keypersons import tasks
from data_access.session import reading, writing
from domain import clock
from domain.divisions import DISTRICT, Scope
from domain.registers import MANAGED_KINDS
from tests.builders import id_number
from tests.helpers import access_of
from tests.test_keypersons import TZL, _csv, _load, _residents

PATH = "/api/v1/keyperson-batches"


@pytest.fixture(scope="module")
def token(engine):
    from data_access.users import integrations

    with engine.begin() as conn:
        return integrations.create_token(conn, "kp.upstream.test", "test", apis=["keyperson_batches"])


@pytest.fixture
def client(app_module):
    return app_module.server.test_client()


def _record(person: dict, **more) -> dict:
    return {"name": person["name"], "id_number": person["id_number"], **more}


def _post(client, token: str | None, body, raw: bytes | None = None, content_type: str = "application/json"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    return client.post(PATH, headers=headers, data=data, content_type=content_type)


def _count(engine, sql: str, **values) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql), values).scalar()


def test_a_batch_without_a_good_token_or_as_bad_input_writes_nothing(engine, client, token):
    person = _residents(engine, 1, TZL, offset=80)[0]
    body = {"kind": "inbound", "records": [_record(person)]}
    batches = _count(engine, "SELECT count(*) FROM kp_batch")
    assert _post(client, None, body).status_code == 401
    assert _post(client, "sst_not-a-token", body).status_code == 401
    assert _post(client, token, None, raw=b'{"kind": "inbound", "records": [').status_code == 400  # malformed
    assert _post(client, token, None, raw=b"kind=inbound", content_type="text/plain").status_code == 400
    nul = _post(client, token, {"kind": "inbound", "records": [_record(person, address="台州路\x00社区")]})
    assert nul.status_code == 400 and "\x00" not in nul.get_data(as_text=True)
    assert _post(client, token, {"kind": "flight", "records": [_record(person)]}).status_code == 400
    assert _post(client, token, {"kind": "inbound", "records": []}).status_code == 400
    assert _post(client, token, {"kind": "inbound", "records": [_record(person)],
                                 "skip_bad_rows": "yes"}).status_code == 400
    assert _count(engine, "SELECT count(*) FROM kp_batch") == batches


def test_bad_records_are_named_and_the_good_ones_loaded_or_all_refused(engine, client, token):
    good = _residents(engine, 2, TZL, offset=90)
    soon = (clock.now() + timedelta(hours=1, minutes=30)).isoformat()  # the plane lands in 90 minutes: fine
    records = [
        _record(good[0], travel_no="MS953", arrival_at=soon, hotel="拱墅区某某隔离酒店"),
        {"name": "张三", "id_number": "330105199001011234"},  # check digit wrong
        _record(good[1], arrival_at="2099-01-01T00:00:00+08:00"),  # days ahead: a typo
        {"name": "John Smith", "passport": "P7654321", "nationality": "英国"},  # no birth date
        {"name": "赵六", "id_number": id_number(), "address": "台州路社区", "case_ref": "330105199901019999"},
        "not a record",
    ]
    batches = _count(engine, "SELECT count(*) FROM kp_batch")
    refused = _post(client, token, {"kind": "inbound", "source": "省卫健委", "skip_bad_rows": False,
                                    "records": records})
    assert refused.status_code == 422
    found = {(e["index"], e["field"]) for e in refused.get_json()["errors"]}
    assert {(2, "id_number"), (3, "arrival_at"), (4, "id_number")} <= found
    assert all(e["reason"] and e["column"] for e in refused.get_json()["errors"])
    assert _count(engine, "SELECT count(*) FROM kp_batch") == batches

    taken = _post(client, token, {"kind": "inbound", "source": "省卫健委", "records": records})
    assert taken.status_code == 200, taken.get_json()
    answer = taken.get_json()
    assert answer["result"] == "loaded" and answer["received"] == 1 and answer["skipped"] == 5
    assert {e["index"] for e in answer["errors"]} == {2, 3, 4, 5, 6}
    assert next(e for e in answer["errors"] if e["index"] == 5)["reason"] == "关联病例在登记库和重点人员中均未找到"
    with engine.connect() as conn:
        batch = conn.execute(text("SELECT id, kind, source, file_name, received_by, records FROM kp_batch"
                                  " WHERE id = :b"), {"b": answer["batch"]}).mappings().one()
        task = conn.execute(text("""SELECT t.community_code, t.measure, t.hotel, t.colour_written, h.colour, h.source
            FROM kp_task t JOIN kp_person k ON k.id = t.person_id JOIN health_code h ON h.id_number = k.id_number
            WHERE t.batch_id = :b"""), {"b": batch["id"]}).mappings().all()
        audited = conn.execute(text("SELECT count(*) FROM import_run WHERE id = :r AND kind = 'keypersons'"
                                    " AND username = 'api:kp.upstream.test'"), {"r": answer["run"]}).scalar()
    assert (batch["kind"], batch["source"], batch["received_by"], batch["records"]) == (
        "inbound", "省卫健委", "api:kp.upstream.test", 1)
    assert [dict(t) for t in task] == [{"community_code": TZL, "measure": "centralised", "hotel": "拱墅区某某隔离酒店",
                                        "colour_written": "red", "colour": "red",
                                        "source": f"keypersons:batch:{batch['id']}"}]
    assert audited == 1
    again = _post(client, token, {"kind": "inbound", "source": "省卫健委", "records": records})
    assert again.status_code == 200 and again.get_json()["result"] == "unchanged"

    every_one_bad = _post(client, token, {"kind": "inbound", "records": records[1:4]})
    assert every_one_bad.status_code == 422


def test_an_api_batch_is_matched_placed_dispatched_and_coloured_as_the_same_file(engine, client, token):
    """The same records, once as a file from the operator and once over the API (to other persons): the same
    matching, places, tasks, measures and colours, record by record."""
    people = _residents(engine, 8, offset=120)
    arrival = (clock.now() - timedelta(hours=2)).replace(microsecond=0)

    def rows(persons):
        return [[p["name"], p["id_number"], "", "", "", "", "", "CA933", f"{arrival:%Y-%m-%d %H:%M:%S}",
                 "拱墅区某某隔离酒店" if i % 2 == 0 else "", ""] for i, p in enumerate(persons)]

    foreign = [["Ali Said", "", "E1234567", "埃及", "1980-05-06", "", "杭州市拱墅区台州路社区5幢", "MS953",
                f"{arrival:%Y-%m-%d %H:%M:%S}", "拱墅区某某隔离酒店", ""]]
    as_file = rows(people[:4]) + foreign
    foreign_api = [["Omar Said", "", "E7654321", "埃及", "1981-05-06", "", "杭州市拱墅区台州路社区6幢", "MS953",
                    f"{arrival:%Y-%m-%d %H:%M:%S}", "拱墅区某某隔离酒店", ""]]
    by_api = rows(people[4:]) + foreign_api
    loaded = _load(access_of("operator"), _csv(as_file), kind="inbound", name="同批文件.csv")
    assert loaded.result == "loaded" and loaded.rows_written == 5
    fields = ["name", "id_number", "passport", "nationality", "birth_date", "phone", "address", "travel_no",
              "arrival_at", "hotel", "case_ref"]
    answer = _post(client, token, {"kind": "inbound", "source": "区卫健局",
                                   "records": [{f: v for f, v in zip(fields, r, strict=True) if v} for r in by_api]})
    assert answer.status_code == 200 and answer.get_json()["received"] == 5

    def outcome(batch_filter: str) -> list[tuple]:
        with engine.connect() as conn:
            return conn.execute(text(f"""
                SELECT r.row_no, r.matched_by, r.placed_by, r.community_code = coalesce(p.community_code, '{TZL}'),
                       t.measure, t.colour_written, h.colour, t.contact_due - b.received_at
                FROM kp_record r JOIN kp_batch b ON b.id = r.batch_id JOIN kp_person k ON k.id = r.person_id
                LEFT JOIN person p ON p.id_number = k.id_number JOIN kp_task t ON t.record_id = r.id
                LEFT JOIN health_code h ON h.id_number = k.id_number
                WHERE r.batch_id = ({batch_filter}) ORDER BY r.row_no""")).all()

    from_file = outcome("SELECT max(id) FROM kp_batch WHERE file_name = '同批文件.csv'")
    from_api = outcome(f"SELECT {answer.get_json()['batch']}")
    assert [r[0] for r in from_api] == [1, 2, 3, 4, 5]  # the record's index in the batch (a file's: its line)
    assert [r[1:] for r in from_api] == [r[1:] for r in from_file]
    assert [r[4] for r in from_api] == ["centralised", None, "centralised", None, "centralised"]
    assert all(r[3] for r in from_api)  # each in the register's community, the foreigner by the address


def test_the_health_bureau_gets_a_batchs_records_with_codes_as_text_audited(engine, app_module):
    from tests.helpers import logged_in_client

    with engine.connect() as conn:
        batch, records = conn.execute(text("""SELECT b.id, count(r.id) FROM kp_batch b
            JOIN kp_record r ON r.batch_id = b.id GROUP BY b.id ORDER BY b.id DESC LIMIT 1""")).one()
    official = logged_in_client(app_module, "official")
    answer = official.get(f"/export/keyperson-records.xlsx?area=330105000000&batch={batch}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[3]]
    assert header[:5] == ["批次", "原表行号", "类型", "姓名", "证件号"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    assert len(rows) == records and {r[0] for r in rows} == {batch}
    code = header.index("社区代码")
    placed = [r for r in rows if r[code]]
    assert placed and all(isinstance(r[code], str) and len(r[code]) == 12 for r in placed)
    assert all("*" in r[4] for r in rows)  # masked
    assert {r[header.index("登记库码色")] for r in rows} <= {"绿码", "黄码", "红码", "无码"}
    with engine.connect() as conn:
        audited = conn.execute(text("""SELECT detail FROM audit_log WHERE username = 'official' AND action = 'export'
            AND detail->>'list' = 'keyperson_records' ORDER BY id DESC LIMIT 1""")).scalar()
    assert audited["batch"] == batch and audited["rows"] == records

    day = official.get(f"/export/keyperson-records.xlsx?area=330105000000&day={clock.today().isoformat()}")
    assert day.status_code == 200
    assert official.get("/export/keyperson-records.xlsx?area=330105000000&batch=x").status_code == 400
    assert official.get("/export/keyperson-records.xlsx?area=330105000000").status_code == 400
    street = logged_in_client(app_module, "gcq.official")
    assert street.get(f"/export/keyperson-records.xlsx?area=330105000000&batch={batch}").status_code == 403
    leader = logged_in_client(app_module, "leader")
    assert leader.get(f"/export/keyperson-records.xlsx?area=330105000000&batch={batch}").status_code == 403
    with engine.connect() as conn:
        refusals = conn.execute(text("""SELECT count(*) FROM audit_log WHERE action = 'refused'
            AND username IN ('gcq.official', 'leader') AND detail::text LIKE '%keyperson-records%'""")).scalar()
    assert refusals >= 2


def test_a_day_without_batches_is_refused_in_words_not_an_empty_file(engine, app_module):
    from tests.helpers import logged_in_client

    official = logged_in_client(app_module, "official")
    answer = official.get("/export/keyperson-records.xlsx?area=330105000000&day=2001-01-01")
    assert answer.status_code == 404 and answer.mimetype == "text/plain"
    assert answer.get_data(as_text=True) == "2001-01-01 没有接收到本辖区的批次，无可导出的记录"
    with engine.connect() as conn:
        audited = conn.execute(text("""SELECT count(*) FROM audit_log WHERE action = 'export'
            AND detail->>'day' = '2001-01-01'""")).scalar()
    assert audited == 0  # nothing went out


def test_the_overdue_tasks_export_holds_the_areas_overdue_tasks_audited(engine, app_module):
    from tests.helpers import logged_in_client

    now, today = clock.now(), clock.today()
    with reading(access_of("official")) as conn:
        district = tasks.overdue_tasks(conn, DISTRICT, now, today, limit=100_000)
    with reading(access_of("gcq.official")) as conn:
        street = tasks.overdue_tasks(conn, Scope("330105005000"), now, today, limit=100_000)
    assert district and street and len(street) < len(district)

    def rows_of(client, area: str) -> list[list]:
        answer = client.get(f"/export/keyperson-overdue.xlsx?area={area}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        sheet = openpyxl.load_workbook(io.BytesIO(answer.data)).worksheets[0]
        header = ["编号", "社区", "姓名", "超时事项", "首次联系时限", "管控措施", "缺随访（天）"]
        assert [c.value for c in sheet[3]] == header
        return [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]

    official = rows_of(logged_in_client(app_module, "official"), "330105000000")
    assert sorted(r[0] for r in official) == sorted(t["id"] for t in district)
    mine = rows_of(logged_in_client(app_module, "gcq.official"), "330105005000")
    assert sorted(r[0] for r in mine) == sorted(t["id"] for t in street)
    assert all(r[3] for r in mine)  # each says what is late
    with engine.connect() as conn:
        audited = conn.execute(text("""SELECT detail FROM audit_log WHERE username = 'gcq.official'
            AND action = 'export' AND detail->>'list' = 'keyperson_overdue' ORDER BY id DESC LIMIT 1""")).scalar()
    assert audited["rows"] == len(street)
    assert logged_in_client(app_module, "gcq.official").get(
        "/export/keyperson-overdue.xlsx?area=330105000000").status_code == 403  # another area
    assert logged_in_client(app_module, "leader").get(
        "/export/keyperson-overdue.xlsx?area=330105000000").status_code == 403  # may not export
    assert logged_in_client(app_module, "official").get("/export/keyperson-overdue.xlsx?area=x").status_code == 400


def _map_counts(conn, community: str) -> dict[str, int]:
    row = next(r for r in aggregates.community_map_rows(conn, Scope(community[:9] + "000")) if r["code"] == community)
    return {k: row[f"managed_{k}"] for k in ("total", *MANAGED_KINDS)}


def test_the_maps_managed_persons_come_from_the_modules_measures_known_by_construction(conn):
    """In one community, on top of what is there: 3 on the flat list (home, inbound, close contact) and 5 key
    persons: the listed home-isolation person now in centralised quarantine here (counted once, as orange),
    a new contact under health monitoring, one placed but without a measure yet, one released yesterday, one
    whose measure starts tomorrow. The map must count 4 more: centralised +1 (the listed person, moved from
    home isolation), inbound +1 and close contact +2 (the listed one and the new one)."""
    community = "330105005051"
    today = clock.today()  # the Beijing day the map counts by (the server's date may be another)
    before = _map_counts(conn, community)
    a, b, c = conn.execute(text("SELECT id_number FROM person WHERE community_code = :c AND id_number NOT IN"
                                " (SELECT id_number FROM managed_person) AND id_number NOT IN (SELECT id_number"
                                " FROM kp_person WHERE id_number IS NOT NULL) ORDER BY id_number LIMIT 3"),
                           {"c": community}).scalars().all()
    for person, kind in ((a, "home_isolation"), (b, "inbound"), (c, "close_contact")):
        conn.execute(text("INSERT INTO managed_person (id_number, kind, community_code, start_date)"
                          " VALUES (:p, :k, :c, CAST(:d AS date) - 2)"),
                     {"p": person, "k": kind, "c": community, "d": today})
    batch = conn.execute(text("""INSERT INTO kp_batch (kind, source, file_name, deadline, received_by)
        VALUES ('close_contact', '测试', 't.csv', now() + interval '2 hours', 'test') RETURNING id""")).scalar()
    plan = [(a, "centralised", None), (id_number(), "monitoring", None), (id_number(), None, None),
            (id_number(), "home", "released"), (id_number(), "home", "tomorrow")]
    for row, (person, measure, state) in enumerate(plan, start=1):
        kp = conn.execute(text("INSERT INTO kp_person (id_number, name) VALUES (:p, '测试') RETURNING id"),
                          {"p": person}).scalar()
        record = conn.execute(text("""INSERT INTO kp_record (batch_id, row_no, person_id, matched_by, community_code,
            placed_by, confidence, placed_at) VALUES (:b, :r, :k, 'new', :c, 'address', 1, now()) RETURNING id"""),
                              {"b": batch, "r": row, "k": kp, "c": community}).scalar()
        conn.execute(text("""INSERT INTO kp_task (person_id, record_id, batch_id, community_code, contact_due,
              contacted_at, contacted_by, measure, hotel, measure_start, measure_days, released_at)
            VALUES (:k, :r, :b, :c, now(), now(), 'test', CAST(:m AS text),
              CASE WHEN :m = 'centralised' THEN '某隔离酒店' END,
              CASE WHEN :m IS NOT NULL THEN CAST(:d AS date) + CASE WHEN :s = 'tomorrow' THEN 1 ELSE -1 END END,
              CASE WHEN :m IS NOT NULL THEN 14 END,
              CASE WHEN :s = 'released' THEN now() - interval '1 day' END)"""),
                     {"k": kp, "r": record, "b": batch, "c": community, "m": measure, "s": state, "d": today})
    after = _map_counts(conn, community)
    change = {k: after[k] - before[k] for k in after}
    assert change == {"total": 4, "centralised_isolation": 1, "home_isolation": 0, "close_contact": 2,
                      "inbound": 1, "key_area_returnee": 0}
    totals = aggregates.area_totals(conn, Scope(community))
    assert totals["managed_total"] == after["total"]


def test_the_map_shows_orange_apart_in_its_tile_legend_and_panel(engine):
    from callbacks.colour_map.view import view_outputs
    from layouts.view import View
    from tests.helpers import OUTPUTS, texts
    from tests.test_map_reach import find

    official = access_of("official")
    with writing(official) as work:
        orange = aggregates.area_totals(work.conn, DISTRICT)["managed_centralised_isolation"]
    assert orange > 0  # the demo has persons in centralised quarantine
    operator = access_of("operator")  # sees the map but not the module: counts the same persons
    with writing(operator) as work:
        assert aggregates.area_totals(work.conn, DISTRICT)["managed_centralised_isolation"] == orange
    shown = dict(zip(OUTPUTS, view_outputs(View(metric="red"), [], official), strict=True))
    tile = find(shown["kpis"], lambda n: n.to_plotly_json()["props"].get("data-kpi") == "orange")[0]
    assert texts(tile).split() == ["橙码（集中隔离）", f"{orange:,}", "人"] and "kpi-orange" in tile.className
    note = find(shown["legend"], lambda n: n.to_plotly_json()["props"].get("data-note") == "orange")
    assert note and "红码含集中隔离（橙码）人员" in texts(note[0])
    green = dict(zip(OUTPUTS, view_outputs(View(metric="cleared_share"), [], official), strict=True))
    assert not find(green["legend"], lambda n: n.to_plotly_json()["props"].get("data-note") == "orange")
    panel = find(shown["side"], lambda n: getattr(n, "className", "") == "managed-kinds")[0]
    kind = find(panel, lambda n: n.to_plotly_json()["props"].get("data-kind") == "centralised_isolation")[0]
    assert kind.className == "kind-orange" and f"{orange:,}" in texts(kind)
    drawn = dict(zip(OUTPUTS, view_outputs(View(metric="managed_centralised_isolation"), [], official),
                     strict=True))
    swatches = [n.style["background"] for n in find(drawn["legend"], lambda n: getattr(n, "className", "") == "swatch")]
    assert swatches and all(s.startswith("#f") or s.startswith("#e") or s.startswith("#a") for s in swatches[:5])
    assert "#fde0d6" not in swatches  # not the reds


def test_overdue_tasks_per_community_at_given_clock_times(engine):
    """A fresh key-area person in 台州路: not overdue at the deadline, overdue a minute after; under home
    isolation from three days ago with one follow-up: two days missed; the worker sees only 台州路."""
    operator, worker, official = access_of("operator"), access_of("tzl.worker"), access_of("official")
    person = _residents(engine, 1, TZL, offset=140)[0]
    assert _load(operator, _csv([[person["name"], person["id_number"], "", "", "", "", "", "", "", "", ""]]),
                 kind="key_area", name="超时测试.csv").result == "loaded"
    with writing(worker) as work:
        task = next(t for t in tasks.tasks(work.conn, worker.scope) if t["name"] == person["name"]
                    and t["measure"] is None and t["contacted_at"] is None)
        due, today = task["contact_due"], clock.today()
        at_due = {r["id"] for r in tasks.overdue_tasks(work.conn, worker.scope, due, today)}
        late = {r["id"]: r for r in tasks.overdue_tasks(work.conn, worker.scope, due + timedelta(minutes=1), today)}
        assert task["id"] not in at_due and late[task["id"]]["contact_overdue"]
        ours = next(c for c in tasks.overdue_by_community(work.conn, worker.scope, due + timedelta(minutes=1), today)
                    if c["code"] == TZL)
        before = next(c for c in tasks.overdue_by_community(work.conn, worker.scope, due, today) if c["code"] == TZL)
        assert ours["contact_overdue"] == before["contact_overdue"] + 1
        tasks.first_contact(work.conn, task["id"], worker.username, "电话联系")
    start = today - timedelta(days=3)
    tasks.set_measure(worker, task["id"], "home", None, start, 14)
    with writing(worker) as work:
        tasks.follow_up(work.conn, task["id"], start + timedelta(days=1), worker.username, False, 36.4, None, None)
    with writing(worker) as work:
        now = clock.now()
        mine = {r["id"]: r for r in tasks.overdue_tasks(work.conn, worker.scope, now, today)}
        assert mine[task["id"]]["missed_days"] == 2 and not mine[task["id"]]["contact_overdue"]
        assert {r["community_code"] for r in mine.values()} == {TZL}
        seen = tasks.overdue_by_community(work.conn, DISTRICT, now, today)  # asking for more: PostgreSQL says no
        assert {c["code"] for c in seen} == {TZL}
    with writing(official) as work:
        at = clock.now()
        district = tasks.overdue_by_community(work.conn, DISTRICT, at, today)
        streets = {s["code"]: s for s in tasks.overdue_by_street(work.conn, DISTRICT, at, today)}
    assert len({c["code"][:9] for c in district}) > 1  # the district sees several streets' communities
    for key in ("contact_overdue", "followup_tasks", "followup_days"):  # each street: its communities' sum
        assert {code: s[key] for code, s in streets.items()} == {
            code: sum(c[key] for c in district if c["code"][:9] == code[:9]) for code in streets}
    assert next(c for c in district if c["code"] == TZL)["followup_days"] == seen[0]["followup_days"]


def test_the_pages_times_are_beijing_times_with_their_year():
    """A batch received at 13:58 UTC reads 21:58 (Beijing), as the export and the appeal case page say."""
    from datetime import UTC, datetime

    from layouts.keypersons.page import batch_rows, task_rows

    received = datetime(2026, 11, 27, 13, 58, tzinfo=UTC)
    minutes = {f"{s}_minutes": None for s in ("matched", "placed", "contacted")}
    row = batch_rows([{"kind": "inbound", "received_at": received, "deadline": received.replace(hour=15),
                       **minutes}])[0]
    assert (row["received"], row["deadline_at"]) == ("2026-11-27 21:58", "2026-11-27 23:58")
    task = task_rows([{"id": 1, "name": "x", "id_number": None, "passport": "E1", "phone": None, "community": "c",
                       "batch_kind": "inbound", "contact_due": received, "contacted_at": None, "measure": None,
                       "hotel": None, "measure_start": None, "status_colour": None}])[0]
    assert task["contact_due_at"] == "2026-11-27 21:58"
