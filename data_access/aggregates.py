"""The maintained aggregates every view reads: communities with their counts, area and street totals,
the data's time and version, the 30-day colour trend. Shared by the map, statistics and the big screen."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Connection, Date, Float, cast, column, func, literal, select, table, text

from data_access.areas import in_scope
from data_access.tables import COLOURS, community, community_stats, managed_counts, street
from domain.clock import BEIJING_ZONE
from domain.divisions import Scope
from domain.registers import MANAGED_KINDS, STATUSES

S = community_stats.c
COUNT_COLUMNS = [
    "residents_permanent", "residents_temporary",
    *[f"residents_{c}" for c in COLOURS], *[f"employees_{c}" for c in COLOURS],
    *[f"enterprises_{s}" for s in STATUSES],
]
MANAGED_COLUMNS = ["managed_total", *[f"managed_{k}" for k in MANAGED_KINDS]]  # kept per community and day, by kind
# The managed persons the map counts: the key-persons module's measures and the flat list's persons not under
# one (data_access/sql/managed.sql: kept per community and day, migration 0017); the same columns as managed_counts.
map_managed_counts = table("map_managed_counts", *[column(c.name) for c in managed_counts.c])


def _sources(day: date | None):
    """Where the counts come from: the maintained tables (today, the fast path), or the history's figures at
    the end of a past day (data_access/sql/history.sql: the same columns, a slower path)."""
    if day is None:
        return community_stats, map_managed_counts
    stats = func.community_stats_as_of(day).table_valued(*community_stats.c.keys()).alias("stats")
    managed = func.map_managed_counts_as_of(day).table_valued(*managed_counts.c.keys()).alias("managed")
    return stats, managed


def _sum(columns, prefix: str, values) -> object:
    return sum((columns[f"{prefix}_{v}"] for v in values), literal(0))


def _ratio(part, whole):
    return cast(part * 1.0 / func.nullif(whole, 0), Float)


def community_map_rows(conn: Connection, scope: Scope, day: date | None = None) -> list[dict]:
    """One row per community in scope: names, display GeoJSON, counts, ratios, managed persons by kind (today,
    or at the end of a past day)."""
    stats, managed = _sources(day)
    c = stats.c
    residents = _sum(c, "residents", COLOURS)
    query = (
        select(
            community.c.code, community.c.name, community.c.street_code,
            street.c.name.label("street_name"), community.c.geojson,
            *[func.coalesce(c[name], 0).label(name) for name in COUNT_COLUMNS],
            func.coalesce(residents, 0).label("residents_total"),
            func.coalesce(_sum(c, "employees", COLOURS), 0).label("employees_total"),
            func.coalesce(_sum(c, "enterprises", STATUSES), 0).label("enterprises_total"),
            _ratio(c.residents_red, residents).label("residents_red_ratio"),
            _ratio(c.residents_yellow, residents).label("residents_yellow_ratio"),
            *[func.coalesce(managed.c[name], 0).label(name) for name in MANAGED_COLUMNS],
        )
        .join(street, street.c.code == community.c.street_code)
        .outerjoin(stats, c.community_code == community.c.code)
        .outerjoin(managed, managed.c.community_code == community.c.code)
        .where(in_scope(community.c.code, scope))
        .order_by(community.c.code)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def area_totals(conn: Connection, scope: Scope, day: date | None = None) -> dict:
    """Sums over the communities in scope, with ratios computed from the sums (today, or at a day's end)."""
    return dict(conn.execute(_totals(scope, by_street=False, day=day)).mappings().one())


def totals_of(rows: list[dict], scope: Scope) -> dict:
    """area_totals from rows of community_map_rows that hold the area: the same sums and ratios without a
    second statement (each counts today's managed persons over the whole district: at the scale-10 city that
    count is a third of a drill step)."""
    held = [r for r in rows if scope.covers(r["code"])]
    totals = {name: sum(r[name] for r in held) for name in [*COUNT_COLUMNS, *MANAGED_COLUMNS]}
    residents = sum(totals[f"residents_{c}"] for c in COLOURS)
    return {
        **totals, "communities": len(held), "residents_total": residents,
        "employees_total": sum(totals[f"employees_{c}"] for c in COLOURS),
        "enterprises_total": sum(totals[f"enterprises_{s}"] for s in STATUSES),
        "residents_red_ratio": totals["residents_red"] / residents if residents else None,
        "residents_yellow_ratio": totals["residents_yellow"] / residents if residents else None,
    }


def street_totals(conn: Connection, scope: Scope) -> list[dict]:
    """The same sums per street in scope, with the street's code and name."""
    return [dict(r) for r in conn.execute(_totals(scope, by_street=True)).mappings()]


def _totals(scope: Scope, by_street: bool, day: date | None = None):
    stats, managed_source = _sources(day)
    c = stats.c
    keys = [community.c.street_code.label("code")] if by_street else []
    sums = [func.coalesce(func.sum(c[name]), 0).label(name) for name in COUNT_COLUMNS]
    # Counted once, not once per community: under row-level security the planner expects one community
    # and would otherwise re-aggregate the managed persons for each of the 99 (7 ms of a 10 ms query).
    counted = select(managed_source).cte("managed").prefix_with("MATERIALIZED")
    managed = [func.coalesce(func.sum(counted.c[name]), 0).label(name) for name in MANAGED_COLUMNS]
    base = (
        select(*keys, *sums, *managed, func.count(community.c.code).label("communities"))
        .select_from(community)
        .outerjoin(stats, c.community_code == community.c.code)
        .outerjoin(counted, counted.c.community_code == community.c.code)
        .where(in_scope(community.c.code, scope))
        .group_by(*keys)
        .subquery()
    )
    b = base.c
    residents = _sum(b, "residents", COLOURS)
    query = select(
        *b,
        residents.label("residents_total"),
        _sum(b, "employees", COLOURS).label("employees_total"),
        _sum(b, "enterprises", STATUSES).label("enterprises_total"),
        _ratio(b.residents_red, residents).label("residents_red_ratio"),
        _ratio(b.residents_yellow, residents).label("residents_yellow_ratio"),
    )
    if by_street:
        query = (query.add_columns(street.c.name).join(street, street.c.code == b.code).order_by(b.code))
    return query


def data_time(conn: Connection) -> datetime | None:
    """When the newest health-code colour of the session's area was set (None without a session).

    A function that applies the area itself (migration 0011): under the policies the same maximum was a
    plan that flipped with the data's size."""
    return conn.execute(select(func.data_time())).scalar()


def community_counts_live(conn: Connection, scope: Scope) -> list[dict]:
    """The same counts as community_map_rows, computed from the base tables on the spot (slow; for checks)."""
    live = func.fusion_community(True).table_valued(*COUNT_COLUMNS, "community_code").alias("live")
    query = select(live).where(in_scope(live.c.community_code, scope)).order_by(live.c.community_code)
    return [dict(row) for row in conn.execute(query).mappings()]


def colour_trend(conn: Connection, scope: Scope, today: date, days: int = 30) -> list[dict]:
    """Residents with a red or yellow code at the end of each of the last `days` days, in scope.

    Today's counts come from the maintained aggregates; earlier days subtract the changes recorded in the
    history after them, so only the window's changes are read.
    """
    start = today - timedelta(days=days - 1)
    now = conn.execute(
        select(func.coalesce(func.sum(S.residents_red), 0), func.coalesce(func.sum(S.residents_yellow), 0))
        .where(in_scope(S.community_code, scope))
    ).one()
    deltas = conn.execute(text("""
        SELECT (h.changed_at AT TIME ZONE :zone)::date AS day,
               sum((h.colour = 'red')::int - (coalesce(h.previous_colour, '') = 'red')::int) AS red,
               sum((h.colour = 'yellow')::int - (coalesce(h.previous_colour, '') = 'yellow')::int) AS yellow
        FROM health_code_history h JOIN person p ON p.id_number = h.id_number
        WHERE h.changed_at >= (CAST(:start AS date) + interval '1 day') AT TIME ZONE :zone
          AND p.community_code LIKE :prefix
        GROUP BY 1"""), {"start": start, "prefix": scope.prefix + "%", "zone": BEIJING_ZONE}).all()
    change = {d: (r, y) for d, r, y in deltas}
    red, yellow = now
    series = []
    for offset in range(days):
        day = today - timedelta(days=offset)
        series.append({"day": day, "red": red, "yellow": yellow})
        r, y = change.get(day, (0, 0))
        red, yellow = red - r, yellow - y
    return series[::-1]


def data_version(conn: Connection) -> str:
    """Changes whenever any aggregate the map reads changes (cheap: 99 rows), and with the Beijing day
    (managed persons count while their dates hold; the database session's own date would keep yesterday's
    counts until 08:00 in Beijing).

    The sum of the rows' update times, not their maximum: a transaction that commits after a later-started
    one writes earlier times, which would leave a maximum unchanged.
    """
    value = conn.execute(select(func.sum(func.extract("epoch", S.updated_at)), func.count(),
                                cast(func.timezone(BEIJING_ZONE, func.now()), Date))).one()
    return f"{value[0] or 0}/{value[1]}/{value[2]}"
