"""Divisions by code: names, street outlines, the streets of an area."""

from __future__ import annotations

from sqlalchemy import Connection, and_, select

from data_access.tables import community, district, street
from domain.divisions import Scope


def in_scope(code_column, scope: Scope):
    """The condition that a division-code column lies in the scope's area: a range of codes as well as the
    prefix. Under row-level security PostgreSQL may use only leakproof operators as index conditions; LIKE
    is not one, the range is, so the area is read from the column's index instead of testing every row of
    the table (the community step read all 272,270 enterprises of the scale-10 city, twice)."""
    low, high = scope.bounds
    return and_(code_column >= low, code_column < high, code_column.like(scope.prefix + "%"))


def street_codes(conn: Connection, scope: Scope) -> list[str]:
    """Codes of the streets that hold communities in scope, in code order."""
    query = select(street.c.code).where(street.c.code.like(scope.prefix[:9] + "%")).order_by(street.c.code)
    return list(conn.execute(query).scalars())


def street_outlines(conn: Connection, scope: Scope) -> list[dict]:
    """Streets that hold communities in scope: code, name, display GeoJSON."""
    query = (
        select(street.c.code, street.c.name, street.c.geojson)
        .where(in_scope(street.c.code, Scope(scope.code[:9] + "000")) if scope.level != "district"
               else in_scope(street.c.code, scope))
        .order_by(street.c.code)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def area_name(conn: Connection, scope: Scope) -> str:
    """拱墅区, 拱宸桥街道 or 拱宸桥街道台州路社区 for the scope's code ('' when the code is unknown)."""
    if scope.level == "district":
        return conn.execute(select(district.c.name).where(district.c.code == scope.code)).scalar() or ""
    street_name = conn.execute(select(street.c.name).where(street.c.code == scope.code[:9] + "000")).scalar()
    if scope.level == "street":
        return street_name or ""
    name = conn.execute(select(community.c.name).where(community.c.code == scope.code)).scalar()
    return f"{street_name or ''}{name or ''}"
