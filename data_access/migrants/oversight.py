"""Oversight of new residents: migrants and rental houses per community and street, density per km², houses
without a tenant, declarations waiting more than a day, the four pilots' roll-out over time, and a
community's rental-house register for the police. Every query takes the caller's area."""

from __future__ import annotations

from sqlalchemy import Connection, text

from data_access.masking import mask_id_number, mask_phone
from domain.divisions import Scope
from domain.migrants import PILOT_NAMES

# The counts once (MATERIALIZED): the area's policies make the planner expect one row and loop over the
# aggregates once a community otherwise (2 s at full scale).
COMMUNITIES = """
WITH k AS MATERIALIZED (SELECT * FROM migrant_community_counts WHERE community_code LIKE :prefix)
SELECT s.code AS street_code, s.name AS street, c.code AS community_code, c.name,
       k.migrants, k.houses, k.empty_houses, k.waiting, k.waiting_over_day,
       round((k.migrants / greatest(ST_Area(c.geom::geography) / 1e6, 0.01))::numeric, 0)::int AS density
FROM k JOIN community c ON c.code = k.community_code
JOIN street s ON s.code = c.street_code
WHERE c.code LIKE :prefix ORDER BY s.code, c.code"""


def communities(conn: Connection, scope: Scope) -> list[dict]:
    """Per community of the area: migrants (living in a house), houses, houses without a tenant, waiting
    declarations (and those waiting more than a day), migrants per km²."""
    return [dict(r) for r in conn.execute(text(COMMUNITIES), {"prefix": scope.prefix + "%"}).mappings()]


def streets(rows: list[dict]) -> list[dict]:
    """The communities' rows summed per street."""
    out: dict[str, dict] = {}
    for r in rows:
        s = out.setdefault(r["street_code"], {"street_code": r["street_code"], "street": r["street"], "migrants": 0,
                                              "houses": 0, "empty_houses": 0, "waiting": 0, "waiting_over_day": 0})
        for key in ("migrants", "houses", "empty_houses", "waiting", "waiting_over_day"):
            s[key] += r[key]
    return list(out.values())


def rollout(conn: Connection, scope: Scope) -> list[dict]:
    """Migrants registered per week (Monday of the Beijing day): the four pilot communities apart from the rest
    of the area. Read from the counts per community and day that PostgreSQL keeps (migration 0016_mgfix), by the
    range of the area's codes (an index condition under row-level security), not from the register."""
    low, high = scope.bounds
    rows = conn.execute(text("""
        SELECT date_trunc('week', d.day)::date AS week, (c.name = ANY (:pilots)) AS pilot, sum(d.migrants)::int AS n
        FROM mg_registered_daily d JOIN community c ON c.code = d.community_code
        WHERE d.community_code >= :low AND d.community_code < :high AND d.community_code LIKE :prefix
        GROUP BY 1, 2 HAVING sum(d.migrants) > 0 ORDER BY 1, 2"""),
        {"low": low, "high": high, "prefix": scope.prefix + "%", "pilots": list(PILOT_NAMES)}).mappings()
    return [dict(r) for r in rows]


def map_areas(conn: Connection, scope: Scope) -> list[dict]:
    """Each community of the area with its street's name and its display outline (GeoJSON text), for the map."""
    rows = conn.execute(text("""
        SELECT c.code, c.name, s.name AS street_name, c.geojson FROM community c
        JOIN street s ON s.code = c.street_code WHERE c.code LIKE :prefix ORDER BY c.code"""),
        {"prefix": scope.prefix + "%"}).mappings()
    return [dict(r) for r in rows]


def house_register(conn: Connection, community_code: str) -> list[dict]:
    """A community's rental houses with their landlords and current tenants (ID numbers and phones masked)."""
    rows = conn.execute(text("""
        SELECT h.house_code, h.address, h.rooms, h.capacity, ST_Y(h.location) AS lat, ST_X(h.location) AS lon,
               l.name AS landlord, l.id_number AS landlord_id, l.phone AS landlord_phone,
               (SELECT count(*) FROM mg_migrant m WHERE m.house_id = h.id)::int AS tenants,
               (SELECT string_agg(m.name, '、' ORDER BY m.name) FROM mg_migrant m WHERE m.house_id = h.id) AS names
        FROM mg_house h JOIN mg_landlord l ON l.id = h.landlord_id
        WHERE h.community_code = :c ORDER BY h.address, h.house_code"""), {"c": community_code}).mappings()
    return [{**dict(r), "landlord_id": mask_id_number(r["landlord_id"]),
             "landlord_phone": mask_phone(r["landlord_phone"])} for r in rows]


def community_name(conn: Connection, code: str) -> str | None:
    return conn.execute(text("SELECT name FROM community WHERE code = :c"), {"c": code}).scalar()
