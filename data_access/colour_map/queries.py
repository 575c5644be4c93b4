"""What the map shows of enterprises: points by status, one enterprise's detail, its non-green staff."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, and_, case, column, func, null, or_, select, table

from data_access.enterprise_rows import E, enterprises_in
from data_access.masking import mask_id_number, mask_phone
from data_access.tables import community, employment, enterprise, enterprise_stats, health_code, person
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
        .where(E.community_code.like(scope.prefix + "%"), E.location.is_not(None))
        .order_by(E.credit_code)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


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
        .where(and_(employment.c.credit_code == credit_code, E.community_code.like(scope.prefix + "%")))
        .where(or_(health_code.c.colour.is_(None), health_code.c.colour != "green"))
        .order_by(func.array_position(["red", "yellow", "none"], colour), person.c.name)
    )
    rows = [dict(r) for r in conn.execute(query).mappings()]
    if not masked:
        return rows
    return [{**r, "id_number": mask_id_number(r["id_number"]), "phone": mask_phone(r["phone"])} for r in rows]
