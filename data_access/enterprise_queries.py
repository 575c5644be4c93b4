"""Enterprises in an area: the table (filtered, sorted, paged), points for the map, one enterprise's detail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, Select, and_, func, or_, select

from data_access.masking import mask_id_number, mask_phone
from data_access.scope import Scope
from data_access.tables import (
    STATUSES,
    community,
    employment,
    enterprise,
    enterprise_stats,
    health_code,
    person,
    street,
)

E, ES = enterprise.c, enterprise_stats.c
COLUMNS = {
    "credit_code": E.credit_code,
    "name": E.name,
    "street_name": street.c.name,
    "community_name": community.c.name,
    "industry": E.industry,
    "address": E.address,
    "employees_green": ES.employees_green,
    "employees_yellow": ES.employees_yellow,
    "employees_red": ES.employees_red,
    "employees_none": ES.employees_none,
    "employees_total": ES.employees_total,
    "status": ES.status,
}
MAX_PAGE = 500


class BadFilter(ValueError):
    """A filter or sort the table does not offer (a crafted request); the message names the field."""


@dataclass(frozen=True)
class EnterpriseFilter:
    statuses: tuple[str, ...] = ()
    industry: str | None = None
    search: str | None = None
    sort: tuple[tuple[str, str], ...] = field(default=())  # (column, "asc" | "desc")

    def __post_init__(self) -> None:
        if any(s not in STATUSES for s in self.statuses):
            raise BadFilter("status")
        if any(c not in COLUMNS or d not in ("asc", "desc") for c, d in self.sort):
            raise BadFilter("sort")
        if self.search is not None and len(self.search) > 100:
            raise BadFilter("search")


def _base(scope: Scope, flt: EnterpriseFilter) -> Select:
    query = (
        select(*[c.label(k) for k, c in COLUMNS.items()])
        .select_from(enterprise)
        .join(enterprise_stats, ES.credit_code == E.credit_code)
        .join(community, community.c.code == E.community_code)
        .join(street, street.c.code == community.c.street_code)
        .where(E.community_code.like(scope.prefix + "%"))
    )
    if flt.statuses:
        query = query.where(ES.status.in_(flt.statuses))
    if flt.industry:
        query = query.where(E.industry == flt.industry)
    if flt.search and flt.search.strip():
        term = flt.search.strip()  # autoescape: % and _ typed by a user match themselves, not anything
        query = query.where(or_(E.name.icontains(term, autoescape=True),
                                E.credit_code.startswith(term.upper(), autoescape=True)))
    return query


def _ordered(query: Select, flt: EnterpriseFilter) -> Select:
    order = [COLUMNS[c].desc() if d == "desc" else COLUMNS[c].asc() for c, d in flt.sort]
    return query.order_by(*order, E.credit_code)


def enterprise_page(conn: Connection, scope: Scope, flt: EnterpriseFilter, offset: int, limit: int
                    ) -> tuple[list[dict], int]:
    """One page of the enterprise table and the number of rows under the filter."""
    limit = max(1, min(int(limit), MAX_PAGE))
    offset = max(0, int(offset))
    base = _base(scope, flt)
    # One pass: the sort reads every row anyway, so the window count costs nothing more.
    paged = _ordered(base.add_columns(func.count().over().label("_total")), flt).offset(offset).limit(limit)
    rows = [dict(r) for r in conn.execute(paged).mappings()]
    if not rows:  # past the end: count on its own
        return [], conn.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    total = rows[0]["_total"]
    return [{k: v for k, v in r.items() if k != "_total"} for r in rows], total


def enterprise_rows(conn: Connection, scope: Scope, flt: EnterpriseFilter) -> Iterator[dict]:
    """Every row under the filter, in order, streamed (for exports)."""
    result = conn.execution_options(stream_results=True, yield_per=2000).execute(_ordered(_base(scope, flt), flt))
    for row in result.mappings():
        yield dict(row)


def industries(conn: Connection, scope: Scope) -> list[str]:
    query = (select(E.industry).where(E.community_code.like(scope.prefix + "%"))
             .group_by(E.industry).order_by(func.count().desc()))
    return list(conn.execute(query).scalars())


def enterprise_points(conn: Connection, scope: Scope) -> list[dict]:
    """Every enterprise in scope with its location and status, for the map's point layer."""
    query = (
        select(E.credit_code, E.name, E.community_code, ES.status, ES.employees_red, ES.employees_yellow,
               ES.employees_total, func.ST_X(E.location).label("lon"), func.ST_Y(E.location).label("lat"))
        .join(enterprise_stats, ES.credit_code == E.credit_code)
        .where(E.community_code.like(scope.prefix + "%"), E.location.is_not(None))
        .order_by(E.credit_code)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def enterprise_detail(conn: Connection, scope: Scope, credit_code: str) -> dict | None:
    """One enterprise with its counts, or None when it is not in scope (or does not exist)."""
    query = _base(scope, EnterpriseFilter()).add_columns(
        E.community_code, community.c.street_code,
        func.ST_X(E.location).label("lon"), func.ST_Y(E.location).label("lat"),
    ).where(E.credit_code == credit_code)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def non_green_employees(conn: Connection, scope: Scope, credit_code: str, masked: bool = True) -> list[dict]:
    """Employees of an enterprise in scope whose code is not green (or missing).

    Red first, then yellow, then no record; ID numbers and phones masked unless masked=False (a reveal,
    which the caller must be allowed and must log).
    """
    colour = func.coalesce(health_code.c.colour, "none")
    query = (
        select(person.c.name, person.c.id_number, person.c.phone, colour.label("colour"),
               health_code.c.changed_at)
        .select_from(employment)
        .join(enterprise, E.credit_code == employment.c.credit_code)
        .join(person, person.c.id_number == employment.c.id_number)
        .outerjoin(health_code, health_code.c.id_number == person.c.id_number)
        .where(and_(employment.c.credit_code == credit_code, E.community_code.like(scope.prefix + "%")))
        .where(or_(health_code.c.colour.is_(None), health_code.c.colour != "green"))
        .order_by(func.array_position(["red", "yellow", "none"], colour), person.c.name)
    )
    rows = [dict(r) for r in conn.execute(query).mappings()]
    if not masked:
        return rows
    return [{**r, "id_number": mask_id_number(r["id_number"]), "phone": mask_phone(r["phone"])} for r in rows]
