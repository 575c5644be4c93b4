"""新拱墅人一码通: a declaration through the public pages (no login), reviewed by the community into the
registers (house, landlord, migrant with history, QR code), the verification page following the health-code
colour, forged and revoked codes, the throttle, bad input, and the area enforced by PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from callbacks.api import PATH as LIVE
from data_access.settings import APP_ROLE, settings
from data_access.users import integrations
from tests.builders import id_number
from tests.helpers import access_of, logged_in_client

TZL = "330105005052"  # 台州路社区 (tzl.worker's), street 拱宸桥 330105005000 (gcq.official's)
_addresses = count(1)


def phone_client(app_module):
    """An anonymous browser from an address of its own (the throttle counts per address)."""
    client = app_module.server.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.16.{next(_addresses)}.7"
    return client


def csrf_of(client, kind: str = "migrant") -> str:
    page = client.get(f"/m/declare?kind={kind}")
    assert page.status_code == 200
    return re.search(r'name="csrf" value="([^"]+)"', page.data.decode()).group(1)


def post(client, kind: str, **fields):
    return client.post(f"/m/declare?kind={kind}", data={"csrf": csrf_of(client, kind), "kind": kind, **fields})


def declarations(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM mg_declaration")).scalar()


def waiting_id(engine, number: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT max(id) FROM mg_declaration WHERE id_number = :i AND state = 'waiting'"),
                            {"i": number}).scalar()


def other_street_community(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT min(code) FROM community WHERE street_code <> '330105005000'")).scalar()


def green_resident(engine, community: str = TZL) -> tuple[str, str]:
    """A resident of the register with a green code and no migrant record yet: (ID number, name)."""
    with engine.connect() as conn:
        return tuple(conn.execute(text(
            "SELECT p.id_number, p.name FROM person p JOIN health_code h USING (id_number)"
            " WHERE p.community_code = :c AND h.colour = 'green'"
            " AND NOT EXISTS (SELECT 1 FROM mg_migrant m WHERE m.id_number = p.id_number)"
            " AND NOT EXISTS (SELECT 1 FROM mg_declaration d WHERE d.id_number = p.id_number)"
            " ORDER BY p.id_number DESC LIMIT 1"), {"c": community}).one())


def house_in(app_module, engine, community: str, reviewer: str, rooms: int = 2) -> str:
    """A rental house declared by a landlord on the public page and accepted by the community: its sticker code."""
    from callbacks.migrants.page import decide

    landlord = id_number()
    response = post(phone_client(app_module), "landlord", id_number=landlord, name="房东甲", phone="13900001111",
                    community_code=community, address=f"测试路{next(_addresses)}号", rooms=str(rooms))
    assert response.status_code == 303, response.data.decode()[:500]
    assert decide(access_of(reviewer), waiting_id(engine, landlord), "accept").startswith("已审核")
    with engine.connect() as conn:
        return conn.execute(text("SELECT h.house_code FROM mg_house h JOIN mg_landlord l ON l.id = h.landlord_id"
                                 " WHERE l.id_number = :i"), {"i": landlord}).scalar()


def declare_migrant(app_module, number: str, name: str, house: str, client=None):
    return post(client or phone_client(app_module), "migrant", id_number=number, name=name, phone="13800002222",
                origin="安徽省阜阳市", arrival_date="2020-03-01", employer="拱墅某公司", house_code=house)


@pytest.fixture(scope="module")
def live_token(engine):
    with engine.begin() as conn:
        return integrations.create_token(conn, "mg.healthcode", "test", "健康码平台（一码通测试）",
                                         apis=["health_codes"])


def test_only_the_public_pages_skip_the_login_gate(app_module):
    client = app_module.server.test_client()
    for path in ("/m/declare", "/m/declare?kind=landlord", "/m/receipt/" + "a" * 32, "/m/v/" + "x" * 30):
        assert client.get(path).status_code in (200, 400, 404), path
    assert client.get("/migrants").status_code == 302  # the module's page: the login page
    assert client.get("/export/migrants/houses.xlsx?community=" + TZL).status_code == 401
    public = {rule.endpoint for rule in app_module.server.url_map.iter_rules() if rule.rule.startswith("/m/")}
    assert public == {"migrants_declare", "migrants_receipt", "migrants_qr", "migrants_verify"}


def test_a_declaration_accepted_by_the_community_makes_migrant_stay_and_a_qr_that_follows_the_colour(
        app_module, engine, live_token):
    from callbacks.migrants.page import decide

    house = house_in(app_module, engine, TZL, "tzl.worker")
    number, name = green_resident(engine)
    phone = phone_client(app_module)
    response = declare_migrant(app_module, number, name, house, phone)
    assert response.status_code == 303
    receipt = phone.get(response.headers["Location"]).data.decode()
    assert "待审核" in receipt and "/m/qr/" not in receipt
    with engine.connect() as conn:  # nothing the declarant typed reaches the registers unreviewed
        assert conn.execute(text("SELECT count(*) FROM mg_migrant WHERE id_number = :i"), {"i": number}).scalar() == 0
    assert decide(access_of("tzl.worker"), waiting_id(engine, number), "accept") == "已审核：已通过"
    with engine.connect() as conn:
        migrant = conn.execute(text("SELECT m.id, h.house_code, m.community_code FROM mg_migrant m"
                                    " JOIN mg_house h ON h.id = m.house_id WHERE m.id_number = :i"),
                               {"i": number}).one()
        stays = conn.execute(text("SELECT count(*) FROM mg_residence WHERE migrant_id = :m AND moved_out IS NULL"),
                             {"m": migrant.id}).scalar()
        audited = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'migrant_reviewed'"
                                    " AND username = 'tzl.worker'")).scalar()
    assert (migrant.house_code, migrant.community_code, stays) == (house, TZL, 1) and audited >= 2
    receipt = phone.get(response.headers["Location"]).data.decode()
    qr_path = re.search(r'href="(/m/qr/[^"]+)"', receipt).group(1)
    qr_page = phone.get(qr_path).data.decode()
    assert "data:image/svg+xml" in qr_page and number not in qr_page and name not in qr_page
    verify_path = re.search(r'href="(/m/v/[^"]+)"', qr_page).group(1)
    scan = phone.get(verify_path).data.decode()
    assert 'data-colour="green"' in scan and "台州路社区" in scan and name not in scan
    assert name[0] + "*" in scan
    changed = (datetime.now(UTC) + timedelta(seconds=1)).astimezone().isoformat()
    answer = app_module.server.test_client().post(LIVE, headers={"Authorization": f"Bearer {live_token}"},
                                                  json={"changes": [{"id_number": number, "colour": "red",
                                                                     "changed_at": changed}]})
    assert answer.status_code == 200
    assert 'data-colour="red"' in phone.get(verify_path).data.decode()


def test_forged_and_revoked_codes_are_refused(app_module, engine):
    from callbacks.migrants.public import sign
    from data_access.migrants import review
    from data_access.session import writing

    client = app_module.server.test_client()
    forged = client.get("/m/v/" + "A" * 22 + ".abcdefghijklmnopqrstuvwxyz0")
    assert forged.status_code == 400 and "不是本系统签发" in forged.data.decode()
    unknown = client.get("/m/v/" + sign("B" * 22))
    assert unknown.status_code == 404 and "没有这个二维码" in unknown.data.decode()
    house = house_in(app_module, engine, TZL, "tzl.worker")
    number = id_number()
    declare_migrant(app_module, number, "李四", house)
    from callbacks.migrants.page import decide

    worker = access_of("tzl.worker")
    decide(worker, waiting_id(engine, number), "accept")
    with engine.connect() as conn:
        migrant, nonce = conn.execute(text("SELECT m.id, q.nonce FROM mg_migrant m JOIN mg_qr q ON q.migrant_id = m.id"
                                           " WHERE m.id_number = :i"), {"i": number}).one()
    page = client.get("/m/v/" + sign(nonce)).data.decode()
    assert "暂无健康码记录" in page  # a new ID the register has no colour for
    with writing(worker) as work:
        fresh = review.revoke_qr(work, migrant)
    revoked = client.get("/m/v/" + sign(nonce))
    assert revoked.status_code == 410 and "已作废" in revoked.data.decode()
    assert client.get("/m/v/" + sign(fresh)).status_code == 200
    # A character inside the signature: the last one carries bits base64 throws away, so changing it may
    # leave the signature's bytes as they were (one run in sixteen did).
    nonce_part, signature = sign(fresh).split(".")
    tampered = nonce_part + "." + ("B" if signature[0] != "B" else "C") + signature[1:]
    assert client.get("/m/v/" + tampered).status_code == 400


@pytest.mark.parametrize(("fields", "message"), [
    ({"id_number": "330105199001011230"}, "身份证号校验位错误"),
    ({"phone": "1234"}, "手机号应为 11 位数字"),
    ({"arrival_date": "2099-01-01"}, "日期无效"),
    ({"house_code": ""}, "请填写房屋编码"),
    ({"house_code": "ZZZZZZZZ"}, "没有这个房屋编码"),
    ({"name": ""}, "请填写所有必填项"),
])
def test_bad_public_input_gets_a_chinese_message_and_writes_nothing(app_module, engine, fields, message):
    good = {"id_number": id_number(), "name": "王五", "phone": "13800003333", "origin": "河南省",
            "arrival_date": "2020-02-20", "house_code": "ZZZZZZZZ" if "house_code" in fields else "Z" * 8}
    before = declarations(engine)
    response = post(phone_client(app_module), "migrant", **{**good, **fields})
    assert response.status_code == 400 and message in response.data.decode()
    assert declarations(engine) == before


def test_a_post_without_the_forms_token_writes_nothing(app_module, engine):
    before = declarations(engine)
    response = phone_client(app_module).post("/m/declare?kind=landlord", data={
        "kind": "landlord", "id_number": id_number(), "name": "赵六", "phone": "13800004444",
        "community_code": TZL, "address": "无令牌路1号", "rooms": "2"})
    assert response.status_code == 400 and "页面已过期" in response.data.decode()
    assert declarations(engine) == before


def test_the_public_page_throttles_per_address_and_per_id_and_says_the_same_for_any_id(app_module, engine):
    phone = phone_client(app_module)
    landlord = {"name": "钱七", "phone": "13800005555", "community_code": TZL, "rooms": "1"}
    answers = [post(phone, "landlord", id_number=id_number(), address=f"限流路{i}号", **landlord).status_code
               for i in range(11)]
    assert answers == [303] * 10 + [429]
    refused = post(phone, "landlord", id_number=id_number(), address="限流路99号", **landlord)
    assert "提交过于频繁" in refused.data.decode()
    same = id_number()
    by_id = [post(phone_client(app_module), "landlord", id_number=same, address=f"同号路{i}号", **landlord).status_code
             for i in range(4)]
    assert by_id == [303, 303, 303, 429]
    # a registered resident's ID and an unknown one get the same answer (a receipt to the same page)
    known, _ = green_resident(engine)
    first = post(phone_client(app_module), "landlord", id_number=known, address="揭示路1号", **landlord)
    second = post(phone_client(app_module), "landlord", id_number=id_number(), address="揭示路2号", **landlord)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"].split("/m/receipt/")[0] == second.headers["Location"].split("/m/receipt/")[0]


def test_an_anonymous_request_reads_nothing_and_can_only_declare_through_the_function(demo):
    engine = create_engine(settings().role_url(APP_ROLE))
    try:
        with engine.connect() as conn:
            for table in ("mg_declaration", "mg_migrant", "mg_house", "mg_landlord", "mg_qr", "mg_residence"):
                assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
            with pytest.raises(DBAPIError, match="permission denied"):
                conn.execute(text("INSERT INTO mg_declaration (community_code, kind, id_number, name)"
                                  " VALUES (:c, 'landlord', '110101199001010011', 'x')"), {"c": TZL})
            conn.rollback()
            assert conn.execute(text("SELECT count(*) FROM mg_receipt(repeat('0', 64))")).scalar() == 0
    finally:
        engine.dispose()


def test_a_street_official_cannot_review_another_streets_declarations_even_in_sql(app_module, engine):
    from callbacks.migrants.page import decide

    elsewhere = other_street_community(engine)
    landlord = id_number()
    post(phone_client(app_module), "landlord", id_number=landlord, name="孙八", phone="13800006666",
         community_code=elsewhere, address="外街路1号", rooms="3")
    declaration = waiting_id(engine, landlord)
    official = access_of("gcq.official")
    assert decide(official, declaration, "accept") == "该申报不存在、不在您的辖区，或已审核"
    assert "不在您的辖区" in decide(access_of("tzl.worker"), declaration, "reject", reason="测试")
    app = create_engine(settings().role_url(APP_ROLE))
    try:
        with app.connect() as conn:
            conn.execute(text("SELECT set_config('sansetu.session', :s, false)"), {"s": official.session})
            changed = conn.execute(text("UPDATE mg_declaration SET state = 'rejected', reason = 'x',"
                                        " reviewed_by = 'gcq.official', reviewed_at = now() WHERE id = :d"),
                                   {"d": declaration}).rowcount
            seen = conn.execute(text("SELECT count(*) FROM mg_declaration WHERE id = :d"), {"d": declaration}).scalar()
            conn.rollback()
    finally:
        app.dispose()
    assert (changed, seen) == (0, 0)
    assert decide(access_of("official"), declaration, "reject", reason="信息不实") == "已审核：未通过"
    with pytest.raises(Exception, match="may not"):
        decide(access_of("leader"), declaration, "accept")


def test_the_queue_shows_conflicts_and_a_rejection_needs_a_reason(app_module, engine):
    from callbacks.migrants.page import decide, queue_rows

    small = house_in(app_module, engine, TZL, "tzl.worker", rooms=1)  # two persons
    other = house_in(app_module, engine, TZL, "tzl.worker")
    people = [id_number() for _ in range(3)]
    for number in people[:2]:
        declare_migrant(app_module, number, "周九", small)
        decide(access_of("tzl.worker"), waiting_id(engine, number), "accept")
    declare_migrant(app_module, people[2], "吴十", small)  # a third into a house for two
    declare_migrant(app_module, people[0], "周九", other)  # one of them declared in another house too
    with engine.begin() as conn:  # an ID failing its check digit, as an older channel let through
        conn.execute(text("INSERT INTO mg_declaration (community_code, kind, id_number, name, house_id) SELECT :c,"
                          " 'migrant', '110101199001010010', '郑一', id FROM mg_house WHERE house_code = :h"),
                     {"c": TZL, "h": other})
    rows = {r["id"]: r for r in queue_rows(access_of("tzl.worker"))}
    assert "房屋超出可住人数" in rows[waiting_id(engine, people[2])]["conflicts"]
    assert "同一身份证号登记在两处房屋" in rows[waiting_id(engine, people[0])]["conflicts"]
    assert "身份证号校验位错误" in rows[waiting_id(engine, "110101199001010010")]["conflicts"]
    assert all("*" in r["id_number"] for r in rows.values())
    assert decide(access_of("tzl.worker"), waiting_id(engine, people[2]), "reject") == "不通过时须填写原因"
    bad = waiting_id(engine, "110101199001010010")
    assert decide(access_of("tzl.worker"), bad, "accept").startswith("身份证号校验位")
    assert decide(access_of("tzl.worker"), waiting_id(engine, people[0]), "correct",
                  {"phone": "123"}) == "手机号应为 11 位数字，以 1 开头"
    # a move keeps the past: accepted into the other house, the first stay is closed
    assert decide(access_of("tzl.worker"), waiting_id(engine, people[0]), "correct",
                  {"employer": "新单位"}) == "已审核：已更正后通过"
    with engine.connect() as conn:
        stays = conn.execute(text("SELECT h.house_code, r.moved_out IS NULL FROM mg_residence r"
                                  " JOIN mg_house h ON h.id = r.house_id JOIN mg_migrant m ON m.id = r.migrant_id"
                                  " WHERE m.id_number = :i ORDER BY r.id"), {"i": people[0]}).all()
        employer = conn.execute(text("SELECT employer FROM mg_migrant WHERE id_number = :i"), {"i": people[0]}).scalar()
    assert [tuple(s) for s in stays] == [(small, False), (other, True)] and employer == "新单位"


def test_a_key_person_is_shown_as_a_conflict(app_module, engine):
    from callbacks.migrants.page import queue_rows

    with engine.connect() as conn:
        number = conn.execute(text("SELECT k.id_number FROM kp_person k JOIN kp_task t ON t.person_id = k.id"
                                   " WHERE t.community_code = :c AND t.released_at IS NULL AND k.id_number IS NOT NULL"
                                   " LIMIT 1"), {"c": TZL}).scalar()
    if number is None:
        pytest.skip("the small demo has no open key-person task in 台州路社区")
    house = house_in(app_module, engine, TZL, "tzl.worker")
    declare_migrant(app_module, number, "冯二", house)
    rows = {r["id"]: r for r in queue_rows(access_of("tzl.worker"))}
    assert "在重点人员批次中" in rows[waiting_id(engine, number)]["conflicts"]


def test_the_oversight_and_the_register_export_for_an_official(app_module, engine):
    from callbacks.migrants.page import map_view, oversight_view

    house_in(app_module, engine, TZL, "tzl.worker")
    rollout, streets, communities, options, map_options = oversight_view(access_of("gcq.official"))
    figure, legend, _message = map_view(access_of("gcq.official"), None, "migrants")
    assert len(legend) == 2  # a title and how to open a community
    assert {r["community_code"][:9] for r in communities} == {"330105005"} and len(options) == len(communities)
    assert map_options == options
    assert [s["street_code"] for s in streets] == ["330105005000"]
    assert streets[0]["migrants"] == sum(r["migrants"] for r in communities)
    assert {tr["name"] for tr in rollout["data"]} == {"试点社区", "其他社区"}
    tzl = next(r for r in communities if r["community_code"] == TZL)
    assert tzl["houses"] >= 1 and any(tr.get("type") == "densitymap" for tr in figure["data"])
    assert figure["layout"]["map"]["style"] != "open-street-map"
    client = logged_in_client(app_module, "gcq.official")
    response = client.get(f"/export/migrants/houses.xlsx?community={TZL}")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert client.get(f"/export/migrants/houses.xlsx?community={other_street_community(engine)}").status_code == 403
    assert logged_in_client(app_module, "tzl.worker").get(
        f"/export/migrants/houses.xlsx?community={TZL}").status_code == 403
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'export' AND username = 'gcq.official'"
                                 " AND detail->>'list' = 'migrant_houses'")).scalar() >= 1


def test_the_demo_holds_houses_in_their_communities_declarations_in_every_state_and_the_pilots_first(engine):
    with engine.connect() as conn:
        outside = conn.execute(text("SELECT count(*) FROM mg_house h JOIN community c ON c.code = h.community_code"
                                    " WHERE NOT ST_Covers(c.geom, h.location)")).scalar()
        states = set(conn.execute(text("SELECT DISTINCT state FROM mg_declaration")).scalars())
        kinds = set(conn.execute(text("SELECT DISTINCT kind FROM mg_declaration")).scalars())
        first = conn.execute(text(
            "SELECT bool_and(pilot_first) FROM (SELECT min(m.registered_at) FILTER (WHERE c.name = ANY (:p))"
            " < min(m.registered_at) FILTER (WHERE NOT c.name = ANY (:p)) AS pilot_first"
            " FROM mg_migrant m JOIN community c ON c.code = m.community_code WHERE m.id_number NOT LIKE '110101%') x"),
            {"p": ["台州路社区", "温州路社区", "德胜社区", "翠玉社区"]}).scalar()
        temporary, migrants = conn.execute(text(
            "SELECT count(*), count(m.id) FROM person p LEFT JOIN mg_migrant m USING (id_number)"
            " WHERE p.residence_type = 'temporary'")).one()
        without_code = conn.execute(text("SELECT count(*) FROM mg_migrant m WHERE NOT EXISTS ("
                                         "SELECT 1 FROM mg_qr q WHERE q.migrant_id = m.id AND q.revoked_at IS NULL)"
                                         " AND m.house_id IS NOT NULL")).scalar()
    assert outside == 0 and states == {"waiting", "accepted", "corrected", "rejected"}
    assert kinds == {"migrant", "landlord", "overseas", "returnee", "test"} and first
    assert 0.9 < migrants / temporary < 1 and without_code == 0


def test_the_demo_fills_an_existing_databases_empty_migrant_tables(conn):
    from data_access.demo.migrants import load_demo_migrants

    assert load_demo_migrants(conn, 0.02, 7) == {}  # already there: nothing added
    conn.execute(text("DELETE FROM mg_qr; DELETE FROM mg_residence; DELETE FROM mg_declaration; DELETE FROM mg_migrant;"
                      " DELETE FROM mg_house; DELETE FROM mg_landlord"))
    rows = load_demo_migrants(conn, 0.02, 7)
    assert rows["mg_house"] > 0 and rows["mg_migrant"] > 5 * rows["mg_house"] and rows["mg_qr"] == rows["mg_migrant"]


def test_a_reviewer_revokes_and_reissues_a_code_only_in_their_area(app_module, engine):
    from callbacks.gate import NotAllowed
    from callbacks.migrants.page import revoke
    from callbacks.migrants.public import sign

    with engine.connect() as conn:
        mine, nonce = conn.execute(text("SELECT m.id, q.nonce FROM mg_migrant m JOIN mg_qr q ON q.migrant_id = m.id"
                                        " WHERE m.community_code = :c AND q.revoked_at IS NULL LIMIT 1"),
                                   {"c": TZL}).one()
        theirs = conn.execute(text("SELECT m.id FROM mg_migrant m JOIN community c ON c.code = m.community_code"
                                   " WHERE c.street_code <> '330105005000' LIMIT 1")).scalar()
    assert revoke(access_of("gcq.official"), theirs) == "该人员没有在用的二维码"
    with pytest.raises(NotAllowed):
        revoke(access_of("leader"), mine)
    assert revoke(access_of("tzl.worker"), mine).startswith("原二维码已作废")
    client = app_module.server.test_client()
    assert client.get("/m/v/" + sign(nonce)).status_code == 410
    with engine.connect() as conn:
        fresh = conn.execute(text("SELECT nonce FROM mg_qr WHERE migrant_id = :m AND revoked_at IS NULL"),
                             {"m": mine}).scalar()
        audited = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'migrant_qr_revoked'"
                                    " AND detail->>'migrant' = :m"), {"m": str(mine)}).scalar()
    assert fresh != nonce and client.get("/m/v/" + sign(fresh)).status_code == 200 and audited == 1


def test_the_public_house_search_needs_four_characters_and_shows_at_most_eight(app_module, engine):
    from data_access.migrants import public

    with engine.connect() as conn:
        address, code = conn.execute(text("SELECT address, house_code FROM mg_house ORDER BY id LIMIT 1")).one()
    assert public.places(address[:3]) == []
    found = public.places(address[:4])
    assert 1 <= len(found) <= 8 and all(f["kind"] == "house" for f in found)
    assert [f["code"] for f in public.places(code.lower())] == [code]
    assert public.places("%%%%") == [] and public.places("____") == []
    communities = public.places(None)
    assert len(communities) >= 90 and {c["kind"] for c in communities} == {"community"}
    page = app_module.server.test_client().get(f"/m/declare?kind=migrant&q={address[:4]}")
    assert page.status_code == 200 and code in page.data.decode()
    assert page.headers["Cache-Control"] == "no-store"


def test_twenty_parallel_declarations_from_one_address_get_ten_through(app_module, engine):
    from concurrent.futures import ThreadPoolExecutor

    address = f"10.99.{next(_addresses)}.1"
    ready = []
    for _ in range(20):
        client = app_module.server.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        ready.append((client, csrf_of(client, "landlord")))
    before = declarations(engine)

    def send(pair):
        client, csrf = pair
        return client.post("/m/declare?kind=landlord", data={
            "csrf": csrf, "kind": "landlord", "id_number": id_number(), "name": "并发", "phone": "13800007777",
            "community_code": TZL, "address": "并发路1号", "rooms": "1"}).status_code

    with ThreadPoolExecutor(20) as pool:
        answers = sorted(pool.map(send, ready))
    assert answers == [303] * 10 + [429] * 10 and declarations(engine) == before + 10


def test_the_queue_says_how_many_wait_when_it_lists_only_the_oldest(app_module, engine):
    """The queue lists the oldest 200; the note above it says how many wait in all (the district's official)."""
    from layouts.migrants import ids

    client = logged_in_client(app_module, "official")
    outputs = [(ids.MG_QUEUE, "rowData"), (ids.MG_QUEUE_NOTE, "children")]
    answer = client.post("/_dash-update-component", json={
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": ids.MG_TABS, "property": "value", "value": "queue"},
                   {"id": ids.MG_REFRESH, "property": "n_clicks", "value": None},
                   {"id": ids.MG_MESSAGE, "property": "children", "value": None}],
        "changedPropIds": [f"{ids.MG_TABS}.value"]})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()["response"]
    rows, note = body[ids.MG_QUEUE]["rowData"], body[ids.MG_QUEUE_NOTE]["children"]
    with engine.connect() as conn:
        waiting = conn.execute(text("SELECT count(*) FROM mg_declaration WHERE state = 'waiting'")).scalar()
    assert f"共 {waiting} 条" in note
    assert len(rows) == min(waiting, 200)
    assert ("最早的 200 条" in note) == (waiting > 200)
