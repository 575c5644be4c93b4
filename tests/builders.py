"""Hand-built rows whose right answer is known: valid identifiers, a small community of our own."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from sqlalchemy import Connection, text
from stdnum.cn import ric, uscc

_serial = count(1)
# A square well inside the demo district, so PostGIS can assign points in it to our community.
TEST_STREET = "330105001000"
TEST_COMMUNITY = "330105001099"
SQUARE = "SRID=4326;MULTIPOLYGON(((120.20 30.20, 120.21 30.20, 120.21 30.21, 120.20 30.21, 120.20 30.20)))"
INSIDE = "SRID=4326;POINT(120.205 30.205)"


def id_number() -> str:
    """A valid ID number from a county (Beijing, 110101) the demo never uses, so none collides."""
    n = next(_serial)
    body = f"110101{date(1990, 1, 1) + timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code() -> str:
    head = f"91110101{next(_serial):09d}"
    return head + uscc.calc_check_digit(head)


def add_community(conn: Connection, code: str = TEST_COMMUNITY, name: str = "测试社区") -> str:
    conn.execute(
        text("INSERT INTO community (code, name, street_code, geom) VALUES (:c, :n, :s, :g)"),
        {"c": code, "n": name, "s": TEST_STREET, "g": SQUARE},
    )
    return code


def add_person(conn: Connection, community: str | None = None, colour: str | None = None) -> str:
    pid = id_number()
    conn.execute(
        text("INSERT INTO person (id_number, name, residence_type, community_code)"
             " VALUES (:i, '测试', :r, :c)"),
        {"i": pid, "r": "permanent" if community else None, "c": community},
    )
    if colour:
        set_colour(conn, pid, colour)
    return pid


def set_colour(conn: Connection, pid: str, colour: str) -> None:
    conn.execute(
        text("INSERT INTO health_code (id_number, colour, changed_at, source) VALUES (:i, :c, now(), 'test')"
             " ON CONFLICT (id_number) DO UPDATE SET colour = excluded.colour, changed_at = now()"),
        {"i": pid, "c": colour},
    )


def add_enterprise(conn: Connection, colours: list[str | None], community: str | None = None) -> str:
    """An enterprise at INSIDE whose employees have the given colours (None: no health-code record)."""
    code = credit_code()
    conn.execute(
        text("INSERT INTO enterprise (credit_code, name, industry, location, community_code)"
             " VALUES (:c, :n, '制造业', :p, :m)"),
        {"c": code, "n": f"测试企业{code[-6:]}", "p": INSIDE, "m": community},
    )
    for colour in colours:
        employ(conn, code, add_person(conn, colour=colour))
    return code


def employ(conn: Connection, enterprise: str, pid: str) -> None:
    conn.execute(text("INSERT INTO employment (credit_code, id_number) VALUES (:e, :p)"),
                 {"e": enterprise, "p": pid})


def enterprise_stats(conn: Connection, code: str) -> dict:
    return dict(conn.execute(text("SELECT * FROM enterprise_stats WHERE credit_code = :c"),
                             {"c": code}).mappings().one())


def community_stats(conn: Connection, code: str) -> dict:
    return dict(conn.execute(text("SELECT * FROM community_stats WHERE community_code = :c"),
                             {"c": code}).mappings().one())

