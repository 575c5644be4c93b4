"""Enterprises: insert or update by credit code; placed by a point (longitude and latitude, the community
found by PostGIS) or by a named community. A point outside the community (or street) its row names is
warned (or refused, or the point's community taken, as the operator chooses)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, text

from data_access.importing import cells
from data_access.importing.base import Field, ImportRequest, Kind, Note, RowError
from data_access.importing.kinds.common import (
    COMMUNITY,
    CREDIT,
    PLACE_OPTIONS,
    STREET,
    optional,
    resolve_communities,
)
from data_access.importing.staging import found
from geo.datums import to_wgs84
from i18n import t

LON = Field("lon", ("经度", "lon", "lng", "longitude"), cells.longitude, required=False, example="120.1523")
LAT = Field("lat", ("纬度", "lat", "latitude"), cells.latitude, required=False, example="30.3195")
PLACE = Field("community", COMMUNITY.headers, optional(cells.place), required=False, example="台州路社区")


def request_checks(request: ImportRequest, clean: pd.DataFrame) -> list[RowError]:
    """Both coordinates or neither, a point or a community; GCJ-02 or BD-09 points converted when asked."""
    lon, lat = clean["lon"].notna(), clean["lat"].notna()
    errors = [RowError(int(r), LON.header, "", "lon_lat_pair") for r in clean.loc[lon ^ lat, "row"]]
    nowhere = ~lon & ~lat & clean["community"].isna()
    errors += [RowError(int(r), PLACE.header, "", "no_place") for r in clean.loc[nowhere, "row"]]
    datum = request.datum
    if datum and (lon & lat).any():
        both = lon & lat
        x, y = to_wgs84(clean.loc[both, "lon"].astype(float).to_numpy(),
                        clean.loc[both, "lat"].astype(float).to_numpy(), datum)
        clean.loc[both, "lon"], clean.loc[both, "lat"] = x.round(7), y.round(7)
    return errors


def verify(conn: Connection, prefix: str, whole_district: bool) -> list[tuple]:
    conn.execute(text("""
        UPDATE stage SET location = ST_SetSRID(ST_MakePoint(lon, lat), 4326) WHERE lon IS NOT NULL;
    """))
    named = conn.execute(text("SELECT EXISTS (SELECT 1 FROM stage WHERE community IS NOT NULL)")).scalar()
    errors = resolve_communities(conn, PLACE.header, prefix) if named else []
    errors += found(conn, """
        SELECT s.row_no, :column, s.lon || ', ' || s.lat, 'outside_district' FROM stage s
        WHERE s.location IS NOT NULL AND NOT EXISTS (SELECT 1 FROM district d WHERE ST_Covers(d.geom, s.location))
        """, column=LON.header)
    conn.execute(text("""
        UPDATE stage s SET community_code = (
          SELECT c.code FROM community c WHERE ST_Covers(c.geom, s.location) ORDER BY c.code LIMIT 1)
        WHERE s.community IS NULL AND s.location IS NOT NULL
    """))
    errors += found(conn, """
        SELECT s.row_no, :column, s.lon || ', ' || s.lat, 'outside_communities' FROM stage s
        WHERE s.community IS NULL AND s.location IS NOT NULL AND s.community_code IS NULL
          AND EXISTS (SELECT 1 FROM district d WHERE ST_Covers(d.geom, s.location))""", column=LON.header)
    errors += found(conn, """
        SELECT s.row_no, :column, s.lon || ', ' || s.lat, 'out_of_scope' FROM stage s
        WHERE s.community IS NULL AND s.community_code NOT LIKE :prefix""", column=LON.header, prefix=prefix + "%")
    if not whole_district:
        errors += found(conn, """
            SELECT s.row_no, :column, s.credit_code, 'out_of_scope' FROM stage s JOIN enterprise e USING (credit_code)
            WHERE coalesce(e.community_code, '') NOT LIKE :prefix""", column=CREDIT.header, prefix=prefix + "%")
    return sorted(errors)


def review(conn: Connection, request: ImportRequest, prefix: str) -> tuple[list[tuple], list[tuple]]:
    """Rows whose point lies outside the community (or street) they name: (errors, warnings).

    Warned by default, the named community kept; refused when the operator asks (strict_places); the
    point's community taken when the point wins (a point in no community keeps the named one). A row
    naming only a street always takes the point's community: it is warned that the street differs.
    """
    conflicts = conn.execute(text("""
        SELECT s.row_no, s.lon || ', ' || s.lat, p.code, t.name || p.name, s.community IS NULL,
               CASE WHEN p.code IS NULL THEN 'point_no_community'
                    WHEN left(p.code, 9) = left(s.community_code, 9) AND s.community IS NOT NULL
                    THEN 'point_other_community' ELSE 'point_other_street' END
        FROM stage s
        LEFT JOIN LATERAL (SELECT c.code, c.name, c.street_code FROM community c WHERE ST_Covers(c.geom, s.location)
                           ORDER BY c.code LIMIT 1) p ON true
        LEFT JOIN street t ON t.code = p.street_code
        WHERE s.location IS NOT NULL AND EXISTS (SELECT 1 FROM district d WHERE ST_Covers(d.geom, s.location))
          AND CASE WHEN s.community IS NOT NULL THEN s.community_code IS NOT NULL
                                                     AND p.code IS DISTINCT FROM s.community_code
                   WHEN s.street IS NOT NULL THEN p.code IS NOT NULL AND NOT EXISTS (
                     SELECT 1 FROM street n WHERE n.code = p.street_code
                       AND (n.code = s.street OR n.name IN (s.street, s.street || '街道')))
                   ELSE false END
        ORDER BY s.row_no""")).all()
    if request.strict_places:
        return [(row, LON.header, _point_in(point, place), reason)
                for row, point, _, place, _, reason in conflicts], []
    moves = [(row, code) for row, _, code, _, by_point, _ in conflicts if request.point_wins and code and not by_point]
    if moves:
        conn.execute(text("UPDATE stage SET community_code = :code WHERE row_no = :row"),
                     [{"row": row, "code": code} for row, code in moves])
    moved = {row for row, _ in moves} | {row for row, *_, by_point, _ in conflicts if by_point}
    warnings = [(row, LON.header, _point_in(point, place), reason + ("_moved" if row in moved else "_kept"))
                for row, point, _, place, _, reason in conflicts]
    return [(row, LON.header, code, "out_of_scope") for row, code in moves if not code.startswith(prefix)], warnings


def _point_in(point: str, place: str | None) -> str:
    return t("import.value.point_in", point=point, place=place or t("import.value.no_community"))


def merge(conn: Connection, _source: str) -> tuple[int, list[Note]]:
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


KIND = Kind(
    "enterprises",
    fields=(
        CREDIT,
        Field("name", ("企业名称", "单位名称", "名称", "name"), cells.text, example="杭州某某科技有限公司"),
        Field("industry", ("行业", "所属行业", "行业类别", "industry"), cells.text, example="制造业"),
        Field("address", ("地址", "企业地址", "经营地址", "注册地址", "address"), optional(cells.text),
              required=False, example="拱墅区丰潭路 1 号"),
        LON, LAT, PLACE, STREET,
    ),
    key=("credit_code",),
    stage_columns="credit_code char(18), name text, industry text, address text, lon float8, lat float8,"
                  " community text, street text, community_code char(12), location geometry(Point, 4326)",
    copied=("credit_code", "name", "industry", "address", "lon", "lat", "community", "street"),
    verify=verify, merge=merge, request_checks=request_checks, review=review,
    options=PLACE_OPTIONS,
)
