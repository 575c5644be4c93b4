"""The oversight tab's roll-out chart reads migrants registered per community and Beijing day, counts that
PostgreSQL keeps on every write of mg_migrant (migration 0016_mgfix): the chart's weeks equal a count of the
register itself, a Monday's early hours (Sunday in UTC) fall in that Monday's week, a move or a removal moves the
counts, and a declaration accepted today adds one to today's day."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import text

from data_access.migrants import oversight
from data_access.session import reading
from domain import clock
from domain.migrants import PILOT_NAMES
from tests.builders import id_number
from tests.helpers import access_of, signed_in
from tests.test_migrants import TZL, declare_migrant, green_resident, house_in, waiting_id

BEIJING = timezone(timedelta(hours=8))
DENGYUN, QIAOXI = "330105005053", "330105005054"  # 登云路社区, 桥西社区: no pilots, street 拱宸桥

# The register counted directly (as the owner, no row-level security): migrants per Beijing week and pilot.
DIRECT = """
SELECT date_trunc('week', (m.registered_at AT TIME ZONE 'Asia/Shanghai')::date)::date AS week,
       (c.name = ANY (:pilots)) AS pilot, count(*)::int AS n
FROM mg_migrant m JOIN community c ON c.code = m.community_code
WHERE m.community_code LIKE :prefix GROUP BY 1, 2 ORDER BY 1, 2"""


def chart(actor) -> dict[tuple[date, bool], int]:
    with reading(actor) as conn:
        return {(r["week"], r["pilot"]): r["n"] for r in oversight.rollout(conn, actor.scope)}


def direct(engine, prefix: str) -> dict[tuple[date, bool], int]:
    with engine.connect() as conn:
        return {(r.week, r.pilot): r.n for r in conn.execute(text(DIRECT), {"prefix": prefix + "%",
                                                                             "pilots": list(PILOT_NAMES)})}


def add_migrants(engine, community: str, when: datetime, how_many: int) -> list[str]:
    numbers = [id_number() for _ in range(how_many)]
    with engine.begin() as conn:  # one statement, as a bulk load writes
        conn.execute(text("INSERT INTO mg_migrant (community_code, id_number, name, registered_at)"
                          " SELECT :c, n, '测试' || ord, :t"
                          " FROM unnest(CAST(:n AS text[])) WITH ORDINALITY AS u(n, ord)"),
                     {"c": community, "t": when, "n": numbers})
    return numbers


def test_the_charts_weeks_are_the_registers_beijing_weeks_and_follow_moves_and_removals(engine):
    community = signed_in("rollout.dengyun", "登云路测试", "official", DENGYUN)
    street = access_of("gcq.official")
    monday, sunday = date(2026, 3, 2), date(2026, 2, 23)  # the weeks of 2 March 2026 (a Monday) and before
    before = chart(community)
    add_migrants(engine, DENGYUN, datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING), 3)
    early = add_migrants(engine, DENGYUN, datetime(2026, 3, 2, 1, 0, tzinfo=BEIJING), 2)  # Sunday 17:00 in UTC
    late = add_migrants(engine, DENGYUN, datetime(2026, 3, 1, 23, 30, tzinfo=BEIJING), 1)  # Sunday in Beijing
    after = chart(community)
    assert after.get((monday, False), 0) - before.get((monday, False), 0) == 5
    assert after.get((sunday, False), 0) - before.get((sunday, False), 0) == 1
    with engine.begin() as conn:  # two move to 桥西 (one statement), one is removed
        conn.execute(text("UPDATE mg_migrant SET community_code = :c WHERE id_number = ANY (:n)"),
                     {"c": QIAOXI, "n": early})
        conn.execute(text("DELETE FROM mg_migrant WHERE id_number = :n"), {"n": late[0]})
    moved = chart(community)
    assert moved.get((monday, False), 0) - before.get((monday, False), 0) == 3
    assert moved.get((sunday, False), 0) == before.get((sunday, False), 0)
    assert chart(signed_in("rollout.qiaoxi", "桥西测试", "official", QIAOXI)).get((monday, False), 0) >= 2
    # the whole chart, the street's and the district's, equals the register counted row by row
    assert chart(community) == direct(engine, DENGYUN)
    assert chart(street) == direct(engine, "330105005")
    assert chart(access_of("official")) == direct(engine, "330105")


def test_a_declaration_accepted_today_adds_one_to_todays_pilot_week(app_module, engine):
    from callbacks.migrants.page import decide

    house = house_in(app_module, engine, TZL, "tzl.worker")
    number, name = green_resident(engine)
    assert declare_migrant(app_module, number, name, house).status_code == 303
    today = clock.today()
    week = (today - timedelta(days=today.weekday()), True)  # 台州路社区 is a pilot
    street = access_of("gcq.official")
    before = chart(street)
    with engine.connect() as conn:
        day_before = conn.execute(text("SELECT migrants FROM mg_registered_daily WHERE community_code = :c"
                                       " AND day = :d"), {"c": TZL, "d": today}).scalar() or 0
    assert decide(access_of("tzl.worker"), waiting_id(engine, number), "accept") == "已审核：已通过"
    after = chart(street)
    with engine.connect() as conn:
        day_after = conn.execute(text("SELECT migrants FROM mg_registered_daily WHERE community_code = :c"
                                      " AND day = :d"), {"c": TZL, "d": today}).scalar()
    assert day_after == day_before + 1
    assert after[week] == before.get(week, 0) + 1
    assert {k: v for k, v in after.items() if k != week} == {k: v for k, v in before.items() if k != week}
