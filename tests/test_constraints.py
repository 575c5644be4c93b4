"""The database refuses what cannot be true: bad check digits, codes in the wrong parent, unknown colours."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests import builders as b


def _insert_person(conn, pid: str) -> None:
    conn.execute(text("INSERT INTO person (id_number, name) VALUES (:i, '测试')"), {"i": pid})


def test_id_number_with_a_wrong_check_digit_is_refused(conn):
    good = b.id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    _insert_person(conn, good)
    with pytest.raises(IntegrityError):
        _insert_person(conn, bad)


@pytest.mark.parametrize("pid", ["11010119900101001", "1101011990010100x1", "abcdefghijklmnopqr"])
def test_malformed_id_numbers_are_refused(conn, pid):
    with pytest.raises(IntegrityError):
        _insert_person(conn, pid)


def test_credit_code_with_a_wrong_check_character_is_refused(conn):
    good = b.credit_code()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(IntegrityError):
        conn.execute(text("INSERT INTO enterprise (credit_code, name, industry) VALUES (:c, 'x', '制造业')"),
                     {"c": bad})


def test_community_code_must_lie_under_its_street(conn):
    with pytest.raises(IntegrityError):
        conn.execute(text("INSERT INTO community (code, name, street_code, geom) VALUES"
                          " ('330105002099', '错位社区', '330105001000', :g)"), {"g": b.SQUARE})


def test_unknown_colour_is_refused(conn):
    pid = b.add_person(conn)
    with pytest.raises(IntegrityError):
        b.set_colour(conn, pid, "blue")


def test_resident_needs_a_community_and_a_residence_type_together(conn):
    with pytest.raises(IntegrityError):
        conn.execute(text("INSERT INTO person (id_number, name, residence_type) VALUES (:i, 'x', 'permanent')"),
                     {"i": b.id_number()})


def _history(conn, pid: str) -> None:
    conn.execute(text("INSERT INTO health_code_history (id_number, colour, changed_at, source)"
                      " VALUES (:i, 'red', now(), 'test')"), {"i": pid})


def test_a_history_row_for_nobody_is_refused(conn):
    """The history's key to person is checked per statement (no row lock per change), still refused."""
    with pytest.raises(IntegrityError, match="no person"):
        _history(conn, b.id_number())


def test_a_person_with_a_colour_history_cannot_be_deleted_or_renumbered(conn):
    pid = b.add_person(conn, colour="green")
    b.set_colour(conn, pid, "red")
    with pytest.raises(IntegrityError, match="colour history"), conn.begin_nested():
        conn.execute(text("DELETE FROM person WHERE id_number = :i"), {"i": pid})
    conn.execute(text("DELETE FROM health_code WHERE id_number = :i"), {"i": pid})  # the history stays
    with pytest.raises(IntegrityError, match="colour history"), conn.begin_nested():
        conn.execute(text("UPDATE person SET id_number = :n WHERE id_number = :i"), {"i": pid, "n": b.id_number()})
    other = b.add_person(conn)
    conn.execute(text("DELETE FROM person WHERE id_number = :i"), {"i": other})  # no history: it may go
