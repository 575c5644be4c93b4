"""The oversight map's layers of new residents: the area's rental houses and migrants counted in square cells
(PostGIS groups them; the browser gets a thousand cells, not 60,000 houses), and one community's rental houses
as points with their tenants against what their rooms hold (landlord masked). Every query takes the area."""

from __future__ import annotations

import math

from sqlalchemy import Connection, text

from data_access.masking import mask_name
from domain.divisions import Scope
from domain.migrants import DENSITY_CELL_M, occupancy

METRES_PER_DEGREE = 111_320.0
DISTRICT_LAT = 30.32  # the cells' width in degrees of longitude is set at the district's latitude

# Houses and their tenants (kept on the house by PostgreSQL, migration 0014) per cell: one pass over the houses.
CELLS = """
SELECT floor(ST_X(h.location) / :dx)::int AS i, floor(ST_Y(h.location) / :dy)::int AS j,
       count(*)::int AS houses, sum(h.tenants)::int AS migrants
FROM mg_house h WHERE h.community_code LIKE :prefix
GROUP BY 1, 2"""

HOUSES = """
SELECT h.house_code, h.address, h.capacity, round(ST_X(h.location)::numeric, 5)::float AS lon,
       round(ST_Y(h.location)::numeric, 5)::float AS lat, l.name AS landlord, h.tenants
FROM mg_house h JOIN mg_landlord l ON l.id = h.landlord_id
WHERE h.community_code = :c AND h.community_code LIKE :prefix
ORDER BY h.house_code"""


def cell_size(metres: int = DENSITY_CELL_M) -> tuple[float, float]:
    """A cell's width and height in degrees (about `metres` a side in the district)."""
    dy = metres / METRES_PER_DEGREE
    return dy / math.cos(math.radians(DISTRICT_LAT)), dy


def density_cells(conn: Connection, scope: Scope, metres: int = DENSITY_CELL_M) -> list[dict]:
    """The area's houses and migrants (living in them) per cell: the cell's centre (5 decimals) and counts."""
    dx, dy = cell_size(metres)
    rows = conn.execute(text(CELLS), {"dx": dx, "dy": dy, "prefix": scope.prefix + "%"}).mappings()
    return [{"lon": round((r["i"] + 0.5) * dx, 5), "lat": round((r["j"] + 0.5) * dy, 5), "houses": r["houses"],
             "migrants": r["migrants"]} for r in rows]


def community_houses(conn: Connection, scope: Scope, community_code: str) -> list[dict]:
    """One community's rental houses (none outside the area): point, address, sticker code, the landlord's name
    masked, tenants, capacity and occupancy (empty, within, over)."""
    rows = conn.execute(text(HOUSES), {"c": community_code, "prefix": scope.prefix + "%"}).mappings()
    return [{**dict(r), "landlord": mask_name(r["landlord"]), "occupancy": occupancy(r["tenants"], r["capacity"])}
            for r in rows]


def data_version(conn: Connection) -> str:
    """Moves with every write of rental houses, landlords or migrants (migration 0015_door): the cache key of
    the oversight map's answers."""
    return str(conn.execute(text("SELECT version FROM mg_data_version")).scalar_one())
