"""The enterprise table: filtered, sorted, paged, streamed for exports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, Select, func, or_, select

from data_access.areas import in_scope
from data_access.enterprise_rows import COLUMNS, ES, E, enterprises_in
from domain.divisions import Scope
from domain.registers import STATUSES

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
    query = enterprises_in(scope)
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
    query = (select(E.industry).where(in_scope(E.community_code, scope))
             .group_by(E.industry).order_by(func.count().desc()))
    return list(conn.execute(query).scalars())


def enterprise_community(conn: Connection, scope: Scope, credit_code: str) -> str | None:
    """The community of an enterprise in scope (None when it is not in scope or does not exist)."""
    query = select(E.community_code).where(E.credit_code == credit_code, in_scope(E.community_code, scope))
    return conn.execute(query).scalar()
