"""Proxy applications (帮办代办) on the real PostGIS: an agent works through their door-to-door list and the
community's coverage rises; PostgreSQL refuses an agent writing outside their community; coverage equals
counts computed independently from the base tables; a malformed city list is refused with nothing written."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlalchemy import text

import data_access.proxy.citylist  # noqa: F401  (registers the proxy_list kind)
from callbacks.proxy import page, work
from data_access.importing.base import ImportRequest
from data_access.importing.load import run
from data_access.proxy import coverage
from data_access.proxy import work as lists
from data_access.session import DataUnavailable, reading, writing
from domain import clock
from domain.divisions import DISTRICT, Scope
from domain.proxy import NOT_NEEDING
from tests.helpers import access_of, signed_in

TZL = "330105005052"  # 台州路社区: the demo agent's, one of the lagging communities


def _agent():
    return signed_in("tzl.agent", "台州路社区代办员", "proxy_agent", TZL)


def _tzl(engine) -> dict:
    with reading(access_of("tzl.worker")) as conn:
        return coverage.coverage_totals(conn, Scope(TZL))


def test_an_agent_works_through_the_door_to_door_list_and_coverage_rises(engine):
    agent = _agent()
    before = _tzl(engine)
    assert before["rate"] is not None and before["rate"] < 1  # the demo makes 台州路 lag behind
    to_do = [r for r in page.my_list(agent) if r["outcome"] not in ("applied", *NOT_NEEDING)]
    assert len(to_do) > 1, "the demo leaves the demo agent people to do"
    to_do = to_do[:-1]  # one stays to do: the browser test's agent works on it
    for row in to_do:
        assert work.record_contact(agent, row["id"], "visit", "applied", "上门代办") == "已记录：已代为申领"
    assert work.bind_card(agent, to_do[0]["id"], "3301 0000 1234 5678") == "已绑定市民卡 3301********5678"
    after = _tzl(engine)
    assert after["applied"] == before["applied"] + len(to_do)
    assert after["rate"] > before["rate"]
    with reading(agent) as conn:  # the card shows in full to its agent, masked to everyone else
        mine = next(r for r in lists.listed(conn, Scope(TZL), agent.username) if r["id"] == to_do[0]["id"])
    with reading(access_of("tzl.worker")) as conn:
        theirs = next(r for r in lists.listed(conn, Scope(TZL), "tzl.worker") if r["id"] == to_do[0]["id"])
    assert mine["card_number"] == "3301000012345678" and theirs["card_number"] == "3301********5678"
    assert "*" in mine["id_number"] and "*" in (mine["phone"] or "*")


def test_postgresql_refuses_an_agent_writing_outside_their_community(engine):
    agent = _agent()
    with engine.connect() as conn:
        other_id, other = conn.execute(text("""SELECT id_number, id FROM proxy_person
                                               WHERE community_code <> :c ORDER BY id LIMIT 1"""), {"c": TZL}).one()
    # through the application: the person is not one the agent can see
    assert work.record_contact(agent, other, "phone", "applied", None) == "名单中没有此人，或不在您负责的社区。"
    assert work.bind_card(agent, other, "33010000123456") == "名单中没有此人，或不在您负责的社区。"
    # straight at the database, naming the person: row-level security refuses the row
    with pytest.raises(DataUnavailable, match="row-level security"), writing(agent) as unit:
        unit.conn.execute(text("""INSERT INTO proxy_contact (id_number, agent, channel, contacted_at, outcome)
                                  VALUES (:i, 'tzl.agent', 'phone', now(), 'applied')"""), {"i": other_id})
    with writing(agent) as unit:
        assert unit.conn.execute(text("UPDATE proxy_person SET card_number = '33010000123456', card_bound_at = now()"
                                      " WHERE id_number = :i"), {"i": other_id}).rowcount == 0
    # nor may the community worker record an agent's contact, or an agent reassign people
    with engine.connect() as conn:
        mine = conn.execute(text("SELECT id_number FROM proxy_person WHERE agent = 'tzl.agent' LIMIT 1")).scalar()
    with pytest.raises(DataUnavailable, match="row-level security"), writing(access_of("tzl.worker")) as unit:
        unit.conn.execute(text("""INSERT INTO proxy_contact (id_number, agent, channel, contacted_at, outcome)
                                  VALUES (:i, 'tzl.worker', 'phone', now(), 'applied')"""), {"i": mine})
    with pytest.raises(DataUnavailable, match="only the community assigns"), writing(agent) as unit:
        unit.conn.execute(text("UPDATE proxy_person SET agent = NULL WHERE id_number = :i"), {"i": mine})


def test_coverage_rates_equal_counts_computed_from_the_base_tables(engine):
    with engine.connect() as conn:
        listed = pd.read_sql(text("SELECT id_number, community_code FROM proxy_person"), conn)
        contacts = pd.read_sql(text("SELECT id_number, contacted_at, id, outcome FROM proxy_contact"), conn)
        places = pd.read_sql(text("SELECT code, street_code FROM community"), conn)
    latest = contacts.sort_values(["contacted_at", "id"]).groupby("id_number").outcome.last()
    listed["outcome"] = listed.id_number.map(latest)
    listed["needing"] = ~listed.outcome.isin(NOT_NEEDING)
    listed["applied"] = listed.outcome == "applied"
    expected = listed.groupby("community_code")[["needing", "applied"]].sum()
    with reading(access_of("official")) as conn:
        communities = coverage.coverage_by_community(conn, DISTRICT)
        streets = coverage.coverage_by_street(conn, DISTRICT)
        totals = coverage.coverage_totals(conn, DISTRICT)
    assert len(communities) == 99
    for row in communities:
        needing, applied = expected.loc[row["code"]] if row["code"] in expected.index else (0, 0)
        assert (row["needing"], row["applied"]) == (needing, applied), row["name"]
        assert row["rate"] == (applied / needing if needing else None)
    by_street = expected.join(places.set_index("code"), how="left").groupby("street_code").sum()
    for row in streets:
        assert (row["needing"], row["applied"]) == tuple(by_street.loc[row["code"], ["needing", "applied"]])
    assert (totals["needing"], totals["applied"]) == (listed.needing.sum(), listed.applied.sum())
    assert 0.98 < totals["rate"] < 0.995  # the demo's 99%


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    pd.DataFrame(rows, columns=["身份证号码", "姓名", "联系电话"]).to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def _import(content: bytes):
    operator = access_of("operator")
    return run(ImportRequest("proxy_list", "代办名单.csv", content, operator.username, operator.org_code,
                             role=operator.role, session=operator.session))


def _state(engine) -> tuple:
    with engine.connect() as conn:
        return conn.execute(text("""SELECT count(*), count(*) FILTER (WHERE on_city_list),
                                    (SELECT count(*) FROM import_run WHERE kind = 'proxy_list' AND result = 'loaded')
                                    FROM proxy_person""")).one()


def test_a_malformed_city_list_is_refused_with_nothing_written(engine):
    with engine.connect() as conn:
        unlisted = conn.execute(text("""SELECT p.id_number, p.name FROM person p WHERE p.community_code IS NOT NULL
                                        AND NOT EXISTS (SELECT 1 FROM proxy_person pp WHERE pp.id_number = p.id_number)
                                        ORDER BY p.id_number LIMIT 2""")).all()
    before = _state(engine)
    # a cell that is no ID number: refused before the database is asked
    result = _import(_csv([[unlisted[0][0], unlisted[0][1], "13812345678"], ["33010519900101123", "王芳", ""]]))
    assert result.result == "rejected" and [e.row for e in result.errors] == [3]
    # cells fine, but the database's checks fail: another person's name, someone the register does not hold
    result = _import(_csv([[unlisted[0][0], unlisted[0][1], ""], [unlisted[1][0], "不是此人", ""],
                           ["11010519491231002X", "李四", ""]]))
    assert result.result == "rejected"
    assert {(e.row, e.reason) for e in result.errors} == {(3, "proxy_other_name"), (4, "unknown_person")}
    assert _state(engine) == before


def test_a_city_list_loads_and_is_reconciled_with_the_register(engine):
    with engine.connect() as conn:
        unlisted = conn.execute(text("""SELECT p.id_number, p.name FROM person p WHERE p.community_code IS NOT NULL
                                        AND NOT EXISTS (SELECT 1 FROM proxy_person pp WHERE pp.id_number = p.id_number)
                                        ORDER BY p.id_number LIMIT 1""")).one()
        on_register = conn.execute(text("""SELECT pp.id_number, p.name FROM proxy_person pp JOIN person p
                                           USING (id_number) WHERE pp.on_register AND NOT pp.on_city_list
                                           LIMIT 1""")).one()
    before = _state(engine)
    result = _import(_csv([[*unlisted, ""], [*on_register, ""]]))
    assert result.result == "loaded", result.errors
    after = _state(engine)
    assert after[0] >= before[0] + 1 and after[1] == before[1] + 2
    with engine.connect() as conn:
        marks = dict(conn.execute(text("SELECT id_number, on_city_list AND on_register FROM proxy_person"
                                       " WHERE id_number IN (:a, :b)"), {"a": unlisted[0], "b": on_register[0]}).all())
    assert marks[on_register[0]] is True
    assert clock.now()  # the run is recorded in the import history
