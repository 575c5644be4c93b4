"""What the map shows of enterprises: points by status, one enterprise's detail, its non-green staff."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, String, and_, case, column, func, literal, null, or_, select, table, union_all

from data_access.areas import in_scope
from data_access.enterprise_rows import ES, E, enterprises_in
from data_access.masking import mask_id_number, mask_phone
from data_access.tables import community, employment, enterprise, enterprise_stats, health_code, person, street
from domain.divisions import Scope

# The warnings module's figures, read through its view: which warned enterprises have had no warning given.
WARNING_STATE = table("enterprise_warning_state", column("credit_code"), column("stage"))


def enterprise_points(conn: Connection, scope: Scope, day: date | None = None) -> list[dict]:
    """Every enterprise in scope with its location, status and warning stage (None: no open warning), for the
    map's point layer; with a past day, its status at the end of that day (and no warning stage)."""
    stats = enterprise_stats if day is None else (
        func.enterprise_stats_as_of(day).table_valued(*enterprise_stats.c.keys()).alias("stats"))
    # Only a warned enterprise can lack a warning given: the view is asked for those few, not for all.
    stage = null() if day is not None else case((stats.c.status == "warned", select(WARNING_STATE.c.stage).where(
        WARNING_STATE.c.credit_code == E.credit_code).scalar_subquery()))
    query = (
        select(E.credit_code, E.name, E.community_code, stats.c.status, stats.c.employees_red,
               stats.c.employees_yellow, stats.c.employees_total, func.ST_X(E.location).label("lon"),
               func.ST_Y(E.location).label("lat"), stage.label("stage"))
        .join(stats, stats.c.credit_code == E.credit_code)
        .where(in_scope(E.community_code, scope), E.location.is_not(None))
        .order_by(E.credit_code)
    )
    result = conn.execute(query)  # thousands of rows: zipped with the names, not a mapping built per row
    names = list(result.keys())
    return [dict(zip(names, row, strict=True)) for row in result]


def enterprise_detail(conn: Connection, scope: Scope, credit_code: str) -> dict | None:
    """One enterprise with its counts, or None when it is not in scope (or does not exist)."""
    query = enterprises_in(scope).add_columns(
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
        .where(and_(employment.c.credit_code == credit_code, in_scope(E.community_code, scope)))
        .where(or_(health_code.c.colour.is_(None), health_code.c.colour != "green"))
        .order_by(func.array_position(["red", "yellow", "none"], colour), person.c.name)
    )
    rows = [dict(r) for r in conn.execute(query).mappings()]
    if not masked:
        return rows
    return [{**r, "id_number": mask_id_number(r["id_number"]), "phone": mask_phone(r["phone"])} for r in rows]


SEVERITY = ["warned", "caution", "incomplete", "cleared"]  # the order an official works through a list


def community_enterprises(conn: Connection, scope: Scope, limit: int) -> tuple[list[dict], int]:
    """The first `limit` enterprises of the area, warned first, most red staff first; and how many there are."""
    query = (
        select(E.credit_code, E.name, E.community_code, ES.status, ES.employees_red, ES.employees_total,
               func.count().over().label("_total"))
        .join(enterprise_stats, ES.credit_code == E.credit_code)
        .where(in_scope(E.community_code, scope))
        .order_by(func.array_position(SEVERITY, ES.status), ES.employees_red.desc(), E.name, E.credit_code)
        .limit(limit)
    )
    rows = [dict(r) for r in conn.execute(query).mappings()]
    return [{k: v for k, v in r.items() if k != "_total"} for r in rows], (rows[0]["_total"] if rows else 0)


def find_places(conn: Connection, scope: Scope, term: str, limit: int = 10) -> list[dict]:
    """Streets, communities and enterprises of the area whose name holds `term` (or whose credit code starts
    with it): exact names first, then names that start with it, then the shortest. Each: kind, code, name,
    community (a community's or enterprise's community code), where (the street or community it lies in)."""
    term = term.strip()
    if not term:
        return []
    found = [
        select(literal("community").label("kind"), community.c.code, community.c.name,
               community.c.code.label("community"), street.c.name.label("place"))
        .join(street, street.c.code == community.c.street_code)
        .where(in_scope(community.c.code, scope), community.c.name.icontains(term, autoescape=True)),
        select(literal("enterprise"), E.credit_code, E.name, E.community_code, community.c.name)
        .join(community, community.c.code == E.community_code)
        .where(in_scope(E.community_code, scope),
               or_(E.name.icontains(term, autoescape=True), E.credit_code.startswith(term.upper(), autoescape=True))),
    ]
    if scope.level != "community":  # a community's user has no street to open
        found.append(select(literal("street"), street.c.code, street.c.name, literal(None, String), literal(""))
                     .where(street.c.code.like(scope.prefix[:9] + "%"),
                            street.c.name.icontains(term, autoescape=True)))
    places = union_all(*found).subquery()
    p = places.c
    rank = case((p.name == term, 0), (p.code == term.upper(), 0), (p.name.startswith(term, autoescape=True), 1),
                else_=2)
    kind_order = case((p.kind == "street", 0), (p.kind == "community", 1), else_=2)
    query = select(p.kind, p.code, p.name, p.community, p.place).order_by(
        rank, kind_order, func.length(p.name), p.code).limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]
