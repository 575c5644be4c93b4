"""Boundary files from the planning bureau or a web map: GeoJSON (also DataV's bare array of features),
zipped Shapefile, GeoPackage. The CRS is read from the file (or given by the operator), transformed to
WGS-84 with pyproj; GCJ-02 or BD-09 converted when the operator says so; invalid polygons repaired with
ST_MakeValid and named in the result. Features are matched to divisions by their 12-digit code; a new
division is added when its parent is known and it has a name. The result says how well the new boundaries
agree with the old ones and cover the enterprises' points.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
from pyproj.exceptions import CRSError
from sqlalchemy import Connection, text

from data_access.bulk import copy_frame
from data_access.importing.base import FileProblem, ImportRequest, ImportResult, Kind, Note, Progress, RowError
from data_access.importing.files import header_key
from data_access.importing.kinds.boundary_files import Layer, read_layers
from data_access.importing.kinds.common import POINT_OPTIONS
from data_access.reference import district_outline
from domain.divisions import DISTRICT_CODE
from geo.datums import geometries_to_wgs84
from i18n import t

CODE_COLUMNS = ("code", "adcode", "区划代码", "行政区划代码", "代码", "编码", "xzqdm", "dm")
NAME_COLUMNS = ("name", "名称", "区划名称", "xzqmc", "mc")
CODE, NAME, GEOMETRY = "区划代码", "名称", "几何"
NEAR_DEGREES = 0.05  # a feature must touch the district widened by about 5 km, or its CRS is wrong


def prepare(request: ImportRequest, result: ImportResult, _report: Progress) -> tuple[pd.DataFrame, list[RowError]]:
    """Read and check a boundary file (the rows load_rows stages, verifies and merges in its transaction).

    Every layer of the file is read; several layers are loaded together (each feature's code says its
    level) when each has a code column, and refused, naming them, when one has not.
    """
    datum = request.datum
    layers = [layer for layer in read_layers(request.body) if not layer.frame.empty]
    if not layers:
        raise FileProblem("import.file.no_rows")
    codes = {layer.name: _column(layer.frame, CODE_COLUMNS) for layer in layers}
    if len(layers) > 1 and None in codes.values():
        raise FileProblem("import.file.layers", layers="、".join(codes),
                          unmatched="、".join(n for n, c in codes.items() if c is None))
    if codes[layers[0].name] is None:
        raise FileProblem("import.file.missing_columns", columns=CODE)
    parts, first = [], 1
    for layer in layers:
        rows, crs = _rows(layer, codes[layer.name], request.crs, datum, first)
        parts.append(rows)
        result.notes.append(t("import.note.crs", crs=crs) if len(layers) == 1 else t(
            "import.note.layer", layer=layer.name, first=first, last=first + len(rows) - 1, crs=crs))
        first += len(rows)
    rows = pd.concat(parts, ignore_index=True)
    result.rows_read = len(rows)
    result.file_format = "、".join(dict.fromkeys(layer.file_format for layer in layers))
    return rows, _check(rows)


def _rows(layer: Layer, code_column: str, chosen_crs: str | None, datum: str | None, first: int
          ) -> tuple[pd.DataFrame, str]:
    """A layer's features as rows (row, code, name, geometry in WGS-84) numbered from first, and its CRS
    as the note says it: the operator's CRS, when given, wins over the file's (and the note says both)."""
    frame, stated = layer.frame, layer.frame.crs.to_string() if layer.stated and layer.frame.crs else None
    if chosen_crs:
        try:
            frame = frame.set_crs(chosen_crs, allow_override=True)
        except CRSError as exc:
            raise FileProblem("import.file.bad_crs", crs=chosen_crs) from exc
    elif frame.crs is None:
        raise FileProblem("import.file.no_crs")
    crs = frame.crs.to_string()
    if stated and stated != crs:
        crs = t("import.note.crs_chosen", crs=crs, stated=stated)
    frame = frame.to_crs("EPSG:4326")
    geometry = geometries_to_wgs84(frame.geometry.values, datum) if datum else frame.geometry.values
    name_column = _column(frame, NAME_COLUMNS)
    return pd.DataFrame({
        "row": range(first, first + len(frame)),
        "code": [_code_text(v) for v in frame[code_column]],
        "name": [str(v).strip() if isinstance(v, str) else "" for v in frame[name_column]] if name_column else "",
        "geometry": geometry,
    }), crs


def _column(frame: gpd.GeoDataFrame, names: tuple[str, ...]) -> str | None:
    keys = {header_key(c): c for c in frame.columns if c != "geometry"}
    return next((keys[n] for n in names if n in keys), None)


def _code_text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    code = str(int(value)) if isinstance(value, int | float) else str(value).strip()
    if code.isdigit() and len(code) in (6, 9):
        code = code.ljust(12, "0")  # DataV's 6-digit adcodes, 9-digit township codes
    return code


def _check(rows: pd.DataFrame) -> list[RowError]:
    errors = []
    for r in rows.itertuples():
        if not (len(r.code) == 12 and r.code.isdigit()):
            errors.append(RowError(r.row, CODE, r.code, "division_code"))
        elif not r.code.startswith(DISTRICT_CODE[:6]):
            errors.append(RowError(r.row, CODE, r.code, "division_elsewhere"))
        if r.geometry is None or r.geometry.is_empty:
            errors.append(RowError(r.row, GEOMETRY, "", "geometry_empty"))
        elif r.geometry.geom_type not in ("Polygon", "MultiPolygon"):
            errors.append(RowError(r.row, GEOMETRY, r.geometry.geom_type, "geometry_type"))
    repeated = rows[rows.duplicated("code", keep="first") & (rows.code != "")]
    first = rows.drop_duplicates("code").set_index("code")["row"]
    errors += [RowError(int(r.row), CODE, r.code, "duplicate", str(first[r.code])) for r in repeated.itertuples()]
    return errors


def stage(conn: Connection, rows: pd.DataFrame) -> None:
    conn.execute(text("""CREATE TEMP TABLE stage (row_no int PRIMARY KEY, code char(12), name text,
        geom geometry, level text, repaired boolean DEFAULT false) ON COMMIT DROP"""))
    staged = pd.DataFrame({"row_no": rows["row"], "code": rows["code"], "name": rows["name"].replace("", None),
                           "geom": ["SRID=4326;" + g.wkt for g in rows["geometry"]]})
    copy_frame(conn, "stage", staged)
    conn.execute(text("""
        UPDATE stage SET level = CASE WHEN code LIKE '%000000' THEN 'district'
                                      WHEN code LIKE '%000' THEN 'street' ELSE 'community' END;
        UPDATE stage SET repaired = true, geom = ST_MakeValid(geom) WHERE NOT ST_IsValid(geom);
        UPDATE stage SET geom = ST_Multi(ST_CollectionExtract(geom, 3));
    """))


def verify(conn: Connection, prefix: str, _whole_district: bool) -> list[tuple]:
    outline = conn.execute(text("SELECT ST_AsText(geom) FROM district LIMIT 1")).scalar() or district_outline().wkt
    return sorted(tuple(r) for r in conn.execute(text("""
        SELECT row_no, :geometry, '', 'geometry_invalid' FROM stage WHERE ST_IsEmpty(geom)
        UNION ALL
        SELECT row_no, :geometry, '', 'boundary_far' FROM stage
        WHERE NOT ST_IsEmpty(geom) AND NOT ST_DWithin(geom, ST_GeomFromText(:outline, 4326), :near)
        UNION ALL
        SELECT row_no, :code, code, 'out_of_scope' FROM stage WHERE code NOT LIKE :prefix
        UNION ALL
        SELECT s.row_no, :code, s.code, 'unknown_division' FROM stage s
        WHERE NOT EXISTS (SELECT 1 FROM district d WHERE d.code = s.code UNION ALL
                          SELECT 1 FROM street t WHERE t.code = s.code UNION ALL
                          SELECT 1 FROM community c WHERE c.code = s.code)
          AND (s.name IS NULL OR (s.level = 'street' AND NOT EXISTS (
                 SELECT 1 FROM district d WHERE d.code = left(s.code, 6) || '000000'
                 UNION ALL SELECT 1 FROM stage p WHERE p.code = left(s.code, 6) || '000000'))
               OR (s.level = 'community' AND NOT EXISTS (
                 SELECT 1 FROM street d WHERE d.code = left(s.code, 9) || '000'
                 UNION ALL SELECT 1 FROM stage p WHERE p.code = left(s.code, 9) || '000')))
    """), {"geometry": GEOMETRY, "code": CODE, "outline": outline, "near": NEAR_DEGREES, "prefix": prefix + "%"}))


def merge(conn: Connection, _source: str) -> tuple[int, list[Note]]:
    notes = _overlap(conn)
    written = 0
    for table, parent in (("district", None), ("street", "district_code"), ("community", "street_code")):
        parent_value = {"street": "left(code, 6) || '000000'", "community": "left(code, 9) || '000'"}.get(table)
        written += conn.execute(text(f"""
            UPDATE {table} x SET geom = s.geom, name = coalesce(s.name, x.name) FROM stage s
            WHERE s.code = x.code AND (x.name, x.geom) IS DISTINCT FROM (coalesce(s.name, x.name), s.geom)""")).rowcount
        columns = "code, name, geom" + (f", {parent}" if parent else "")
        values = "code, name, geom" + (f", {parent_value}" if parent else "")
        written += conn.execute(text(f"""
            INSERT INTO {table} ({columns}) SELECT {values} FROM stage s
            WHERE s.level = '{table}' AND NOT EXISTS (SELECT 1 FROM {table} x WHERE x.code = s.code)
            ORDER BY s.code""")).rowcount
    # A street the file leaves out follows its communities: the union of their polygons.
    conn.execute(text("""
        UPDATE street t SET geom = u.geom FROM (
          SELECT c.street_code, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(c.geom)), 3)) AS geom
          FROM community c WHERE c.street_code IN (
            SELECT left(code, 9) || '000' FROM stage WHERE level = 'community'
            EXCEPT SELECT code FROM stage WHERE level = 'street')
          GROUP BY c.street_code) u
        WHERE t.code = u.street_code"""))
    repaired = conn.execute(text("SELECT string_agg(coalesce(name, code), '、' ORDER BY row_no) FROM stage"
                                 " WHERE repaired")).scalar()
    if repaired:
        notes.append(("import.note.repaired", {"names": repaired}))
    return written, notes + _coverage(conn)


def _overlap(conn: Connection) -> list[Note]:
    """How far the new boundaries agree with the ones they replace: the area both share over the area
    either covers, over all of them and for the division that agrees least (before the merge)."""
    shared = conn.execute(text("""
        SELECT coalesce(s.name, x.name), ST_Area(ST_Intersection(x.geom, s.geom)), ST_Area(ST_Union(x.geom, s.geom))
        FROM stage s JOIN (SELECT code, name, geom FROM district UNION ALL SELECT code, name, geom FROM street
                           UNION ALL SELECT code, name, geom FROM community) x USING (code)
        WHERE NOT ST_IsEmpty(s.geom)""")).all()
    if not shared:
        return []
    name, both, either = min(shared, key=lambda r: r[1] / r[2] if r[2] else 1.0)
    return [("import.note.overlap", {"share": _percent(sum(r[1] for r in shared) / sum(r[2] for r in shared)),
                                     "name": name, "lowest": _percent(both / either if either else 1.0)})]


def _coverage(conn: Connection) -> list[Note]:
    """How many enterprises with a point lie in the new boundary of their own division (the most detailed
    of their community, street and district that the file holds)."""
    total, inside = conn.execute(text("""
        SELECT count(*), count(*) FILTER (WHERE ST_Covers(g.geom, e.location)) FROM enterprise e
        JOIN LATERAL (SELECT s.geom FROM stage s WHERE s.code IN (e.community_code,
                        left(e.community_code, 9) || '000', left(e.community_code, 6) || '000000')
                      ORDER BY s.code DESC LIMIT 1) g ON true
        WHERE e.location IS NOT NULL""")).one()
    if not total:
        return []
    return [("import.note.coverage", {"total": total, "inside": inside, "share": _percent(inside / total)})]


def _percent(share: float) -> str:
    """A share as a percentage that never rounds a shortfall up to 100%."""
    return f"{math.floor(share * 1000) / 10:.1f}%"


# No fields or template: a geometry file is read by prepare and matched to divisions by its code column.
KIND = Kind("boundaries", prepare=prepare, stage=stage, verify=verify, merge=merge, options=POINT_OPTIONS,
            crs=True, template=False)
