"""Reading a boundary file into its layers: GeoJSON (also DataV's bare array of features), a GeoPackage
(every spatial layer), or a zip of any of these and Shapefiles (every layer it holds, each named as the
archive names it). The boundaries kind decides what to do with several layers; nothing here picks one.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pyogrio

from data_access.importing.base import FileProblem

GEOJSON = (".geojson", ".json")


@dataclass(frozen=True)
class Layer:
    name: str  # as the operator knows it: the member of the archive, with the layer of a GeoPackage
    frame: gpd.GeoDataFrame  # in the file's CRS (WGS-84 for a GeoJSON that states none)
    stated: bool  # the file states its CRS (a .prj, a GeoJSON "crs" member, a GeoPackage's SRS)
    file_format: str


def read_layers(content: bytes) -> list[Layer]:
    """Every layer of the file, in the archive's order; a FileProblem when it cannot be read."""
    with tempfile.TemporaryDirectory(prefix="sansetu-boundary-") as folder:
        root = Path(folder)
        if content[:4] == b"PK\x03\x04":
            return [layer for name, path in _unzip(content, root) for layer in _layers_of(path, name)]
        if content[:16] == b"SQLite format 3\x00":
            (root / "upload.gpkg").write_bytes(content)
            return _layers_of(root / "upload.gpkg", "")
        (root / "upload.geojson").write_bytes(content)
        return _layers_of(root / "upload.geojson", "")


def _unzip(content: bytes, root: Path) -> list[tuple[str, Path]]:
    """The layers' files of the archive, each as (its name in the archive, where it was extracted).

    Members keep their folder's grouping (a Shapefile's parts must sit together) under numbered folders:
    no path from the archive is trusted.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = [(_member_name(i), i) for i in archive.infolist()
                       if not i.is_dir() and "__MACOSX" not in i.filename]
            folders = {str(PurePosixPath(n).parent) for n, _ in members}
            number = {f: str(i) for i, f in enumerate(sorted(folders))}
            found = []
            for name, info in members:
                target = root / number[str(PurePosixPath(name).parent)] / PurePosixPath(name).name
                target.parent.mkdir(exist_ok=True)
                target.write_bytes(archive.read(info))
                found.append((name, target))
    except zipfile.BadZipFile as exc:
        raise FileProblem("import.file.zip") from exc
    layers = [(name, path) for name, path in found if path.suffix.lower() in (".shp", ".gpkg", *GEOJSON)]
    if not layers:
        raise FileProblem("import.file.zip_contents")
    for name, path in layers:
        if path.suffix.lower() == ".shp":
            missing = [s for s in (".shx", ".dbf") if not _part(path, s).exists()]
            if missing:
                raise FileProblem("import.file.shapefile_parts", parts=f"{name}：" + "、".join(missing))
    return layers


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: Windows' zip tools write GBK names without saying so."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.filename


def _part(shp: Path, suffix: str) -> Path:
    lower = shp.with_suffix(suffix)
    return lower if lower.exists() else shp.with_suffix(suffix.upper())


def _layers_of(path: Path, name: str) -> list[Layer]:
    suffix = path.suffix.lower()
    if suffix == ".gpkg":
        spatial = [str(n) for n, geometry in _listed(path) if geometry]
        shown = [f"{name}:{n}" if name else n for n in spatial]
        return [Layer(s, frame, frame.crs is not None, "GeoPackage")
                for s, frame in ((s, _read_frame(path, layer=n)) for s, n in zip(shown, spatial, strict=True))]
    if suffix in GEOJSON:
        data = _feature_collection(path.read_bytes())
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return [Layer(name or "GeoJSON", _read_frame(path), "crs" in data, "GeoJSON")]
    frame = _read_frame(path)
    return [Layer(name, frame, frame.crs is not None, "Shapefile")]


def _listed(path: Path) -> list:
    try:
        return list(pyogrio.list_layers(path))
    except Exception as exc:  # a damaged GeoPackage: GDAL's own exception types
        raise FileProblem("import.file.gis", reason=str(exc).splitlines()[0][:200]) from exc


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


def _read_frame(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    try:
        if path.suffix.lower() == ".shp" and not _part(path, ".cpg").exists():
            try:  # no code page given: UTF-8, else what Chinese GIS software writes
                return gpd.read_file(path, engine="pyogrio", encoding="utf-8")
            except UnicodeDecodeError:
                return gpd.read_file(path, engine="pyogrio", encoding="gb18030")
        return gpd.read_file(path, engine="pyogrio", layer=layer)
    except Exception as exc:  # GDAL reports damaged files with many exception types
        raise FileProblem("import.file.gis", reason=str(exc).splitlines()[0][:200]) from exc
