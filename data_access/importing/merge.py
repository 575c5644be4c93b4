"""Per kind, in the load's transaction: a staging table, the checks only the database can make, the merge.

Checks return rows of (row, column header, value, reason key). Merges insert new keys and update changed
rows only (IS DISTINCT FROM), so loading the same content again writes nothing. Nothing is deleted by a
file: a register file adds and corrects, it does not remove.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from data_access.importing.kinds import KINDS


@dataclass(frozen=True)
class Stage:
    columns: str  # column definitions of the staging table beyond "row_no"
    copied: tuple[str, ...]  # the fields copied in, in this order


STAGES = {
    "residents": Stage("id_number char(18), name text, phone text, residence_type text, community text, street text,"
                       " address text, community_code char(12)",
                       ("id_number", "name", "phone", "residence_type", "community", "street", "address")),
    "enterprises": Stage("credit_code char(18), name text, industry text, address text, lon float8, lat float8,"
                         " community text, street text, community_code char(12), location geometry(Point, 4326)",
                         ("credit_code", "name", "industry", "address", "lon", "lat", "community", "street")),
    "employment": Stage("credit_code char(18), id_number char(18), name text, phone text, since date",
                        ("credit_code", "id_number", "name", "phone", "since")),
    "health_codes": Stage("id_number char(18), colour text, changed_at timestamptz",
                          ("id_number", "colour", "changed_at")),
    "managed": Stage("id_number char(18), kind text, community text, street text, start_date date, end_date date,"
                     " community_code char(12)",
                     ("id_number", "kind", "community", "street", "start_date", "end_date")),
}


def create_stage(conn: Connection, kind: str) -> None:
    conn.execute(text(f"CREATE TEMP TABLE stage (row_no int PRIMARY KEY, {STAGES[kind].columns}) ON COMMIT DROP"))


def _header(kind: str, field: str) -> str:
    return KINDS[kind].field(field).header


def _rows(conn: Connection, sql: str, **params) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(sql), params).all()]


def resolve_communities(conn: Connection, kind: str, prefix: str) -> list[tuple]:
    """Community given by code or name (with the street's name or code when names repeat)."""
    conn.execute(text("""
        CREATE TEMP TABLE place ON COMMIT DROP AS
          SELECT DISTINCT community, coalesce(street, '') AS street FROM stage WHERE community IS NOT NULL;
        ALTER TABLE place ADD COLUMN codes char(12)[];
        UPDATE place p SET codes = ARRAY(
          SELECT c.code FROM community c JOIN street s ON s.code = c.street_code
          WHERE (c.code = p.community OR c.name IN (p.community, p.community || '社区'))
            AND (p.street = '' OR s.code = p.street OR s.name IN (p.street, p.street || '街道'))
          ORDER BY c.code);
        UPDATE stage st SET community_code = p.codes[1] FROM place p
        WHERE p.community = st.community AND p.street = coalesce(st.street, '') AND cardinality(p.codes) = 1;
    """))
    column = _header(kind, "community")
    return _rows(conn, """
        SELECT st.row_no, :column, st.community,
               CASE WHEN cardinality(p.codes) = 0 THEN 'unknown_community' ELSE 'ambiguous_community' END
        FROM stage st JOIN place p ON p.community = st.community AND p.street = coalesce(st.street, '')
        WHERE cardinality(p.codes) <> 1
        UNION ALL
        SELECT row_no, :column, community, 'out_of_scope' FROM stage
        WHERE community_code IS NOT NULL AND community_code NOT LIKE :prefix
        ORDER BY 1""", column=column, prefix=prefix + "%")


def check(conn: Connection, kind: str, prefix: str, whole_district: bool) -> list[tuple]:
    """The errors only the database can find: unknown codes, places, persons; rows outside the area."""
    errors: list[tuple] = []
    if kind in ("residents", "managed"):
        errors += resolve_communities(conn, kind, prefix)
    if kind == "residents" and not whole_district:
        errors += _rows(conn, """
            SELECT s.row_no, :column, s.id_number, 'out_of_scope' FROM stage s JOIN person p USING (id_number)
            WHERE p.community_code NOT LIKE :prefix""", column=_header(kind, "id_number"), prefix=prefix + "%")
    if kind == "enterprises":
        errors += _check_enterprises(conn, prefix, whole_district)
    if kind == "employment":
        errors += _rows(conn, """
            SELECT s.row_no, :column, s.credit_code,
                   CASE WHEN e.credit_code IS NULL THEN 'unknown_enterprise' ELSE 'out_of_scope' END
            FROM stage s LEFT JOIN enterprise e USING (credit_code)
            WHERE e.credit_code IS NULL OR coalesce(e.community_code, '') NOT LIKE :prefix
            ORDER BY 1""", column=_header(kind, "credit_code"), prefix=prefix + "%")
    if kind == "health_codes":
        errors += _rows(conn, """
            SELECT s.row_no, :column, s.id_number, 'unknown_person' FROM stage s
            WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number) ORDER BY 1""",
                        column=_header(kind, "id_number"))
        if not whole_district:
            errors += _rows(conn, """
                SELECT s.row_no, :column, s.id_number, 'out_of_scope' FROM stage s JOIN person p USING (id_number)
                WHERE coalesce(p.community_code, '') NOT LIKE :prefix AND NOT EXISTS (
                  SELECT 1 FROM employment em JOIN enterprise e USING (credit_code)
                  WHERE em.id_number = s.id_number AND e.community_code LIKE :prefix)""",
                            column=_header(kind, "id_number"), prefix=prefix + "%")
    return sorted(errors)


def _check_enterprises(conn: Connection, prefix: str, whole_district: bool) -> list[tuple]:
    conn.execute(text("""
        UPDATE stage SET location = ST_SetSRID(ST_MakePoint(lon, lat), 4326) WHERE lon IS NOT NULL;
    """))
    errors = resolve_communities(conn, "enterprises", prefix) if _has_communities(conn) else []
    lon = _header("enterprises", "lon")
    errors += _rows(conn, """
        SELECT s.row_no, :column, s.lon || ', ' || s.lat, 'outside_district' FROM stage s
        WHERE s.location IS NOT NULL AND NOT EXISTS (SELECT 1 FROM district d WHERE ST_Covers(d.geom, s.location))
        """, column=lon)
    conn.execute(text("""
        UPDATE stage s SET community_code = (
          SELECT c.code FROM community c WHERE ST_Covers(c.geom, s.location) ORDER BY c.code LIMIT 1)
        WHERE s.community IS NULL AND s.location IS NOT NULL
    """))
    errors += _rows(conn, """
        SELECT s.row_no, :column, s.lon || ', ' || s.lat, 'outside_communities' FROM stage s
        WHERE s.community IS NULL AND s.location IS NOT NULL AND s.community_code IS NULL
          AND EXISTS (SELECT 1 FROM district d WHERE ST_Covers(d.geom, s.location))""", column=lon)
    errors += _rows(conn, """
        SELECT s.row_no, :column, s.lon || ', ' || s.lat, 'out_of_scope' FROM stage s
        WHERE s.community IS NULL AND s.community_code NOT LIKE :prefix""", column=lon, prefix=prefix + "%")
    if not whole_district:
        errors += _rows(conn, """
            SELECT s.row_no, :column, s.credit_code, 'out_of_scope' FROM stage s JOIN enterprise e USING (credit_code)
            WHERE coalesce(e.community_code, '') NOT LIKE :prefix""",
                        column=_header("enterprises", "credit_code"), prefix=prefix + "%")
    return errors


def _has_communities(conn: Connection) -> bool:
    return bool(conn.execute(text("SELECT EXISTS (SELECT 1 FROM stage WHERE community IS NOT NULL)")).scalar())


def merge(conn: Connection, kind: str, source: str) -> tuple[int, list[tuple[str, dict]]]:
    """Write the staged rows; returns the rows written and notes (i18n key, values) for the operator."""
    return MERGES[kind](conn, source)


def _merge_residents(conn: Connection, _source: str) -> tuple[int, list]:
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


def _merge_enterprises(conn: Connection, _source: str) -> tuple[int, list]:
    written = conn.execute(text("""
        INSERT INTO enterprise AS e (credit_code, name, address, industry, location, community_code)
        SELECT credit_code, name, address, industry, location, community_code FROM stage
        ON CONFLICT (credit_code) DO UPDATE SET
          name = EXCLUDED.name, address = coalesce(EXCLUDED.address, e.address), industry = EXCLUDED.industry,
          location = coalesce(EXCLUDED.location, e.location), community_code = EXCLUDED.community_code
        WHERE (e.name, e.address, e.industry, e.community_code, e.location) IS DISTINCT FROM
              (EXCLUDED.name, coalesce(EXCLUDED.address, e.address), EXCLUDED.industry, EXCLUDED.community_code,
               coalesce(EXCLUDED.location, e.location))""")).rowcount
    return written, []


def _merge_employment(conn: Connection, _source: str) -> tuple[int, list]:
    persons = conn.execute(text("""
        INSERT INTO person (id_number, name, phone)
        SELECT DISTINCT ON (id_number) id_number, name, phone FROM stage ORDER BY id_number, row_no
        ON CONFLICT (id_number) DO NOTHING""")).rowcount
    written = conn.execute(text("""
        INSERT INTO employment AS em (credit_code, id_number, since)
        SELECT credit_code, id_number, since FROM stage
        ON CONFLICT (credit_code, id_number) DO UPDATE SET since = coalesce(EXCLUDED.since, em.since)
        WHERE em.since IS DISTINCT FROM coalesce(EXCLUDED.since, em.since)""")).rowcount
    return written, [("import.note.new_persons", {"count": persons})] if persons else []


def _merge_health_codes(conn: Connection, source: str) -> tuple[int, list]:
    stale = conn.execute(text("""
        SELECT count(*) FROM stage s JOIN health_code h USING (id_number)
        WHERE h.colour <> s.colour AND s.changed_at < h.changed_at""")).scalar()
    updated = conn.execute(text("""
        UPDATE health_code h SET colour = s.colour, changed_at = s.changed_at, source = :source
        FROM stage s WHERE h.id_number = s.id_number AND h.colour <> s.colour AND s.changed_at >= h.changed_at"""),
        {"source": source}).rowcount
    inserted = conn.execute(text("""
        INSERT INTO health_code (id_number, colour, changed_at, source)
        SELECT s.id_number, s.colour, s.changed_at, :source FROM stage s
        WHERE NOT EXISTS (SELECT 1 FROM health_code h WHERE h.id_number = s.id_number)"""),
        {"source": source}).rowcount
    notes = [("import.note.stale", {"count": stale})] if stale else []
    return updated + inserted, notes


def _merge_managed(conn: Connection, _source: str) -> tuple[int, list]:
    written = conn.execute(text("""
        INSERT INTO managed_person AS m (id_number, kind, community_code, start_date, end_date)
        SELECT id_number, kind, community_code, start_date, end_date FROM stage
        ON CONFLICT (id_number, kind, start_date) DO UPDATE SET
          community_code = EXCLUDED.community_code, end_date = EXCLUDED.end_date
        WHERE (m.community_code, m.end_date) IS DISTINCT FROM (EXCLUDED.community_code, EXCLUDED.end_date)""")).rowcount
    if written:  # managed counts are read live; move the version the map and the big screen watch
        conn.execute(text("UPDATE community_stats SET updated_at = clock_timestamp()"
                          " WHERE community_code IN (SELECT DISTINCT community_code FROM stage)"))
    return written, []


MERGES = {"residents": _merge_residents, "enterprises": _merge_enterprises, "employment": _merge_employment,
          "health_codes": _merge_health_codes, "managed": _merge_managed}


def missing_from_snapshot(conn: Connection, prefix: str, whole_district: bool) -> int:
    """Persons holding a colour the snapshot does not mention (they keep it): all, or the area's residents."""
    return conn.execute(text("""
        SELECT count(*) FROM health_code h JOIN person p USING (id_number)
        WHERE (:whole OR p.community_code LIKE :prefix)
          AND NOT EXISTS (SELECT 1 FROM stage s WHERE s.id_number = h.id_number)"""),
        {"prefix": prefix + "%", "whole": whole_district}).scalar()
