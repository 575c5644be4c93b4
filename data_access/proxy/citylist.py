"""The proxy_list kind of file: the city's list of people without a health-code application of their own
(the elderly and children without smartphones), CSV/XLSX, the same checks and all-or-nothing load as every
import. Each row is a resident of the district, listed in the community where they live.

The merge reconciles the list with the register: the area's residents aged 70 or more or under 14 (birth
date from the ID number) are listed too, each person once, marked with where they came from (city, register,
both). Importing this module registers the kind.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from data_access.importing import registry
from data_access.importing.base import Kind, Note
from data_access.importing.kinds.common import ID, NAME, PHONE, TABLE_OPTIONS
from data_access.importing.staging import found


def verify(conn: Connection, prefix: str, whole_district: bool) -> list[tuple]:
    """Unknown persons, a name that is not the register's, people living outside the district or the area."""
    conn.execute(text("CREATE TEMP TABLE proxy_area ON COMMIT DROP AS SELECT CAST(:p AS text) AS prefix"),
                 {"p": prefix})
    conn.execute(text("""UPDATE stage s SET community_code = p.community_code
                         FROM person p WHERE p.id_number = s.id_number"""))
    errors = found(conn, """
        SELECT s.row_no, :id, s.id_number, 'unknown_person' FROM stage s
        WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)
        UNION ALL
        SELECT s.row_no, :name, s.name, 'proxy_other_name' FROM stage s JOIN person p USING (id_number)
        WHERE p.name <> s.name
        UNION ALL
        SELECT s.row_no, :id, s.id_number, 'proxy_not_resident' FROM stage s JOIN person p USING (id_number)
        WHERE p.community_code IS NULL""", id=ID.header, name=NAME.header)
    if not whole_district:
        errors += found(conn, """SELECT row_no, :id, id_number, 'out_of_scope' FROM stage
                                 WHERE community_code NOT LIKE :prefix""", id=ID.header, prefix=prefix + "%")
    return sorted(errors)


def merge(conn: Connection, _source: str) -> tuple[int, list[Note]]:
    """The city's rows, then the register's candidates of the area: each person once, with both marks."""
    listed = conn.execute(text("""
        INSERT INTO proxy_person AS pp (id_number, community_code, on_city_list)
        SELECT id_number, community_code, true FROM stage
        ON CONFLICT (id_number) DO UPDATE SET on_city_list = true, community_code = EXCLUDED.community_code
        WHERE NOT pp.on_city_list OR pp.community_code <> EXCLUDED.community_code""")).rowcount
    prefix = conn.execute(text("SELECT prefix FROM proxy_area")).scalar_one()
    conn.execute(text("""
        UPDATE proxy_person pp SET on_register = true FROM proxy_register_candidates(:p) r
        WHERE r.id_number = pp.id_number AND NOT pp.on_register"""), {"p": prefix})
    added = conn.execute(text("""
        INSERT INTO proxy_person (id_number, community_code, on_register)
        SELECT r.id_number, r.community_code, true FROM proxy_register_candidates(:p) r
        WHERE NOT EXISTS (SELECT 1 FROM proxy_person pp WHERE pp.id_number = r.id_number)"""),
        {"p": prefix}).rowcount
    return listed, [("proxy.note.register", {"count": added})] if added else []


KIND = registry.register(Kind(
    "proxy_list",
    fields=(ID, NAME, PHONE),
    key=("id_number",),
    stage_columns="id_number char(18), name text, phone text, community_code char(12)",
    copied=("id_number", "name", "phone"),
    verify=verify, merge=merge, options=TABLE_OPTIONS,
))
