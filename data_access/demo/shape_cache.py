"""The demo district's polygons, computed once: in this process, and across runs in .sansetu/cache/.

The tessellation (geo.tessellation) takes a second or more and depends only on the outline, the streets
and their communities, and the seed, never on the demo's scale or data seed. A cached result is the same
geometry bit for bit (stored as WKB); a cache file that cannot be read is ignored and written again.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.errors import ShapelyError
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry

from geo import crs, tessellation
from geo.tessellation import Tessellation, tessellate

CACHE_DIR = Path(__file__).resolve().parents[2] / ".sansetu" / "cache"
# Bump when the file format changes. The key also holds the source of the tessellation code and the
# versions of the libraries it calls, so an edit there cannot bring back polygons drawn the old way.
CACHE_VERSION = 1

Streets = tuple[tuple[str, tuple[str, ...]], ...]


def demo_tessellation(
    outline: BaseGeometry, street_communities: dict[str, list[str]], seed: int, cache_dir: Path | None = CACHE_DIR
) -> Tessellation:
    """tessellate(outline, street_communities, seed), from a cache when it was computed before.

    cache_dir=None keeps the result in this process only.
    """
    streets = tuple((street, tuple(codes)) for street, codes in street_communities.items())
    found = _memo(outline.wkb, streets, seed, cache_dir)
    # Fresh dicts for every caller: the cached ones are never changed by anyone.
    return Tessellation(dict(found.streets), dict(found.communities))


def clear_memo() -> None:
    """Forget the results kept in this process (the files stay)."""
    _memo.cache_clear()


@functools.lru_cache(maxsize=4)
def _memo(outline_wkb: bytes, streets: Streets, seed: int, cache_dir: Path | None) -> Tessellation:
    try:
        key = cache_key(outline_wkb, streets, seed)
    except OSError:  # no source to hash (an install without .py files): keep the result in memory only
        key, cache_dir = "", None
    path = cache_dir / f"tessellation-{key}.json" if cache_dir else None
    found = _read(path, key, streets) if path else None
    if found is None:
        found = tessellate(shapely.from_wkb(outline_wkb), {s: list(c) for s, c in streets}, seed)
        if path:
            _write(path, key, found)
    return found


def cache_key(outline_wkb: bytes, streets: Streets, seed: int) -> str:
    """A hash of every input of the tessellation, the code that computes it and the libraries it uses."""
    inputs = {
        "version": CACHE_VERSION, "seed": seed, "streets": streets, "outline": outline_wkb.hex(),
        "code": [inspect.getsource(module) for module in (tessellation, crs)],
        "libraries": [shapely.__version__, shapely.geos_version_string, np.__version__, pyproj.__version__,
                      pyproj.proj_version_str],
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:32]


def _read(path: Path, key: str, streets: Streets) -> Tessellation | None:
    """The stored result, or None when the file is missing, unreadable or not for these streets."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored["key"] != key:
            return None
        result = Tessellation(
            {code: shapely.from_wkb(bytes.fromhex(h)) for code, h in stored["streets"].items()},
            {code: shapely.from_wkb(bytes.fromhex(h)) for code, h in stored["communities"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ShapelyError):
        return None
    shapes = [*result.streets.values(), *result.communities.values()]
    if (list(result.streets) != [s for s, _ in streets]
            or list(result.communities) != [c for _, codes in streets for c in codes]
            or not all(isinstance(g, MultiPolygon) for g in shapes)):
        return None
    return result


def _write(path: Path, key: str, result: Tessellation) -> None:
    """Write to a temporary file beside path, then rename: a reader never sees half a file. Best effort."""
    body = json.dumps({
        "key": key,
        "streets": {code: g.wkb_hex for code, g in result.streets.items()},
        "communities": {code: g.wkb_hex for code, g in result.communities.items()},
    })
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(body)
        os.replace(temporary, path)
    except OSError:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
