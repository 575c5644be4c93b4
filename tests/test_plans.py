"""The map's hot queries keep plans that do not read the person table whole (under row-level security a
plan that hashes the policy's subquery reads every person: 1.1 s at demo scale 0.25). make bench prints the
same check and the timings at demo scales 0.05, 0.25 and 1."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from callbacks.colour_map.view import fetch_view
from data_access.engine import app_engine
from data_access.plans import recorded, whole_scans
from data_access.session import reading
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
    assert len(statements) >= 5
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
