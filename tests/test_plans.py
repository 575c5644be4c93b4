"""The map's hot queries keep plans that do not read the person table whole (under row-level security a
plan that hashes the policy's subquery reads every person: 1.1 s at demo scale 0.25). make bench prints the
same check and the timings at demo scales 0.05, 0.25 and 1."""

from __future__ import annotations

import itertools
import re

import pytest
from sqlalchemy import func, select, text

from callbacks.colour_map.view import fetch_view
from data_access.areas import in_scope
from data_access.engine import app_engine
from data_access.plans import recorded, whole_scans
from data_access.session import reading
from data_access.tables import enterprise
from domain.divisions import DISTRICT, Scope
from layouts.view import View
from tests.helpers import access_of


def hot_statements(actor, view: View) -> list[tuple[str, object]]:
    """Every statement the view's answer runs, with its parameters."""
    with recorded(app_engine()) as seen, reading(actor) as conn:
        fetch_view(conn, view, actor)
    return seen


def person_scans(actor, statements) -> list[str]:
    with reading(actor) as conn:
        return whole_scans(conn, statements)


@pytest.mark.parametrize(("user", "view"), [
    ("official", View()), ("official", View(street="330105005000")),
    ("official", View(points=True)), ("gcq.official", View(street="330105005000", community="330105005052")),
    ("tzl.worker", View(street="330105005000", community="330105005052")),
])
def test_no_hot_query_of_the_map_scans_every_person(engine, user, view):
    actor = access_of(user)
    statements = hot_statements(actor, view)
    assert len(statements) >= 4
    assert person_scans(actor, statements) == []


def test_an_enterprises_staff_is_read_by_index(engine):
    with engine.connect() as conn:
        code, community = conn.execute(text("SELECT credit_code, community_code FROM enterprise_stats"
                                            " WHERE status = 'warned' ORDER BY credit_code LIMIT 1")).one()
    actor = access_of("official")
    statements = hot_statements(actor, View(street=community[:9] + "000", community=community, enterprise=code))
    assert any("employment" in s for s, _ in statements)
    assert person_scans(actor, statements) == []


def test_the_check_would_see_a_whole_scan_of_person(engine):
    actor = access_of("official")
    assert person_scans(actor, [("SELECT count(*) FROM person WHERE name LIKE %(n)s", {"n": "%x%"})])


def rows_filtered_out(plan: list[str], table: str) -> int:
    """Rows a scan of the table read and then threw away (EXPLAIN ANALYZE): an area read from the index
    throws none away; an area tested row by row throws away every other area's rows."""
    removed = 0
    for at, line in enumerate(plan):
        if re.search(rf"Scan.* on {table}(?!_)\b", line):
            for detail in itertools.takewhile(lambda x: "->" not in x, plan[at + 1:]):
                found = re.search(r"Rows Removed by (?:Filter|Index Recheck): (\d+)", detail)
                removed += int(found.group(1)) if found else 0
    return removed


@pytest.mark.parametrize("user", ["official", "tzl.worker"])
def test_a_communitys_enterprises_and_todays_managed_persons_are_read_by_index(engine, user):
    """The community step reads its own enterprises (not the city's: LIKE on the code under row-level
    security is never an index condition, it is not leakproof) and only the measures still running today."""
    actor = access_of(user)
    statements = hot_statements(actor, View(street="330105005000", community="330105005052"))
    listed = [(s, p) for s, p in statements if s.lstrip().startswith("SELECT enterprise.credit_code")]
    managed = [(s, p) for s, p in statements if "map_managed_counts" in s]
    assert len(listed) == 2 and managed
    with reading(actor) as conn:
        cursor = conn.connection.driver_connection.cursor()
        for statement, parameters in listed + managed:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + statement, parameters)
            plan = [r[0] for r in cursor.fetchall()]
            assert rows_filtered_out(plan, "enterprise") == 0, "\n".join(plan)
            if "map_managed_counts" in statement:
                assert any("kp_task_measure_end_idx" in line for line in plan), "\n".join(plan)


def test_the_range_of_codes_is_the_prefix(engine):
    """Scope.bounds finds exactly the codes that start with the area's prefix, in every street and at the
    ends of the digits (a street whose code ends in 9: its range ends at ':')."""
    assert Scope("330105009000").bounds == ("330105009", "33010500:")
    with engine.connect() as conn:
        codes = conn.execute(text("SELECT code FROM community")).scalars().all()
        areas = [DISTRICT, *{Scope(c[:9] + "000") for c in codes}, *map(Scope, codes[:10])]
        for area in areas:
            low, high = area.bounds
            assert {c for c in codes if low <= c < high} == {c for c in codes if c.startswith(area.prefix)}
            ranged = conn.execute(select(func.count()).select_from(enterprise)
                                  .where(in_scope(enterprise.c.community_code, area))).scalar()
            assert ranged == conn.execute(text("SELECT count(*) FROM enterprise WHERE community_code LIKE :p"),
                                          {"p": area.prefix + "%"}).scalar()
