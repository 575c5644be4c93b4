"""The fusion rules on hand-built cases whose answer is known, and the aggregates kept in step."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests import builders as b


@pytest.fixture
def place(conn):
    """A new, empty community of our own inside 米市巷街道."""
    return b.add_community(conn)


@pytest.mark.parametrize(
    ("colours", "status"),
    [
        (["green", "green", "green"], "cleared"),
        (["green", "red", "green"], "warned"),
        (["yellow", "red", None], "warned"),
        (["green", "yellow"], "caution"),
        (["yellow", None], "caution"),
        (["green", None], "incomplete"),
        ([], "incomplete"),
    ],
)
def test_enterprise_status_follows_the_colours_of_its_employees(conn, place, colours, status):
    code = b.add_enterprise(conn, colours)
    stats = b.enterprise_stats(conn, code)
    assert stats["status"] == status
    assert stats["employees_total"] == len(colours)
    assert stats["employees_red"] == colours.count("red")
    assert stats["employees_none"] == colours.count(None)


def test_enterprise_with_one_red_employee_is_warned_and_counted_in_its_community(conn, place):
    b.add_enterprise(conn, ["green"] * 9 + ["red"])
    stats = b.community_stats(conn, place)
    assert stats["enterprises_warned"] == 1
    assert stats["enterprises_cleared"] == 0
    assert (stats["employees_green"], stats["employees_red"]) == (9, 1)


def test_enterprise_without_community_gets_the_one_whose_polygon_covers_its_point(conn, place):
    code = b.add_enterprise(conn, ["green"])
    assigned = conn.execute(text("SELECT community_code FROM enterprise WHERE credit_code = :c"),
                            {"c": code}).scalar()
    assert assigned == place


def test_red_employee_turning_green_clears_the_enterprise_in_the_same_transaction(conn, place):
    code = b.add_enterprise(conn, ["green", "green"])
    worker = b.add_person(conn, colour="red")
    b.employ(conn, code, worker)
    assert b.enterprise_stats(conn, code)["status"] == "warned"
    b.set_colour(conn, worker, "green")
    assert b.enterprise_stats(conn, code)["status"] == "cleared"
    stats = b.community_stats(conn, place)
    assert (stats["enterprises_cleared"], stats["enterprises_warned"], stats["employees_green"]) == (1, 0, 3)


def test_residents_are_counted_by_colour_in_their_community(conn, place):
    for colour in ["green", "green", "yellow", "red", None]:
        b.add_person(conn, community=place, colour=colour)
    stats = b.community_stats(conn, place)
    assert [stats[f"residents_{c}"] for c in ("green", "yellow", "red", "none")] == [2, 1, 1, 1]
    assert stats["residents_permanent"] == 5


def test_a_person_moving_out_leaves_the_old_community_and_enters_the_new(conn, place):
    other = b.add_community(conn, "330105001098", "测试二社区")
    pid = b.add_person(conn, community=place, colour="red")
    conn.execute(text("UPDATE person SET community_code = :c WHERE id_number = :p"), {"c": other, "p": pid})
    assert b.community_stats(conn, place)["residents_red"] == 0
    assert b.community_stats(conn, other)["residents_red"] == 1


def test_ending_employment_and_deleting_an_enterprise_update_the_community(conn, place):
    code = b.add_enterprise(conn, ["red"])
    conn.execute(text("DELETE FROM employment WHERE credit_code = :c"), {"c": code})
    assert b.enterprise_stats(conn, code)["status"] == "incomplete"
    conn.execute(text("DELETE FROM enterprise WHERE credit_code = :c"), {"c": code})
    stats = b.community_stats(conn, place)
    assert stats["enterprises_incomplete"] == 0 and stats["employees_red"] == 0


def test_every_colour_change_is_written_to_the_history(conn, place):
    pid = b.add_person(conn, community=place, colour="green")
    b.set_colour(conn, pid, "yellow")
    b.set_colour(conn, pid, "yellow")  # no change of colour, no new row
    b.set_colour(conn, pid, "red")
    rows = conn.execute(text("SELECT previous_colour, colour FROM health_code_history WHERE id_number = :p"
                             " ORDER BY id"), {"p": pid}).all()
    assert [tuple(r) for r in rows] == [(None, "green"), ("green", "yellow"), ("yellow", "red")]


def test_history_is_append_only(conn):
    with pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("UPDATE health_code_history SET colour = 'green' WHERE id = 1"))


def test_maintained_aggregates_equal_the_rules_computed_from_base_tables_after_mixed_changes(conn, place):
    people = conn.execute(text("SELECT id_number FROM health_code ORDER BY id_number LIMIT 300")).scalars().all()
    conn.execute(text("UPDATE health_code SET colour = 'red' WHERE id_number = ANY(:p)"), {"p": people[:100]})
    conn.execute(text("DELETE FROM health_code WHERE id_number = ANY(:p)"), {"p": people[100:150]})
    conn.execute(text("DELETE FROM employment WHERE id_number = ANY(:p)"), {"p": people[150:300]})
    conn.execute(text("INSERT INTO health_code (id_number, colour, changed_at, source)"
                      " SELECT p.id_number, 'yellow', now(), 'test' FROM person p WHERE NOT EXISTS"
                      " (SELECT 1 FROM health_code h WHERE h.id_number = p.id_number) LIMIT 50"))
    conn.execute(text("UPDATE enterprise SET community_code = :c WHERE credit_code IN"
                      " (SELECT credit_code FROM enterprise ORDER BY credit_code LIMIT 20)"), {"c": place})
    conn.execute(text("UPDATE person SET community_code = :c WHERE id_number IN (SELECT id_number FROM person"
                      " WHERE community_code IS NOT NULL ORDER BY id_number LIMIT 40)"), {"c": place})
    b.add_enterprise(conn, ["green", "yellow", None])
    assert_aggregates_match_base_tables(conn)


def test_new_residents_are_counted_by_deltas_as_a_recount_would(conn, place):
    """One statement inserting residents of two communities, a non-resident, and updating an existing
    resident (ON CONFLICT): the counts equal the rules computed from the base tables."""
    other = conn.execute(text("SELECT code FROM community WHERE code <> :c ORDER BY code LIMIT 1"),
                         {"c": place}).scalar()
    before = b.community_stats(conn, place)
    moved = conn.execute(text("SELECT id_number FROM person WHERE community_code = :c LIMIT 1"),
                         {"c": other}).scalar()
    rows = [(b.id_number(), "permanent", place), (b.id_number(), "temporary", place),
            (b.id_number(), "permanent", other), (b.id_number(), None, None), (moved, "temporary", place)]
    conn.execute(text("""
        INSERT INTO person AS p (id_number, name, residence_type, community_code)
        SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]), CAST(:types AS text[]),
                             CAST(:comms AS text[]))
        ON CONFLICT (id_number) DO UPDATE SET residence_type = EXCLUDED.residence_type,
          community_code = EXCLUDED.community_code"""),
        {"ids": [r[0] for r in rows], "names": ["测试"] * len(rows), "types": [r[1] for r in rows],
         "comms": [r[2] for r in rows]})
    after = b.community_stats(conn, place)
    assert (after["residents_permanent"] - before["residents_permanent"],
            after["residents_temporary"] - before["residents_temporary"]) == (1, 2)
    assert_aggregates_match_base_tables(conn)


def assert_aggregates_match_base_tables(conn) -> None:
    enterprise_diff = conn.execute(text(
        "SELECT count(*) FROM ((SELECT credit_code, community_code, employees_green, employees_yellow,"
        " employees_red, employees_none FROM enterprise_stats) EXCEPT ALL (SELECT * FROM fusion_enterprise))"
        " d")).scalar()
    community_diff = conn.execute(text(
        "SELECT count(*) FROM ((SELECT * FROM fusion_community(false)) EXCEPT ALL"
        " (SELECT * FROM fusion_community(true))) d")).scalar()
    stored_diff = conn.execute(text(
        "SELECT count(*) FROM ((SELECT * FROM fusion_community(true)) EXCEPT ALL"
        " (SELECT community_code, residents_permanent, residents_temporary, residents_green,"
        " residents_yellow, residents_red, residents_none, employees_green, employees_yellow, employees_red,"
        " employees_none, enterprises_cleared, enterprises_caution, enterprises_warned,"
        " enterprises_incomplete FROM community_stats)) d")).scalar()
    assert (enterprise_diff, community_diff, stored_diff) == (0, 0, 0)
