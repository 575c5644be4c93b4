"""Coordinates and boundaries that would otherwise be stored wrong without a word (issue 11, classes 4, 5, 6,
8 and 14): several layers in one file, Baidu's BD-09, a point that contradicts the community its row names,
the demo's outline in GCJ-02, the coverage of new boundaries, and --crs for GeoJSON.

These tests load a small demo district of their own; the answers are known by construction (polygons taken
from the database, moved and put back, points drawn inside known communities).
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import wkt as shapely_wkt
from shapely.geometry import LineString, Point, mapping
from sqlalchemy import text

from data_access.demo import shape_cache
from data_access.importing import history, registry
from data_access.importing.base import FileProblem, ImportRequest
from data_access.importing.kinds.boundary_files import _member_name
from data_access.importing.load import run_import
from data_access.importing.reports import error_report
from data_access.reference import district_outline, district_outline_gcj02
from geo.bd09 import bd09_to_gcj02, gcj02_to_bd09
from geo.datums import to_wgs84
from geo.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from tests.builders import credit_code
from tests.helpers import scratch_demo

DISTRICT = "330105000000"
GCQ = "330105005000"  # 拱宸桥街道
TZL = "330105005052"  # 台州路社区, 拱宸桥街道
HEAD = ["统一社会信用代码", "企业名称", "行业", "经度", "纬度", "所属社区", "所属街道"]


@pytest.fixture(scope="module")
def db(test_url):
    with scratch_demo(test_url, "geometry", seed=12, days_ago=2) as engine:
        yield engine


def load(engine, kind: str, content: bytes, name: str = "file.csv", **options):
    return run_import(engine, ImportRequest(kind, name, content, "operator", options.pop("org", DISTRICT),
                                            **options))


def csv_bytes(rows: list[list[str]]) -> bytes:
    return ("\r\n".join(",".join(r) for r in rows) + "\r\n").encode("utf-8")


def fingerprint(engine) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(text(q)).scalar() for q in (
            "SELECT md5(string_agg(e::text, ',' ORDER BY credit_code)) FROM enterprise e",
            "SELECT md5(string_agg(code || ST_AsText(geom), ',' ORDER BY code)) FROM"
            " (SELECT code, geom FROM district UNION ALL SELECT code, geom FROM street"
            "  UNION ALL SELECT code, geom FROM community) d"))


def divisions(engine, table: str, where: str, **params) -> gpd.GeoDataFrame:
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT code, name, ST_AsText(geom) FROM {table} WHERE {where} ORDER BY code"),
                            params).all()
    return gpd.GeoDataFrame({"XZQDM": [r[0] for r in rows], "XZQMC": [r[1] for r in rows]},
                            geometry=[shapely_wkt.loads(r[2]) for r in rows], crs="EPSG:4326")


def displace(engine, table: str, codes: list[str]) -> None:
    """Move divisions 0.02 degrees east, so an import has something to put right."""
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET geom = ST_Translate(geom, 0.02, 0) WHERE code = ANY (:c)"),
                     {"c": codes})


def worst_metres(engine, table: str, original: gpd.GeoDataFrame) -> float:
    """The largest Hausdorff distance, in metres, between the stored divisions and original's."""
    with engine.connect() as conn:
        return max(conn.execute(text(
            f"SELECT ST_HausdorffDistance(ST_Transform(geom, 4549), ST_Transform(ST_GeomFromText(:g, 4326), 4549))"
            f" FROM {table} WHERE code = :c"), {"g": g.wkt, "c": c}).scalar()
            for c, g in zip(original["XZQDM"], original.geometry, strict=True))


def zipped(layers: dict[str, gpd.GeoDataFrame], folder: Path) -> bytes:
    """A zip of one Shapefile per layer name (GBK attributes, a .prj each), as planning bureaus send them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for stem, frame in layers.items():
            frame.to_file(folder / f"{stem}.shp", engine="pyogrio", encoding="gb18030")
            for part in sorted(folder.glob(f"{stem}.*")):
                archive.write(part, f"边界/{part.name}")
    return buffer.getvalue()


def point_in(engine, code: str) -> tuple[float, float]:
    with engine.connect() as conn:
        return tuple(conn.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p"
                                       " FROM community WHERE code = :c) x"), {"c": code}).one())


def stored(engine, credit: str) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(text("SELECT community_code, ST_X(location), ST_Y(location) FROM enterprise"
                                       " WHERE credit_code = :c"), {"c": credit}).one())


def reported(engine, run_id: int) -> list[str]:
    """The lines of a run's downloadable report (as the import tab serves it)."""
    with engine.connect() as conn:
        _, _, problems = history.run_errors(conn, run_id)
    return error_report(problems, []).decode("utf-8-sig").splitlines()[1:]


def shares(notes: list[str]) -> dict[str, float]:
    """The percentages of the overlap and coverage notes."""
    found = {}
    for note in notes:
        if note.startswith("新旧边界重合度"):
            found["overlap"] = float(re.search(r"([\d.]+)%", note).group(1))
        elif "落在其所属区划的新边界内" in note:
            found["coverage"] = float(re.search(r"（([\d.]+)%）", note).group(1))
    return found


# --- 4: several layers in one file ----------------------------------------------------------------

def test_a_zip_of_a_community_layer_and_a_street_layer_loads_both(db, tmp_path):
    communities = divisions(db, "community", "street_code = :s", s=GCQ)
    street = divisions(db, "street", "code = :s", s=GCQ)
    street["XZQDM"] = street["XZQDM"].str[:9]  # township codes of 9 digits, as the register writes them
    displace(db, "community", list(communities["XZQDM"]))
    displace(db, "street", [GCQ])
    content = zipped({"社区": communities.to_crs("EPSG:4549"), "街道": street.to_crs("EPSG:4490")}, tmp_path)
    result = load(db, "boundaries", content, name="拱宸桥.zip")
    assert result.result == "loaded", (result.problem, result.errors)
    assert result.rows_read == len(communities) + 1
    assert worst_metres(db, "community", communities) < 0.5
    street["XZQDM"] = [GCQ]
    assert worst_metres(db, "street", street) < 0.5
    layers = [n for n in result.notes if n.startswith("图层")]
    assert len(layers) == 2 and "边界/社区.shp" in layers[0] and "EPSG:4549" in layers[0]
    assert "边界/街道.shp" in layers[1] and "EPSG:4490" in layers[1]


def test_a_zip_with_a_layer_that_is_no_boundary_level_is_refused_naming_every_layer(db, tmp_path):
    communities = divisions(db, "community", "street_code = :s", s=GCQ).head(3)
    edge = LineString(communities.geometry.iloc[0].geoms[0].exterior.coords)
    roads = gpd.GeoDataFrame({"名称": ["丰潭路"]}, geometry=[edge], crs="EPSG:4326")  # no code: not a boundary
    before = fingerprint(db)
    result = load(db, "boundaries", zipped({"社区": communities, "道路": roads}, tmp_path), name="three.zip")
    assert result.result == "rejected" and result.rows_written == 0
    assert "边界/社区.shp" in result.problem and "边界/道路.shp" in result.problem
    assert "边界/道路.shp 没有区划代码列" in result.problem
    assert fingerprint(db) == before


def test_a_geopackage_with_a_street_layer_and_a_community_layer_loads_both(db, tmp_path):
    street_code = "330105008000"
    communities = divisions(db, "community", "street_code = :s", s=street_code)
    street = divisions(db, "street", "code = :s", s=street_code)
    displace(db, "community", list(communities["XZQDM"]))
    displace(db, "street", [street_code])
    path = tmp_path / "上塘.gpkg"
    street.to_crs("EPSG:4490").to_file(path, engine="pyogrio", driver="GPKG", layer="街道")
    communities.to_crs("EPSG:4549").to_file(path, engine="pyogrio", driver="GPKG", layer="社区")
    result = load(db, "boundaries", path.read_bytes(), name=path.name)
    assert result.result == "loaded", (result.problem, result.errors)
    assert worst_metres(db, "community", communities) < 0.5 and worst_metres(db, "street", street) < 0.5
    assert sorted(n.split("”")[0] for n in result.notes if n.startswith("图层")) == ["图层“社区", "图层“街道"]


def test_a_zip_member_named_in_gbk_by_windows_is_named_as_written():
    info = zipfile.ZipInfo("社区边界.shp".encode("gbk").decode("cp437"))  # no UTF-8 flag: as zip tools store it
    assert _member_name(info) == "社区边界.shp"
    assert _member_name(zipfile.ZipInfo("roads.shp")) == "roads.shp"


# --- 5: BD-09 --------------------------------------------------------------------------------------

def test_bd09_round_trips_to_a_billionth_of_a_degree_and_matches_the_published_offset():
    lon, lat = np.array([120.10, 120.15, 120.20]), np.array([30.28, 30.33, 30.38])
    bd_lon, bd_lat = gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))
    back_lon, back_lat = to_wgs84(bd_lon, bd_lat, "bd09")
    assert np.abs(back_lon - lon).max() < 1e-9 and np.abs(back_lat - lat).max() < 1e-9
    # Baidu's own example: Tiananmen at BD-09 (116.404, 39.915) is GCJ-02 (116.39763, 39.90866).
    gcj_lon, gcj_lat = bd09_to_gcj02(116.404, 39.915)
    assert abs(gcj_lon - 116.39763) < 2e-5 and abs(gcj_lat - 39.90866) < 2e-5
    # In Hangzhou, BD-09 lies about a kilometre from WGS-84: the error the option puts right.
    assert 0.008 < bd_lon[1] - lon[1] < 0.013 and 0.002 < bd_lat[1] - lat[1] < 0.006


def baidu_point_off_its_community(engine) -> tuple[float, float, float, float]:
    """A WGS-84 point inside 台州路社区 whose BD-09 coordinates, read as WGS-84, lie in another community."""
    with engine.connect() as conn:
        tzl, others = conn.execute(text(
            "SELECT ST_AsText(geom), (SELECT ST_AsText(ST_Union(geom)) FROM community WHERE code <> :c)"
            " FROM community WHERE code = :c"), {"c": TZL}).one()
    tzl, others = shapely_wkt.loads(tzl), shapely_wkt.loads(others)
    minx, miny, maxx, maxy = tzl.bounds
    grid = [(x, y) for x in np.linspace(minx, maxx, 15) for y in np.linspace(miny, maxy, 15)]
    for x, y in grid:
        bx, by = gcj02_to_bd09(*wgs84_to_gcj02(x, y))
        if tzl.buffer(-1e-4).contains(Point(x, y)) and others.buffer(-1e-4).contains(Point(float(bx), float(by))):
            return x, y, float(bx), float(by)
    raise AssertionError("no such point in the demo's 台州路社区")


def test_a_baidu_geocoded_enterprise_lands_in_its_community_with_bd09_and_is_warned_without(db):
    x, y, bx, by = baidu_point_off_its_community(db)
    code = credit_code()
    row = [code, "百度坐标企业", "零售业", f"{bx:.7f}", f"{by:.7f}", "台州路社区", ""]
    unconverted = load(db, "enterprises", csv_bytes([HEAD, row]), name="baidu.csv")
    assert unconverted.result == "loaded" and not unconverted.errors
    assert [(w.row, w.reason.rsplit("_", 1)[1]) for w in unconverted.warnings] == [(2, "kept")]
    assert any("1 行有警告" in n for n in unconverted.notes)
    assert any("警告" in line and "台州路" not in line.split(",")[2] for line in reported(db, unconverted.run_id))
    converted = load(db, "enterprises", csv_bytes([HEAD, row]), name="baidu.csv", bd09=True)
    assert converted.result == "loaded" and not converted.warnings and not converted.errors
    community, lon, lat = stored(db, code)
    assert community == TZL and abs(lon - x) < 1e-6 and abs(lat - y) < 1e-6


def test_bd09_boundaries_are_converted_and_both_datums_at_once_are_refused(db):
    original = divisions(db, "community", "street_code = :s", s="330105001000").head(2)
    displace(db, "community", list(original["XZQDM"]))
    baidu = shapely.transform(original.geometry.values,
                              lambda xy: np.column_stack(gcj02_to_bd09(*wgs84_to_gcj02(xy[:, 0], xy[:, 1]))))
    features = [{"type": "Feature", "properties": {"adcode": int(c), "name": n}, "geometry": mapping(g)}
                for c, n, g in zip(original["XZQDM"], original["XZQMC"], baidu, strict=True)]
    content = json.dumps(features, ensure_ascii=False).encode()
    before = fingerprint(db)
    both = load(db, "boundaries", content, name="baidu.json", gcj02=True, bd09=True)
    assert both.result == "rejected" and "只能选一个" in both.problem and fingerprint(db) == before
    result = load(db, "boundaries", content, name="baidu.json", bd09=True)
    assert result.result == "loaded", (result.problem, result.errors)
    assert worst_metres(db, "community", original) < 0.5
    with pytest.raises(FileProblem):
        _ = ImportRequest("enterprises", "x.csv", b"", "u", DISTRICT, gcj02=True, bd09=True).datum


def test_every_box_the_import_tab_offers_is_a_field_of_the_request_it_sends():
    from callbacks.imports.upload import option_flags

    fields = {f.name for f in dataclasses.fields(ImportRequest) if f.type == "bool"}
    assert all(set(k.options) <= fields for k in registry.kinds())
    flags = option_flags("enterprises", {"bd09", "point_wins", "crs"})
    assert flags == {"gcj02": False, "bd09": True, "point_wins": True, "strict_places": False,
                     "skip_bad_rows": False, "check_only": False}
    assert option_flags("residents", {"bd09"}) == {"skip_bad_rows": False, "check_only": False}
    assert ImportRequest("enterprises", "f.csv", b"", "u", DISTRICT, **flags).datum == "bd09"


# --- 5 and 6: a point that contradicts the community (or street) its row names -----------------------

def test_a_point_in_another_street_is_warned_and_the_operator_chooses_which_wins(db):
    other = "330105001051"  # 夹城巷社区 of 米市巷街道, not 拱宸桥街道
    lon, lat = point_in(db, other)
    code = credit_code()
    row = [code, "地址矛盾企业", "制造业", f"{lon:.7f}", f"{lat:.7f}", "台州路社区", ""]
    kept = load(db, "enterprises", csv_bytes([HEAD, row]), name="conflict.csv")
    assert kept.result == "loaded" and not kept.errors
    assert [(w.row, w.column, w.reason) for w in kept.warnings] == [(2, "经度", "point_other_street_kept")]
    assert stored(db, code)[0] == TZL  # the named community, as before, but no longer silently
    lines = reported(db, kept.run_id)
    assert len(lines) == 1 and lines[0].startswith("2,经度,") and "警告" in lines[0] and "另一个街道" in lines[0]
    moved = load(db, "enterprises", csv_bytes([HEAD, row]), name="conflict.csv", point_wins=True)
    assert [w.reason for w in moved.warnings] == ["point_other_street_moved"] and moved.rows_written == 1
    assert stored(db, code)[0] == other
    before = fingerprint(db)
    row[0] = credit_code()
    strict = load(db, "enterprises", csv_bytes([HEAD, row]), name="strict.csv", strict_places=True)
    assert strict.result == "rejected" and strict.rows_written == 0 and not strict.warnings
    assert [(e.row, e.reason) for e in strict.errors] == [(2, "point_other_street")]
    assert fingerprint(db) == before


def test_same_street_other_community_and_a_named_street_alone_are_told_apart(db, tmp_path, monkeypatch, capsys):
    from data_access import cli

    neighbour = next(c for c in divisions(db, "community", "street_code = :s", s=GCQ)["XZQDM"] if c != TZL)
    far = "330105001051"
    rows = [[credit_code(), "同街道企业", "零售业", *map("{:.7f}".format, point_in(db, neighbour)), "台州路", "拱宸桥"],
            [credit_code(), "只填街道企业", "零售业", *map("{:.7f}".format, point_in(db, far)), "", "拱宸桥街道"],
            [credit_code(), "一致企业", "零售业", *map("{:.7f}".format, point_in(db, TZL)), "台州路社区", ""]]
    result = load(db, "enterprises", csv_bytes([HEAD, *rows]), name="places.csv")
    assert result.result == "loaded" and result.rows_written == 3
    assert [(w.row, w.reason) for w in result.warnings] == [(2, "point_other_community_kept"),
                                                            (3, "point_other_street_moved")]
    assert stored(db, rows[0][0])[0] == TZL and stored(db, rows[1][0])[0] == far
    # A street's operator whose row's point wins into another street: outside their area, refused.
    moved = load(db, "enterprises", csv_bytes([HEAD, rows[0]]), name="gcq.csv", org=GCQ, point_wins=True)
    assert moved.result == "loaded" and stored(db, rows[0][0])[0] == neighbour
    row = [credit_code(), "越界企业", "零售业", *map("{:.7f}".format, point_in(db, far)), "台州路社区", ""]
    refused = load(db, "enterprises", csv_bytes([HEAD, row]), name="gcq-far.csv", org=GCQ, point_wins=True)
    assert refused.result == "rejected" and [e.reason for e in refused.errors] == ["out_of_scope"]
    # The command line: --strict-places refuses in one line and writes the report beside the file.
    monkeypatch.setattr(cli, "get_engine", lambda: db)
    path = tmp_path / "企业.csv"
    path.write_bytes(csv_bytes([HEAD, row]))
    before = fingerprint(db)
    assert cli.main(["import", "enterprises", str(path), "--strict-places"]) == 4
    assert len(capsys.readouterr().err.strip().splitlines()) == 1 and fingerprint(db) == before
    report = (tmp_path / "企业.csv.errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(report) == 2 and report[1].startswith("2,经度,") and "另一个街道" in report[1]


# --- 8: the demo's outline in WGS-84, and how well new boundaries fit ------------------------------------

def test_the_demo_outline_is_the_shared_gcj02_outline_converted_and_the_cache_key_follows(db):
    raw, converted = district_outline_gcj02(), district_outline()
    xy = shapely.get_coordinates(raw)
    expected = np.column_stack(gcj02_to_wgs84(xy[:, 0], xy[:, 1]))
    assert np.abs(shapely.get_coordinates(converted) - expected).max() < 1e-12
    assert 0.003 < raw.centroid.x - converted.centroid.x < 0.006  # GCJ-02 lies about 450 m east here
    streets = (("s", ("c",)),)
    assert shape_cache.cache_key(raw.wkb, streets, 1) != shape_cache.cache_key(converted.wkb, streets, 1)
    with db.connect() as conn:
        apart = conn.execute(text(
            "SELECT ST_HausdorffDistance(ST_Transform(geom, 4549), ST_Transform(ST_GeomFromText(:w, 4326), 4549)),"
            " ST_HausdorffDistance(ST_Transform(geom, 4549), ST_Transform(ST_GeomFromText(:r, 4326), 4549))"
            " FROM district"), {"w": converted.wkt, "r": raw.wkt}).one()
    assert apart[0] < 0.01 and apart[1] > 300


def test_the_shared_outline_imported_as_gcj02_fits_the_demo_and_unconverted_does_not(db):
    feature = json.loads(Path("data_access/reference/gongshu_outline_approx.geojson").read_text(encoding="utf-8"))
    outline = [{"type": "Feature", "properties": {"adcode": 330105, "name": "拱墅区"},
                "geometry": feature["features"][0]["geometry"]}]  # DataV's shape: a bare array, GCJ-02
    content = json.dumps(outline, ensure_ascii=False).encode()
    fitted = load(db, "boundaries", content, name="datav.json", gcj02=True, check_only=True)
    assert fitted.result == "checked", (fitted.problem, fitted.errors)
    fit = shares(fitted.notes)
    assert fit["overlap"] >= 99.9 and fit["coverage"] == 100.0, fitted.notes
    unconverted = load(db, "boundaries", content, name="datav.json", check_only=True)
    off = shares(unconverted.notes)
    assert off["overlap"] < 95 and off["coverage"] < 100, unconverted.notes


def test_moved_communities_are_reported_with_their_overlap_and_the_enterprises_they_lose(db):
    communities = divisions(db, "community", "street_code = :s", s="330105009000")
    with db.connect() as conn:
        points = conn.execute(text("SELECT count(*) FROM enterprise WHERE community_code = ANY (:c)"
                                   " AND location IS NOT NULL"), {"c": list(communities["XZQDM"])}).scalar()
    assert points > 0
    same = load(db, "boundaries", communities.to_json().encode(), name="same.geojson", check_only=True)
    assert shares(same.notes) == {"overlap": 100.0, "coverage": 100.0}
    assert f"有坐标的 {points} 家企业中，{points} 家" in " ".join(same.notes)
    moved = communities.copy()
    moved["geometry"] = moved.geometry.translate(xoff=0.01)  # about 1 km east
    result = load(db, "boundaries", moved.to_json().encode(), name="moved.geojson", check_only=True)
    found = shares(result.notes)
    assert found["overlap"] < 100 and found["coverage"] < 100, result.notes


# --- 14: --crs for a GeoJSON without a crs member --------------------------------------------------------

def test_a_geojson_in_metres_without_a_crs_member_loads_with_the_crs_named(db):
    original = divisions(db, "community", "street_code = :s", s="330105010000").head(3)
    displace(db, "community", list(original["XZQDM"]))
    metres = json.loads(original.to_crs("EPSG:4549").to_json())
    metres.pop("crs", None)
    before = fingerprint(db)
    refused = load(db, "boundaries", json.dumps(metres).encode(), name="metres.geojson")
    assert refused.result == "rejected" and {e.reason for e in refused.errors} == {"boundary_far"}
    assert fingerprint(db) == before
    result = load(db, "boundaries", json.dumps(metres).encode(), name="metres.geojson", crs="EPSG:4549")
    assert result.result == "loaded", (result.problem, result.errors)
    assert result.notes[0] == "坐标系：EPSG:4549"
    assert worst_metres(db, "community", original) < 0.5
    typo = load(db, "boundaries", json.dumps(metres).encode(), name="metres.geojson", crs="EPSG:45490")
    assert typo.result == "rejected" and "EPSG:45490" in typo.problem


def test_a_datav_array_in_cgcs2000_takes_the_crs_named_and_a_stated_crs_is_named_too(db):
    original = divisions(db, "community", "street_code = :s", s="330105011000").head(2)
    displace(db, "community", list(original["XZQDM"]))
    cgcs = json.loads(original.to_crs("EPSG:4490").to_json())
    array = [{**f, "properties": {"adcode": int(f["properties"]["XZQDM"]), "name": f["properties"]["XZQMC"]}}
             for f in cgcs["features"]]
    result = load(db, "boundaries", json.dumps(array, ensure_ascii=False).encode(), name="datav.json",
                  crs="EPSG:4490")
    assert result.result == "loaded" and result.notes[0] == "坐标系：EPSG:4490"
    assert worst_metres(db, "community", original) < 0.5
    stated = json.loads(original.to_crs("EPSG:4549").to_json())
    assert "crs" in stated  # the file says metres; the operator names CGCS2000 anyway
    chosen = load(db, "boundaries", json.dumps(stated).encode(), name="stated.geojson", crs="EPSG:4490",
                  check_only=True)
    assert chosen.notes[0].startswith("坐标系：EPSG:4490（按导入时所填；文件中写的是 EPSG:4549")
