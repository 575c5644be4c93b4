"""Invariants of the demo district: real divisions, geometry that nests, identifiers that validate."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
from sqlalchemy import text
from stdnum.cn import ric, uscc

from data_access.demo import generate as generate_module
from data_access.demo.generate import FULL, generate
from data_access.reference import divisions
from geo.tessellation import tessellate
from tests.conftest import SCALE, SEED


def _scalar(conn, sql: str):
    return conn.execute(text(sql)).scalar()


def test_real_streets_and_communities_with_their_codes_and_names(conn):
    stored = {tuple(r) for r in conn.execute(text(
        "SELECT 'street', code, name, district_code FROM street"
        " UNION ALL SELECT 'community', code, name, street_code FROM community"))}
    expected = {(d.level, d.code, d.name, d.parent_code) for d in divisions()}
    assert stored == expected
    assert (len([s for s in stored if s[0] == "street"]), len(stored)) == (10, 109)


def test_every_enterprise_lies_inside_its_communitys_polygon(conn):
    outside = _scalar(conn, "SELECT count(*) FROM enterprise e LEFT JOIN community c ON c.code = e.community_code"
                            " WHERE c.code IS NULL OR NOT ST_Covers(c.geom, e.location)")
    assert outside == 0
    assert _scalar(conn, "SELECT count(*) FROM enterprise") == round(FULL["enterprises"] * SCALE)


def test_each_street_is_the_contiguous_union_of_its_communities(conn):
    rows = conn.execute(text(
        "SELECT s.code, ST_NumGeometries(s.geom) AS parts,"
        " ST_Area(ST_SymDifference(s.geom, ST_Union(c.geom))) / ST_Area(s.geom) AS mismatch"
        " FROM street s JOIN community c ON c.street_code = s.code GROUP BY s.code, s.geom")).all()
    assert len(rows) == 10
    for code, parts, mismatch in rows:
        assert parts == 1, code
        assert mismatch < 1e-9, code


def test_communities_do_not_overlap(conn):
    overlap = _scalar(conn, "SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom))), 0)"
                            " FROM community a JOIN community b ON a.code < b.code AND a.geom && b.geom"
                            " AND ST_Intersects(a.geom, b.geom)")
    total = _scalar(conn, "SELECT sum(ST_Area(geom)) FROM community")
    assert overlap / total < 1e-9


def test_district_totals_equal_the_sum_of_streets_and_of_communities(conn):
    columns = ["residents_red", "residents_yellow", "residents_green", "residents_none", "employees_red",
               "enterprises_cleared", "enterprises_warned"]
    sums = ", ".join(f"sum({c})" for c in columns)
    district = conn.execute(text(f"SELECT {sums} FROM community_stats")).one()
    by_street = conn.execute(text(
        f"SELECT {sums.replace('sum(', 'sum(s_')} FROM (SELECT "
        + ", ".join(f"sum({c}) AS s_{c}" for c in columns)
        + " FROM community_stats cs JOIN community c ON c.code = cs.community_code GROUP BY c.street_code) t"
    )).one()
    assert tuple(district) == tuple(by_street)
    residents = _scalar(conn, "SELECT count(*) FROM person WHERE community_code IS NOT NULL")
    assert residents == round(FULL["permanent"] * SCALE) + round(FULL["temporary"] * SCALE)
    assert sum(district[:4]) == residents


def test_identifiers_carry_valid_check_digits(conn):
    ids = conn.execute(text("SELECT id_number FROM person")).scalars().all()
    assert all(ric.is_valid(i) for i in ids)
    codes = conn.execute(text("SELECT credit_code FROM enterprise")).scalars().all()
    assert all(uscc.is_valid(c) for c in codes)


def test_current_colour_is_the_last_entry_of_the_history(conn):
    mismatched = _scalar(conn, """
        SELECT count(*) FROM health_code h
        JOIN LATERAL (SELECT colour FROM health_code_history x WHERE x.id_number = h.id_number
                      ORDER BY changed_at DESC, id DESC LIMIT 1) last ON true
        WHERE last.colour <> h.colour""")
    assert mismatched == 0
    assert _scalar(conn, "SELECT count(*) FROM health_code h WHERE NOT EXISTS"
                         " (SELECT 1 FROM health_code_history x WHERE x.id_number = h.id_number)") == 0


def test_colours_are_mostly_green_with_red_clustered_in_a_few_communities(conn):
    shares = dict(conn.execute(text("SELECT colour, count(*)::float / sum(count(*)) OVER () FROM health_code"
                                    " GROUP BY colour")).all())
    assert shares["green"] > 0.97
    reds = conn.execute(text("SELECT residents_red FROM community_stats ORDER BY residents_red DESC"))
    reds = [r[0] for r in reds]
    assert sum(reds[:4]) > 0.5 * sum(reds)


def test_no_colour_is_set_in_the_future(conn):
    assert _scalar(conn, "SELECT max(changed_at) <= now() FROM health_code_history")


def test_history_covers_thirty_days_of_changes(conn):
    days = _scalar(conn, "SELECT count(DISTINCT date(changed_at AT TIME ZONE 'Asia/Shanghai'))"
                         " FROM health_code_history WHERE previous_colour IS NOT NULL"
                         " AND changed_at > (SELECT max(changed_at) FROM health_code_history) - interval '30 days'")
    assert 20 <= days <= 31


def test_the_thirty_day_trend_starts_near_its_later_level_not_from_zero(conn):
    """The district had red and yellow codes before the window: its first day is not an empty start."""
    from data_access.aggregates import colour_trend
    from domain.clock import today
    from domain.divisions import DISTRICT

    series = [s["red"] + s["yellow"] for s in colour_trend(conn, DISTRICT, today())]
    assert len(series) == 30
    assert series[0] >= 0.5 * max(series) and series[0] >= 0.5 * series[-1]
    turned_before = _scalar(conn, "SELECT count(*) FROM health_code_history WHERE previous_colour = 'green'"
                                  " AND changed_at < now() - interval '30 days'")
    assert turned_before > 0


def test_enterprise_names_look_registered_and_are_unique_without_numbered_suffixes(conn):
    names = conn.execute(text("SELECT name FROM enterprise")).scalars().all()
    assert len(names) == len(set(names))
    assert not [n for n in names if re.search(r"[(（]\d+[)）]", n)]
    assert all(re.fullmatch(r"(杭州|浙江|杭州市拱墅区)[\u4e00-\u9fff]{4,16}", n) for n in names), names[:5]


def test_names_stay_unique_at_full_scale():
    from data_access.demo import vocabulary
    from data_access.demo.names import enterprise_names

    rng = np.random.default_rng(SEED)
    size = FULL["enterprises"]
    industry = np.array(list(vocabulary.INDUSTRIES))[rng.integers(0, len(vocabulary.INDUSTRIES), size)]
    names = enterprise_names(rng, industry, rng.random(size) < 0.2)
    assert len(set(names)) == size
    assert not [n for n in names if re.search(r"[(（]\d+[)）]", n)]


def test_managed_persons_are_of_the_five_kinds_and_mostly_current_or_recent(conn):
    kinds = {r[0] for r in conn.execute(text("SELECT DISTINCT kind FROM managed_person"))}
    assert kinds <= {"centralised_isolation", "home_isolation", "close_contact", "inbound", "key_area_returnee"}
    assert _scalar(conn, "SELECT count(*) FROM managed_person") == round(FULL["managed"] * SCALE)


def test_generation_is_deterministic_for_a_seed(monkeypatch):
    first = generate(scale=0.002, seed=SEED, as_of=date(2026, 1, 1))  # polygons from the cache, if any
    monkeypatch.setattr(generate_module, "demo_tessellation", tessellate)  # polygons drawn afresh, no cache
    again = generate(scale=0.002, seed=SEED, as_of=date(2026, 1, 1))
    assert list(first.divisions.code) == list(again.divisions.code)
    assert [g.wkb for g in first.divisions.geometry] == [g.wkb for g in again.divisions.geometry]
    assert first.divisions.wkt.equals(again.divisions.wkt)
    assert np.array_equal(first.persons.id_number, again.persons.id_number)
    assert first.colours.current.equals(again.colours.current)
    assert first.enterprises.equals(again.enterprises)  # points drawn inside the polygons: the same too
    other = generate(scale=0.002, seed=SEED + 1, as_of=date(2026, 1, 1))
    assert not np.array_equal(first.persons.id_number, other.persons.id_number)


def test_a_city_grows_from_the_district_with_valid_unique_identifiers_and_exact_aggregates(conn):
    """--scale above 1 (issue #12): copies of the loaded people made in PostgreSQL (here 2.5 times the test
    district, rolled back), each with a valid ID number of its own, its colours, job and community."""
    from data_access.bulk import foreign_keys_deferred
    from data_access.demo.city import grow
    from data_access.demo.load import REGISTERS
    from tests.test_fusion import assert_aggregates_match_base_tables

    def counts() -> dict[str, int]:
        return {t: _scalar(conn, f"SELECT count(*) FROM {t}") for t in ("person", "enterprise", "health_code")}

    before = counts()
    red = _scalar(conn, "SELECT count(*) FROM health_code WHERE colour = 'red'")
    conn.execute(text("SET LOCAL sansetu.bulk_load = 'on'"))
    upto = _scalar(conn, "SELECT max(id) FROM managed_person")
    with foreign_keys_deferred(conn, REGISTERS):
        grow(conn, 2.5, SEED, upto)
    conn.execute(text("SELECT refresh_all_stats()"))
    after = counts()
    # every person copied once, and half of them a second time (the last copy holds the fraction)
    assert abs(after["person"] - 2.5 * before["person"]) <= 0.01 * before["person"]
    assert after["enterprise"] == round(2.5 * before["enterprise"])
    assert _scalar(conn, "SELECT count(*) FROM health_code WHERE colour = 'red'") > 2 * red
    ids = conn.execute(text("SELECT id_number FROM person")).scalars().all()
    assert len(ids) == len(set(ids)) and all(ric.is_valid(i) for i in ids)
    codes = conn.execute(text("SELECT credit_code FROM enterprise")).scalars().all()
    assert all(uscc.is_valid(c) for c in codes)
    names = conn.execute(text("SELECT name FROM enterprise")).scalars().all()
    assert len(names) == len(set(names))
    assert _scalar(conn, "SELECT count(*) FROM enterprise WHERE community_code IS NULL") == 0
    assert_aggregates_match_base_tables(conn)
