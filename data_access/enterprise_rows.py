"""An enterprise with its names and maintained counts: the select the map's detail and the table start from."""

from __future__ import annotations

from sqlalchemy import Select, select

from data_access.areas import in_scope
from data_access.tables import community, enterprise, enterprise_stats, street
from domain.divisions import Scope

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


def enterprises_in(scope: Scope) -> Select:
    """Every enterprise of the area with its street, community and counts (one row each)."""
    return (
        select(*[c.label(k) for k, c in COLUMNS.items()])
        .select_from(enterprise)
        .join(enterprise_stats, ES.credit_code == E.credit_code)
        .join(community, community.c.code == E.community_code)
        .join(street, street.c.code == community.c.street_code)
        .where(in_scope(E.community_code, scope))
    )
