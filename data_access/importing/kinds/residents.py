"""Residents (the population register): insert or update by ID number; the community by name or code."""

from __future__ import annotations

from sqlalchemy import Connection, text

from data_access.importing import cells
from data_access.importing.base import Field, Kind, Note
from data_access.importing.kinds.common import (
    COMMUNITY,
    ID,
    NAME,
    PHONE,
    STREET,
    TABLE_OPTIONS,
    optional,
    resolve_communities,
)
from data_access.importing.staging import found


def verify(conn: Connection, prefix: str, whole_district: bool) -> list[tuple]:
    errors = resolve_communities(conn, COMMUNITY.header, prefix)
    if not whole_district:  # a street may not move a person of another street
        errors += found(conn, """
            SELECT s.row_no, :column, s.id_number, 'out_of_scope' FROM stage s JOIN person p USING (id_number)
            WHERE p.community_code NOT LIKE :prefix""", column=ID.header, prefix=prefix + "%")
    return sorted(errors)


def merge(conn: Connection, _source: str) -> tuple[int, list[Note]]:
    written = conn.execute(text("""
        INSERT INTO person AS p (id_number, name, phone, residence_type, community_code, address)
        SELECT id_number, name, phone, residence_type, community_code, address FROM stage
        ON CONFLICT (id_number) DO UPDATE SET
          name = EXCLUDED.name, phone = coalesce(EXCLUDED.phone, p.phone),
          residence_type = EXCLUDED.residence_type, community_code = EXCLUDED.community_code,
          address = coalesce(EXCLUDED.address, p.address)
        WHERE (p.name, p.phone, p.residence_type, p.community_code, p.address) IS DISTINCT FROM
              (EXCLUDED.name, coalesce(EXCLUDED.phone, p.phone), EXCLUDED.residence_type,
               EXCLUDED.community_code, coalesce(EXCLUDED.address, p.address))""")).rowcount
    return written, []


KIND = Kind(
    "residents",
    fields=(
        ID, NAME, PHONE,
        Field("residence_type", ("人口类型", "户籍类型", "居住类型", "residence_type"), cells.residence_type,
              example="户籍"),
        COMMUNITY, STREET,
        Field("address", ("居住地址", "现住址", "地址", "address"), optional(cells.text), required=False,
              example="拱墅区台州路 1 号"),
    ),
    key=("id_number",),
    stage_columns="id_number char(18), name text, phone text, residence_type text, community text, street text,"
                  " address text, community_code char(12)",
    copied=("id_number", "name", "phone", "residence_type", "community", "street", "address"),
    verify=verify, merge=merge, options=TABLE_OPTIONS,
)
