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
