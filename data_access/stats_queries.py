"""Statistics for leaders: the 30-day colour trend, and a token that changes when the data does."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection, func, select, text

from data_access.scope import Scope
from data_access.tables import community_stats

S = community_stats.c


def colour_trend(conn: Connection, scope: Scope, today: date, days: int = 30) -> list[dict]:
    """Residents with a red or yellow code at the end of each of the last `days` days, in scope.

    Today's counts come from the maintained aggregates; earlier days subtract the changes recorded in the
    history after them, so only the window's changes are read.
    """
    start = today - timedelta(days=days - 1)
    now = conn.execute(
        select(func.coalesce(func.sum(S.residents_red), 0), func.coalesce(func.sum(S.residents_yellow), 0))
        .where(S.community_code.like(scope.prefix + "%"))
    ).one()
    deltas = conn.execute(text("""
        SELECT (h.changed_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
               sum((h.colour = 'red')::int - (coalesce(h.previous_colour, '') = 'red')::int) AS red,
               sum((h.colour = 'yellow')::int - (coalesce(h.previous_colour, '') = 'yellow')::int) AS yellow
        FROM health_code_history h JOIN person p ON p.id_number = h.id_number
        WHERE h.changed_at >= (CAST(:start AS date) + interval '1 day') AT TIME ZONE 'Asia/Shanghai'
          AND p.community_code LIKE :prefix
        GROUP BY 1"""), {"start": start, "prefix": scope.prefix + "%"}).all()
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
    """Changes whenever any aggregate the map reads changes (cheap: 99 rows).

    The sum of the rows' update times, not their maximum: a transaction that commits after a later-started
    one writes earlier times, which would leave a maximum unchanged.
    """
    value = conn.execute(select(func.sum(func.extract("epoch", S.updated_at)), func.count())).one()
    return f"{value[0] or 0}/{value[1]}"

