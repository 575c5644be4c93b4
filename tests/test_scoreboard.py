"""The scoreboard (晾晒台): every headline equals the count made from the module's base tables, rankings of
hand-made measures come in their known order, a module without data says 暂无数据, and the scope holds (a
street official: his street's figures and communities, his street's place among all the streets)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from callbacks.scoreboard.page import page_parts
from data_access.scoreboard_views.board import board, sentence, street_place
from data_access.session import reading
from domain.divisions import DISTRICT, Scope
from domain.scoreboard import combined, parse_weights, rank
from layouts.scoreboard.page import COMBINED, headline_items
from tests.helpers import access_of, texts

GCQ = "330105005000"  # 拱宸桥街道, the demo street official's


def _figures(content: dict, module: str) -> dict:
    return {k: float(v) for k, v in content["headlines"][module]["figures"].items()}


def _independent(conn, prefix: str) -> dict:
    """The headline figures counted straight from the base tables (as the owner), for the communities of prefix."""
    p = {"p": prefix + "%"}
    one = lambda sql: float(conn.execute(text(sql), p).scalar())  # noqa: E731
    received = one("SELECT count(*) FROM appeal WHERE community_code LIKE :p")
    needing = one("SELECT count(*) FROM proxy_person WHERE community_code LIKE :p"
                  " AND (outcome IS NULL OR outcome NOT IN ('own_phone', 'moved_out', 'deceased'))")
    applied = one("SELECT count(*) FROM proxy_person WHERE community_code LIKE :p AND applied_at IS NOT NULL")
    kinds = dict(conn.execute(text(
        "SELECT b.kind, count(*) FROM kp_record r JOIN kp_batch b ON b.id = r.batch_id"
        " WHERE r.community_code LIKE :p OR (r.community_code IS NULL AND :p = '330105%') GROUP BY b.kind"), p).all())
    return {
        "appeals": {"received": received,
                    "review_rate": round(100 * one("SELECT count(*) FROM appeal WHERE community_code LIKE :p"
                                                   " AND status IN ('converted', 'rejected')") / received, 2),
                    "converted": one("SELECT count(*) FROM appeal WHERE community_code LIKE :p"
                                     " AND status = 'converted'")},
        "proxy": {"applied": applied, "rate": round(100 * applied / needing, 2)},
        "map": {"streets": one("SELECT count(DISTINCT street_code) FROM community WHERE code LIKE :p"),
                "communities": one("SELECT count(*) FROM community WHERE code LIKE :p"),
                "enterprises": one("SELECT count(*) FROM enterprise WHERE community_code LIKE :p")},
        "keypersons": {k: float(kinds.get(k, 0)) for k in ("key_area", "inbound", "port_check", "close_contact")},
        "migrants": {"registered": one("SELECT count(*) FROM mg_migrant WHERE community_code LIKE :p")},
        **{module: {"policies": one(f"SELECT count(*) FROM policy WHERE target = '{target}'"
                                    " AND opens <= current_date AND (closes IS NULL OR closes >= current_date)"),
                    "paid_yuan": one(f"SELECT sum(amount) FROM policy_payment WHERE target = '{target}'"
                                     " AND status = 'paid' AND community_code LIKE :p"),
                    reached: one(f"SELECT count(DISTINCT beneficiary) FROM policy_payment WHERE target = '{target}'"
                                 " AND status = 'paid' AND community_code LIKE :p")}
           for module, target, reached in (("policies", "enterprise", "enterprises"),
                                           ("livelihood", "person", "people"))
           if conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM policy_payment WHERE target = '{target}'"
                                " AND status = 'paid' AND community_code LIKE :p)"), p).scalar()},
    }


def test_every_headline_equals_the_count_from_the_modules_base_tables(engine):
    leader = access_of("leader")
    with reading(leader) as conn:
        content = board(conn, leader.scope, {})
    with engine.connect() as conn:
        expected = _independent(conn, DISTRICT.prefix)
    for module, figures in expected.items():
        assert _figures(content, module) == pytest.approx(figures), module
    assert expected["appeals"]["received"] > 0 and expected["keypersons"]["key_area"] > 0  # the demo has data
    assert expected["migrants"]["registered"] > 0
    assert expected["policies"]["paid_yuan"] > 0 and expected["livelihood"]["people"] > 0
    assert content["headlines"]["appeals"]["as_of"] is not None


def test_a_street_official_sees_his_streets_figures_his_communities_and_every_street_ranked(engine):
    official = access_of("gcq.official")
    with reading(official) as conn:
        content = board(conn, official.scope, {})
    with engine.connect() as conn:
        expected = _independent(conn, GCQ[:9])
        streets = conn.execute(text("SELECT count(*) FROM street")).scalar()
        ours = set(conn.execute(text("SELECT code FROM community WHERE street_code = :s"), {"s": GCQ}).scalars())
    for module in ("appeals", "proxy", "map"):
        assert _figures(content, module) == pytest.approx(expected[module]), module
    assert {r["code"] for rows in content["communities"].values() for r in rows} == ours
    assert len(content["streets_combined"]) == streets == 10
    place, count = street_place(content)
    assert count == 10 and 1 <= place <= 10
    parts = page_parts(content, COMBINED)
    assert "（本街道）" in texts(parts[2]) and f"第{place}名" in parts[5]
    assert "覆盖拱宸桥街道" in texts(parts[0])


def test_the_leader_sees_every_community_ranked_and_no_place_of_his_own(engine):
    leader = access_of("leader")
    with reading(leader) as conn:
        content = board(conn, leader.scope, {})
    with engine.connect() as conn:
        communities = conn.execute(text("SELECT count(*) FROM community")).scalar()
    assert len(content["communities_combined"]) == communities
    assert street_place(content)[0] is None
    assert "覆盖全区10个街道" in texts(page_parts(content, COMBINED)[0])


def test_roles_without_the_scoreboard_read_nothing_of_its_rankings(engine):
    """A community worker may read appeals but not the scoreboard: PostgreSQL gives the views nothing."""
    worker = access_of("tzl.worker")
    with reading(worker) as conn:
        assert conn.execute(text("SELECT count(*) FROM scoreboard_street_measure")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM scoreboard_community_measure")).scalar() == 0


def test_a_module_without_data_says_no_data_not_zero():
    assert sentence("migrants", None, "", True) == "新拱墅人一码通：暂无数据"
    sentences = [{"module": "appeals", "as_of": None, "has_data": True,
                  "text": sentence("appeals", {"received": 5, "review_rate": 100, "converted": 1}, "", True)},
                 {"module": "migrants", "as_of": None, "has_data": False, "text": sentence("migrants", None, "", True)}]
    shown = texts(headline_items(sentences))
    assert "累计收到复核申请5条，复核率为100.00%，累计完成复核转码1人" in shown and "暂无数据" in shown
    assert "0条" not in shown


def _as(conn, username: str) -> None:
    """This transaction as the web role with the user's session (hand-made rows stay visible, then vanish)."""
    actor = access_of(username)
    conn.execute(text("SELECT set_config('sansetu.session', :s, true)"), {"s": actor.session})
    conn.execute(text("SET LOCAL ROLE sansetu_app"))


def test_a_module_joins_by_a_view_and_its_empty_headline_says_no_data(conn):
    """The contract: a view over an empty table and a registry row; the page says 暂无数据 for it."""
    conn.execute(text("CREATE TABLE handmade (community_code char(12), n int)"))
    conn.execute(text("CREATE VIEW headline_handmade WITH (security_invoker = true) AS SELECT 'handmade'::text"
                      " AS module, 'n'::text AS key, sum(n)::numeric AS value, now() AS as_of FROM handmade"
                      " HAVING count(*) > 0"))
    conn.execute(text("GRANT SELECT ON handmade, headline_handmade TO sansetu_app"))
    conn.execute(text("INSERT INTO scoreboard_source (module, headline_view) VALUES ('handmade', 'headline_handmade')"))
    _as(conn, "leader")
    content = board(conn, DISTRICT, {})
    assert "handmade" in content["modules"] and "handmade" not in content["headlines"]
    assert "handmade：暂无数据" in texts(page_parts(content, COMBINED)[0])
    conn.execute(text("RESET ROLE"))
    conn.execute(text("INSERT INTO handmade VALUES ('330105005052', 7)"))
    _as(conn, "leader")
    assert board(conn, DISTRICT, {})["headlines"]["handmade"]["figures"] == {"n": Decimal(7)}


def test_names_outside_the_contract_are_refused_by_the_registry(conn):
    with pytest.raises(Exception, match="check"), conn.begin_nested():
        conn.execute(text("INSERT INTO scoreboard_source (module, headline_view) VALUES ('x', 'pg_authid')"))
    with pytest.raises(Exception, match="check"), conn.begin_nested():
        conn.execute(text("INSERT INTO scoreboard_source (module, headline_view)"
                          " VALUES ('x\"; DROP TABLE person; --', 'headline_x\"; DROP TABLE person; --')"))


HANDMADE = [  # community, value (minutes to first contact, low is good), a week ago
    ("330105005052", 10, 30), ("330105005051", 40, 20), ("330105005053", 25, 25), ("330105003051", 5, None)]


def test_rankings_of_hand_made_measures_come_in_their_known_order(conn):
    conn.execute(text("CREATE VIEW work_measure_handmade AS SELECT community_code::char(12) AS community_code,"
                      " 'minutes'::text AS measure, value::numeric AS value, 'low'::text AS good,"
                      " week_ago::numeric AS week_ago FROM (VALUES " +
                      ", ".join(f"('{c}', {v}, {'NULL' if w is None else w})" for c, v, w in HANDMADE) +
                      ") v (community_code, value, week_ago)"))
    conn.execute(text("CREATE VIEW headline_handmade AS SELECT NULL::text AS module, NULL::text AS key,"
                      " NULL::numeric AS value, NULL::timestamptz AS as_of WHERE false"))
    conn.execute(text("GRANT SELECT ON headline_handmade TO sansetu_app"))
    conn.execute(text("INSERT INTO scoreboard_source (module, headline_view, measure_view)"
                      " VALUES ('handmade', 'headline_handmade', 'work_measure_handmade')"))
    _as(conn, "gcq.official")
    content = board(conn, Scope(GCQ), {"handmade.minutes": 1})
    ranked = content["communities"]["handmade.minutes"]
    assert [r["code"] for r in ranked] == ["330105005052", "330105005053", "330105005051"]  # his street's only
    assert [r["place"] for r in ranked] == [1, 2, 3] and [r["score"] for r in ranked] == [100.0, 50.0, 0.0]
    assert [r["better"] for r in ranked] == [True, None, False]  # 30 -> 10 better, 25 -> 25 same, 20 -> 40 worse
    streets = content["streets"]["handmade.minutes"]
    assert [(r["code"], float(r["value"])) for r in streets] == [("330105003000", 5.0), (GCQ, 25.0)]
    assert "越低越好" in texts(page_parts(content, "handmade.minutes")[2])


def test_rank_ties_share_a_place_and_high_is_good_where_said():
    rows = [{"code": c, "name": c, "value": v, "week_ago": None} for c, v in [("a", 90), ("b", 99), ("c", 90),
                                                                              ("d", None)]]
    ranked = rank(rows, "high")
    assert [(r["code"], r["place"]) for r in ranked] == [("b", 1), ("a", 2), ("c", 2), ("d", None)]


def test_the_combined_score_follows_the_configured_weights():
    one = rank([{"code": "a", "name": "a", "value": 1, "week_ago": None},
                {"code": "b", "name": "b", "value": 2, "week_ago": None}], "low")  # a best
    two = rank([{"code": "a", "name": "a", "value": 1, "week_ago": None},
                {"code": "b", "name": "b", "value": 2, "week_ago": None}], "high")  # b best
    assert [r["code"] for r in combined({"m.one": one, "m.two": two}, {"m.one": 3})] == ["a", "b"]
    assert [r["code"] for r in combined({"m.one": one, "m.two": two}, {"m.two": 3})] == ["b", "a"]
    assert combined({"m.one": one, "m.two": two}, {"m.one": 3})[0]["value"] == 75.0
    assert parse_weights("appeals.backlog=2, proxy.coverage=0.5") == {"appeals.backlog": 2.0, "proxy.coverage": 0.5}
    with pytest.raises(ValueError, match="backlog"):
        parse_weights("appeals.backlog=lots")


def test_the_kept_board_is_per_area_and_role_and_its_digest_follows_the_figures(engine):
    from data_access.scoreboard_views import board as boards

    boards._kept.clear()
    leader, official = access_of("leader"), access_of("gcq.official")
    first = boards.board_for(leader, {})
    assert boards.board_for(leader, {}) is first  # kept: no query
    theirs = boards.board_for(official, {})
    assert theirs is not first and theirs["area"] == "拱宸桥街道" and first["area"] == "拱墅区"
    assert theirs["digest"] != first["digest"]
    boards._kept.clear()
    assert boards.board_for(leader, {})["digest"] == first["digest"]  # nothing changed: the same digest
    changed = {**first, "sentences": [{**first["sentences"][0], "text": first["sentences"][0]["text"] + "1"},
                                      *first["sentences"][1:]]}
    assert boards.digest(changed) != first["digest"]


def test_the_communities_measures_equal_counts_from_the_base_tables(engine):
    leader = access_of("leader")
    with reading(leader) as conn:
        content = board(conn, leader.scope, {})
    with engine.connect() as conn:
        backlog = dict(conn.execute(text("SELECT c.code, count(a.id) FILTER (WHERE a.decided_at IS NULL)"
                                         " FROM community c LEFT JOIN appeal a ON a.community_code = c.code"
                                         " GROUP BY c.code")).all())
        overdue = dict(conn.execute(text("SELECT community_code, count(*) FILTER (WHERE contacted_at IS NULL"
                                         " AND contact_due < now()) FROM kp_task GROUP BY 1")).all())
        coverage = {code: 100 * applied / needing for code, applied, needing in conn.execute(text(
            "SELECT community_code, count(*) FILTER (WHERE outcome = 'applied'), count(*) FILTER (WHERE outcome"
            " IS NULL OR outcome NOT IN ('own_phone', 'moved_out', 'deceased')) FROM proxy_person GROUP BY 1"))
            if needing}
        waiting = dict(conn.execute(text("SELECT c.code, count(d.id) FILTER (WHERE d.state = 'waiting'"
                                         " AND d.declared_at < now() - interval '1 day') FROM community c"
                                         " LEFT JOIN mg_declaration d ON d.community_code = c.code GROUP BY c.code"))
                       .all())
    shown = {k: {r["code"]: r["value"] for r in rows} for k, rows in content["communities"].items()}
    assert {c: int(v) for c, v in shown["migrants.waiting"].items()} == waiting
    assert {c: int(v) for c, v in shown["appeals.backlog"].items()} == backlog
    assert {c: int(v) for c, v in shown["keypersons.contact_overdue"].items()} == overdue
    assert {c: float(v) for c, v in shown["proxy.coverage"].items() if v is not None} == pytest.approx(
        coverage, abs=0.005)
    assert sum(backlog.values()) > 0  # the demo leaves some requests open


def test_a_streets_counts_are_the_sums_of_its_communities_and_its_rates_their_means(engine):
    """Requests waiting and contacts overdue are counts: a street has the sum of its communities' (never 0.23
    人); coverage is a rate: the mean."""
    leader = access_of("leader")
    with reading(leader) as conn:
        shown = {(r.module, r.measure, r.street_code): r.value for r in conn.execute(text(
            "SELECT module, measure, street_code, value FROM scoreboard_street_measure"))}
        communities = conn.execute(text(
            "SELECT module, measure, left(community_code, 9) || '000' AS street, sum(value) AS total,"
            " avg(value) AS mean FROM scoreboard_community_measure GROUP BY 1, 2, 3")).all()
    assert communities
    for r in communities:
        value = shown[(r.module, r.measure, r.street)]
        if r.measure in ("backlog", "contact_overdue", "waiting", "applications_overdue", "unpaid_people"):
            assert value == r.total, r
        elif r.mean is not None:
            assert float(value) == pytest.approx(float(r.mean), abs=0.01), r
    assert any(r.measure == "backlog" and r.total != r.mean for r in communities)  # sums and means differ here
