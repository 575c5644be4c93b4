"""Illustrative demo boundaries: split a district outline into communities grouped into streets.

No public community polygons exist for the demo district, so we generate them: a centroidal Voronoi
tessellation of the outline gives communities of similar size, and recursive bisection groups them
into streets. Every street is the exact union of its communities and is checked to be contiguous.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geo.crs import HANGZHOU_METRIC, WGS84, reproject

GRID_M = 0.01  # snap to 1 cm so that neighbours share their edges exactly
ATTEMPTS = 20


@dataclass(frozen=True)
class Tessellation:
    streets: dict[str, MultiPolygon]  # street code -> polygon (lon/lat)
    communities: dict[str, MultiPolygon]  # community code -> polygon (lon/lat)


def tessellate(
    outline: BaseGeometry, street_communities: dict[str, list[str]], seed: int = 2020
) -> Tessellation:
    """Split outline (lon/lat) into one polygon per community, streets being unions of their communities.

    street_communities maps street codes, in order from the south of the district to the north, to the
    codes of their communities. A draw that leaves a street in two pieces is drawn again.
    """
    rng = np.random.default_rng(seed)
    area = reproject(outline, WGS84, HANGZHOU_METRIC)
    n = sum(len(c) for c in street_communities.values())
    for _ in range(ATTEMPTS):
        cells = _centroidal_voronoi(area, n, rng)
        groups = _bisect(cells, [len(c) for c in street_communities.values()])
        unions = [shapely.union_all([cells[i] for i in g], grid_size=GRID_M) for g in groups]
        if all(isinstance(u, Polygon) for u in unions):
            break
    else:
        raise ValueError(f"no contiguous streets after {ATTEMPTS} draws")
    streets: dict[str, MultiPolygon] = {}
    communities: dict[str, MultiPolygon] = {}
    for (street, codes), members, union in zip(street_communities.items(), groups, unions, strict=True):
        streets[street] = _to_lonlat(union)
        members = sorted(members, key=lambda i: (-cells[i].centroid.y, cells[i].centroid.x))
        for code, i in zip(codes, members, strict=True):
            communities[code] = _to_lonlat(cells[i])
    return Tessellation(streets, communities)


def _to_lonlat(geom: BaseGeometry) -> MultiPolygon:
    geom = reproject(geom, HANGZHOU_METRIC, WGS84)
    return geom if isinstance(geom, MultiPolygon) else MultiPolygon([geom])


def random_points_in(geom: BaseGeometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """Return count points (x, y) drawn uniformly from the interior of geom."""
    minx, miny, maxx, maxy = geom.bounds
    found: list[np.ndarray] = [np.empty((0, 2))]
    total = 0
    shapely.prepare(geom)
    while total < count:
        batch = max(64, 2 * (count - total))
        xy = np.column_stack([rng.uniform(minx, maxx, batch), rng.uniform(miny, maxy, batch)])
        inside = xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]
        found.append(inside)
        total += len(inside)
    return np.concatenate(found)[:count]


def _centroidal_voronoi(area: BaseGeometry, n: int, rng: np.random.Generator) -> list[Polygon]:
    """Lloyd's k-means over sample points, then Voronoi cells clipped to area, one polygon each."""
    samples = random_points_in(area, 60 * n, rng)
    centres = samples[rng.choice(len(samples), n, replace=False)]
    for _ in range(40):
        nearest = _nearest(samples, centres)
        for k in range(n):
            members = samples[nearest == k]
            if len(members):
                centres[k] = members.mean(axis=0)
    voronoi = shapely.voronoi_polygons(shapely.MultiPoint(centres), extend_to=area.buffer(1000))
    cells = [_cell_for(centre, voronoi.geoms) for centre in centres]
    clipped = [shapely.intersection(cell, area, grid_size=GRID_M) for cell in cells]
    return _merge_fragments(clipped)


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    d2 = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    return d2.argmin(axis=1)


def _cell_for(centre: np.ndarray, cells) -> Polygon:
    point = shapely.Point(centre)
    return next(cell for cell in cells if cell.covers(point))


def _merge_fragments(pieces: list[BaseGeometry]) -> list[Polygon]:
    """Keep each cell's largest part; give every smaller part to the neighbour it shares most edge with."""
    main = [max(_parts(p), key=lambda g: g.area) for p in pieces]
    for i, piece in enumerate(pieces):
        for frag in _parts(piece):
            if frag is main[i]:
                continue
            shared = [
                (frag.boundary.intersection(m.boundary).length, j)
                for j, m in enumerate(main)
                if j != i
            ]
            _, j = max(shared)
            main[j] = shapely.union(main[j], frag, grid_size=GRID_M)
    return main


def _parts(geom: BaseGeometry) -> list[Polygon]:
    return [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon) and not g.is_empty]


def _bisect(cells: list[Polygon], sizes: list[int]) -> list[list[int]]:
    """Recursive coordinate bisection of cells into groups of the given sizes, in the order given.

    Each split cuts along the longer axis of the group's extent; the first sizes go to the south or west.
    """
    centroids = np.array([[c.centroid.x, c.centroid.y] for c in cells])

    def split(members: list[int], sizes: list[int]) -> list[list[int]]:
        if len(sizes) == 1:
            return [members]
        half = len(sizes) // 2
        first = sum(sizes[:half])
        xy = centroids[members]
        axis = int(np.ptp(xy[:, 1]) > np.ptp(xy[:, 0]))
        order = [members[i] for i in np.argsort(xy[:, axis], kind="stable")]
        return split(order[:first], sizes[:half]) + split(order[first:], sizes[half:])

    return split(list(range(len(cells))), sizes)
