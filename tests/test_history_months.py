"""The colour history by month (0016_history_months): a change lands in its Beijing month's partition, the
months ahead exist, and nothing is lost or refused at the edges."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from domain import clock


def _month(day: date) -> str:
    return f"health_code_history_{day:%Y%m}"


def _partitions(conn) -> list[str]:
    return conn.execute(text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                             " WHERE i.inhparent = 'health_code_history'::regclass ORDER BY 1")).scalars().all()


def test_the_months_ahead_exist_and_making_them_again_makes_none(conn):
    held = _partitions(conn)
    today = clock.today()
    ahead = date(today.year + (today.month + 22) // 12, (today.month + 22) % 12 + 1, 1)  # 23 months on
    assert _month(today) in held and _month(ahead) in held and "health_code_history_old" in held
    assert conn.execute(text("SELECT health_code_history_months(CAST(:a AS date), CAST(:b AS date))"),
                        {"a": today, "b": ahead}).scalar() == 0


def test_a_change_lands_in_its_beijing_month_and_reads_through_the_table(conn):
    person = conn.execute(text("SELECT id_number FROM health_code WHERE colour = 'green' LIMIT 1")).scalar()
    conn.execute(text("UPDATE health_code SET colour = 'yellow', changed_at = now(), source = 'test'"
                      " WHERE id_number = :p"), {"p": person})
    where = conn.execute(text("SELECT tableoid::regclass::text FROM health_code_history WHERE id_number = :p"
                              " AND source = 'test'"), {"p": person}).scalar()
    assert where == _month(clock.today())


def test_a_change_from_before_the_first_month_is_kept_in_the_old_partition(conn):
    person = conn.execute(text("SELECT id_number FROM health_code LIMIT 1")).scalar()
    conn.execute(text("INSERT INTO health_code_history (id_number, colour, changed_at, source)"
                      " VALUES (:p, 'red', '2001-02-03 04:05+08', 'test')"), {"p": person})
    rows = conn.execute(text("SELECT tableoid::regclass::text, colour FROM health_code_history"
                             " WHERE id_number = :p AND source = 'test'"), {"p": person}).all()
    assert [tuple(r) for r in rows] == [("health_code_history_old", "red")]
    # a month whose rows went to the old partition is left there: making months over it refuses nothing
    assert conn.execute(text("SELECT health_code_history_months('2001-01-01', '2001-03-01')")).scalar() == 0


def test_the_service_roles_cannot_read_a_month_past_row_level_security(conn):
    for role in ("sansetu_app", "sansetu_writer"):
        assert not conn.execute(text("SELECT has_table_privilege(:r, :t, 'SELECT')"),
                                {"r": role, "t": _month(clock.today())}).scalar()
