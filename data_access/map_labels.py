"""The text the map's labels draw: the names of the communities and streets, for the label font's glyphs."""

from __future__ import annotations

from sqlalchemy import Connection, select, union

from data_access.areas import in_scope
from data_access.tables import community, street
from domain.divisions import Scope


def label_names(conn: Connection, scope: Scope) -> list[str]:
    """Names of the communities and streets in scope, sorted and without repeats."""
    query = union(
        select(community.c.name).where(in_scope(community.c.code, scope)),
        select(street.c.name).where(in_scope(street.c.code, scope)),
    )
    return sorted(conn.execute(query).scalars())
