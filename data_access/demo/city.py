"""A city on one machine: the demo district grown past scale 1 (up to 10: about 11 million people and
272,000 enterprises) with bounded memory.

The district is generated in Python at scale 1 as always (its stories: hotspots, outbreaks, history); every
further copy of its people is made inside PostgreSQL from the rows already loaded, set-based
(generate_series over the copies, joins over the registers), so the loader's memory does not grow with the
scale. A copy of a person keeps their community, residence type, colour history, employment (at the copy's
enterprise) and management, under a new valid ID number: the same county and birth date, another sequence
number of the same sex (GB 11643's check character recomputed from the old one), drawn again where it is
taken. Only the new enterprises (a few hundred thousand rows) are made in Python, with unique names and
credit codes.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from data_access.bulk import copy_frame
from data_access.demo.generate import _divisions, _enterprises
from data_access.demo.identities import credit_codes
from data_access.demo.names import enterprise_names
from domain.divisions import DISTRICT_CODE

MOST = 10.0  # the largest scale the loader takes
ROUNDS = 12  # draws of a sequence number before a copy is left out (none is, in practice)
# Copy k's ID number at a given attempt: the sequence number (characters 15-17) moved on by an even step, so
# the sex stays, distinct for every (k, attempt) below 10 and 12 (37k + 11a < 500); the check character
# (GB 11643: the weights of characters 15-17 are 8, 4, 2) moved by the difference of the old and new terms.
_SEQ = "substr(base_id, 15, 3)::int"
_NEW_SEQ = f"(({_SEQ} + 2 * (k * 37 + :attempt * 11)) % 1000)"
_TERMS = "(8 * ({n} / 100) + 4 * ({n} / 10 % 10) + 2 * ({n} % 10))"
RENUMBERED = (
    f"left(base_id, 14) || lpad({_NEW_SEQ}::text, 3, '0') || substr('10X98765432', ((("
    f"strpos('10X98765432', substr(base_id, 18, 1)) - 1 - {_TERMS.format(n=_SEQ)} + {_TERMS.format(n=_NEW_SEQ)})"
    " % 11 + 11) % 11) + 1, 1)"
)


def grow(conn: Connection, scale: float, seed: int, managed_upto: int) -> dict[str, int]:
    """Copies of the loaded district's people, and the enterprises a district scale times larger has.

    Runs in the loader's transaction, with maintenance paused and foreign keys deferred; returns the rows
    added per table. Managed persons are copied up to id managed_upto (the register's, not the modules').
    """
    copies = math.ceil(scale) - 1  # copy number k = 1..copies; the last holds the fraction left
    if copies < 1:
        return {}
    rows = {"enterprise (city)": _more_enterprises(conn, scale, seed)}
    conn.execute(text("""
        CREATE TEMP TABLE base_person ON COMMIT DROP AS
        SELECT (row_number() OVER (ORDER BY id_number) - 1)::int AS r, id_number FROM person"""))
    conn.execute(text("ALTER TABLE base_person ADD PRIMARY KEY (r)"))
    conn.execute(text("CREATE UNIQUE INDEX ON base_person (id_number)"))
    conn.execute(text("""
        CREATE TEMP TABLE grown (base_id char(18), k int, id_number char(18)) ON COMMIT DROP"""))
    # Everyone in the full copies, and in the last copy the share of people the fraction asks for.
    share = scale - math.floor(scale) or 1.0
    conn.execute(text("""
        INSERT INTO grown (base_id, k)
        SELECT b.id_number, k FROM generate_series(1, :copies) k CROSS JOIN base_person b
        WHERE k < :copies OR b.r % 1000 < :share * 1000"""), {"copies": copies, "share": share})
    conn.execute(text("ANALYZE grown"))
    for attempt in range(ROUNDS):
        conn.execute(text(f"UPDATE grown SET id_number = {RENUMBERED} WHERE id_number IS NULL"),
                     {"attempt": attempt})
        # A number already held (by anyone loaded, or by an earlier copy of this load) is drawn again.
        taken = conn.execute(text("""
            WITH clash AS (
              SELECT g.ctid FROM grown g WHERE g.id_number IS NOT NULL AND EXISTS (
                SELECT 1 FROM person p WHERE p.id_number = g.id_number)
              UNION ALL
              SELECT ctid FROM (
                SELECT ctid, row_number() OVER (PARTITION BY id_number ORDER BY k, base_id) AS n
                FROM grown WHERE id_number IS NOT NULL) d WHERE n > 1)
            UPDATE grown g SET id_number = NULL FROM clash WHERE g.ctid = clash.ctid""")).rowcount
        if not taken:
            break
    conn.execute(text("DELETE FROM grown WHERE id_number IS NULL"))
    conn.execute(text("CREATE INDEX ON grown (base_id)"))
    conn.execute(text("ANALYZE grown"))
    # Each copy takes the name of another person of the district, so a name is not repeated copy after copy.
    rows["person (city)"] = conn.execute(text("""
        INSERT INTO person (id_number, name, phone, residence_type, community_code, address)
        SELECT g.id_number, o.name, p.phone, p.residence_type, p.community_code, p.address
        FROM grown g JOIN base_person b ON b.id_number = g.base_id JOIN person p ON p.id_number = g.base_id
        JOIN base_person ob ON ob.r = (b.r + g.k * 7919) % (SELECT count(*) FROM base_person)
        JOIN person o ON o.id_number = ob.id_number""")).rowcount
    rows["health_code (city)"] = conn.execute(text("""
        INSERT INTO health_code (id_number, colour, changed_at, source)
        SELECT g.id_number, h.colour, h.changed_at, h.source FROM grown g JOIN health_code h ON h.id_number = g.base_id
        """)).rowcount
    rows["health_code_history (city)"] = conn.execute(text("""
        INSERT INTO health_code_history (id_number, colour, previous_colour, changed_at, source, recorded_at)
        SELECT g.id_number, h.colour, h.previous_colour, h.changed_at, h.source, h.recorded_at
        FROM grown g JOIN health_code_history h ON h.id_number = g.base_id""")).rowcount
    # Copy k's staff work at the k-th set of new enterprises (in their order), wrapping round at the end.
    rows["employment (city)"] = conn.execute(text("""
        INSERT INTO employment (credit_code, id_number, since)
        SELECT n.credit_code, g.id_number, em.since
        FROM grown g JOIN employment em ON em.id_number = g.base_id
        JOIN base_enterprise b ON b.credit_code = em.credit_code
        JOIN new_enterprise n ON n.o = ((g.k - 1) * (SELECT count(*) FROM base_enterprise) + b.o)
                                       % (SELECT count(*) FROM new_enterprise)
        ON CONFLICT DO NOTHING""")).rowcount
    rows["managed_person (city)"] = conn.execute(text("""
        INSERT INTO managed_person (id_number, kind, community_code, start_date, end_date)
        SELECT g.id_number, m.kind, m.community_code, m.start_date, m.end_date
        FROM grown g JOIN managed_person m ON m.id_number = g.base_id WHERE m.id <= :upto"""),
        {"upto": managed_upto}).rowcount
    return rows


def _more_enterprises(conn: Connection, scale: float, seed: int) -> int:
    """The enterprises beyond the district's (scale times as many in all: 272,270 at 10), numbered in temp
    tables base_enterprise and new_enterprise."""
    conn.execute(text("""
        CREATE TEMP TABLE base_enterprise ON COMMIT DROP AS
        SELECT (row_number() OVER (ORDER BY credit_code) - 1)::int AS o, credit_code FROM enterprise"""))
    held = conn.execute(text("SELECT credit_code, name FROM enterprise")).all()
    codes, names = {c for c, _ in held}, {n for _, n in held}
    rng = np.random.default_rng(seed + 1000)
    more = _enterprises(rng, _divisions(), round(len(held) * scale) - len(held))
    individual = more.credit_code.str.startswith("92").to_numpy()
    for _ in range(ROUNDS):  # credit codes and names the district's enterprises already hold, drawn again
        clash = more.credit_code.isin(codes).to_numpy() | more.credit_code.duplicated().to_numpy()
        if not clash.any():
            break
        more.loc[clash, "credit_code"] = credit_codes(rng, list(np.where(individual[clash], "92", "91")),
                                                      DISTRICT_CODE[:6])
    # names the district's enterprises hold, drawn again (unique among all)
    clash = more.name.isin(names).to_numpy()
    if clash.any():
        kept = set(more.name[~clash]) | names
        more.loc[clash, "name"] = enterprise_names(rng, more.industry.to_numpy()[clash], individual[clash], taken=kept)
    frame = more.assign(location="SRID=4326;POINT(" + more.lon.round(6).astype(str) + " "
                        + more.lat.round(6).astype(str) + ")")[["credit_code", "name", "address", "industry",
                                                                 "location"]]
    added = copy_frame(conn, "enterprise", frame)
    conn.execute(text("CREATE TEMP TABLE new_enterprise (o int PRIMARY KEY, credit_code char(18)) ON COMMIT DROP"))
    copy_frame(conn, "new_enterprise", pd.DataFrame({"o": np.arange(added), "credit_code": frame.credit_code}))
    conn.execute(text("ANALYZE base_enterprise"))
    conn.execute(text("ANALYZE new_enterprise"))
    return added
