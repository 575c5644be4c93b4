"""Boundary files from the planning bureau or a web map: GeoJSON (also DataV's bare array of features),
zipped Shapefile, GeoPackage. The CRS is read from the file (or given by the operator), transformed to
WGS-84 with pyproj; GCJ-02 converted when the operator says so; invalid polygons repaired with
ST_MakeValid and named in the result. Features are matched to divisions by their 12-digit code; a new
division is added when its parent is known and it has a name.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, text

from data_access.bulk import copy_frame
from data_access.importing.base import FileProblem, ImportRequest, ImportResult, Kind, Note, Progress, RowError
from data_access.importing.files import header_key
from data_access.importing.kinds.common import POINT_OPTIONS
from data_access.reference import district_outline
from domain.divisions import DISTRICT_CODE
from geo.gcj02 import gcj02_to_wgs84
from i18n import t

CODE_COLUMNS = ("code", "adcode", "区划代码", "行政区划代码", "代码", "编码", "xzqdm", "dm")
NAME_COLUMNS = ("name", "名称", "区划名称", "xzqmc", "mc")
CODE, NAME, GEOMETRY = "区划代码", "名称", "几何"
NEAR_DEGREES = 0.05  # a feature must touch the district widened by about 5 km, or its CRS is wrong


def prepare(request: ImportRequest, result: ImportResult, _report: Progress) -> tuple[pd.DataFrame, list[RowError]]:
    """Read and check a boundary file (the rows load_rows stages, verifies and merges in its transaction)."""
    frame, result.file_format, crs = _read(request)
    result.rows_read = len(frame)
    rows, errors = _check(frame, request)
    result.notes.append(t("import.note.crs", crs=crs))
    return rows, errors


def _read(request: ImportRequest) -> tuple[gpd.GeoDataFrame, str, str]:
    content = request.content
    with tempfile.TemporaryDirectory(prefix="sansetu-boundary-") as folder:
        root = Path(folder)
        if content[:4] == b"PK\x03\x04":
            path, file_format = _unzip(content, root)
        elif content[:16] == b"SQLite format 3\x00":
            path, file_format = root / "upload.gpkg", "GeoPackage"
            path.write_bytes(content)
        else:
            path, file_format = root / "upload.geojson", "GeoJSON"
            path.write_text(json.dumps(_feature_collection(content), ensure_ascii=False), encoding="utf-8")
        frame = _read_frame(path)
    if frame.empty:
        raise FileProblem("import.file.no_rows")
    declared = frame.crs
    if declared is None:
        if not request.crs:
            raise FileProblem("import.file.no_crs")
        frame = frame.set_crs(request.crs, allow_override=True)
    elif request.crs and file_format != "GeoJSON":
        frame = frame.set_crs(request.crs, allow_override=True)
    crs_name = frame.crs.to_string()
    frame = frame.to_crs("EPSG:4326")
    if request.gcj02:
        frame["geometry"] = shapely.transform(
            frame.geometry.values, lambda xy: np.column_stack(gcj02_to_wgs84(xy[:, 0], xy[:, 1])))
    return frame, file_format, crs_name


def _unzip(content: bytes, root: Path) -> tuple[Path, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/") and "__MACOSX" not in n]
            for name in names:
                target = root / Path(name).name  # flattened: no path from the archive is trusted
                target.write_bytes(archive.read(name))
    except zipfile.BadZipFile as exc:
        raise FileProblem("import.file.zip") from exc
    files = [root / Path(n).name for n in names]
    for suffix, file_format in ((".shp", "Shapefile"), (".gpkg", "GeoPackage"), (".geojson", "GeoJSON"),
                                (".json", "GeoJSON")):
        found = [f for f in files if f.suffix.lower() == suffix]
        if found:
            if suffix == ".shp":
                missing = [s for s in (".shx", ".dbf") if not found[0].with_suffix(s).exists()
                           and not found[0].with_suffix(s.upper()).exists()]
                if missing:
                    raise FileProblem("import.file.shapefile_parts", parts="、".join(missing))
            return found[0], file_format
    raise FileProblem("import.file.zip_contents")


def _feature_collection(content: bytes) -> dict:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileProblem("import.file.json") from exc
    if isinstance(data, list):  # DataV and other web maps: a bare array of features
        data = {"type": "FeatureCollection", "features": data}
    elif isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise FileProblem("import.file.json")
    return data


def _read_frame(path: Path) -> gpd.GeoDataFrame:
    try:
        if path.suffix.lower() == ".shp" and not path.with_suffix(".cpg").exists():
            try:  # no code page given: UTF-8, else what Chinese GIS software writes
                return gpd.read_file(path, engine="pyogrio", encoding="utf-8")
            except UnicodeDecodeError:
                return gpd.read_file(path, engine="pyogrio", encoding="gb18030")
        return gpd.read_file(path, engine="pyogrio")
    except FileProblem:
        raise
    except Exception as exc:  # GDAL reports damaged files with many exception types
        raise FileProblem("import.file.gis", reason=str(exc).splitlines()[0][:200]) from exc


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


def _check(frame: gpd.GeoDataFrame, request: ImportRequest) -> tuple[pd.DataFrame, list[RowError]]:
    code_column, name_column = _column(frame, CODE_COLUMNS), _column(frame, NAME_COLUMNS)
    if code_column is None:
        raise FileProblem("import.file.missing_columns", columns=CODE)
    rows = pd.DataFrame({
        "row": range(1, len(frame) + 1),
        "code": [_code_text(v) for v in frame[code_column]],
        "name": [str(v).strip() if isinstance(v, str) else "" for v in frame[name_column]]
        if name_column else "",
        "geometry": frame.geometry.values,
    })
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
    return rows, errors


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
    notes: list[Note] = []
    repaired = conn.execute(text("SELECT string_agg(coalesce(name, code), '、' ORDER BY row_no) FROM stage"
                                 " WHERE repaired")).scalar()
    if repaired:
        notes.append(("import.note.repaired", {"names": repaired}))
    outside = conn.execute(text("""
        SELECT count(*) FROM enterprise e JOIN community c ON c.code = e.community_code
        WHERE c.code IN (SELECT code FROM stage) AND e.location IS NOT NULL AND NOT ST_Covers(c.geom, e.location)
    """)).scalar()
    if outside:
        notes.append(("import.note.enterprises_outside", {"count": outside}))
    return written, notes


# No fields or template: a geometry file is read by prepare and matched to divisions by its code column.
KIND = Kind("boundaries", prepare=prepare, stage=stage, verify=verify, merge=merge, options=POINT_OPTIONS,
            crs=True, template=False)
