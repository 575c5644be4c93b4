"""Today's managed persons kept per community and day (migration 0017): after every kind of write the kept
counts are what counting the managed persons live gives, on every day they hold; a day they do not hold is
counted live; the span moves forward with a write; two writers in one community keep both."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import text

from data_access import aggregates
from domain import clock
from domain.divisions import Scope
from tests.builders import id_number

KINDS = ("centralised_isolation", "home_isolation", "close_contact", "inbound", "key_area_returnee")
X, Y = "330105005051", "330105005052"
# The truth the kept counts must equal: every managed period (managed_period: the module's measures and the
# flat list's persons not under one), counted over each day of the span.
LIVE = f"""
    SELECT m.community_code, d.day::date AS day, count(*) AS total,
           {", ".join(f"count(*) FILTER (WHERE m.kind = '{k}')" for k in KINDS)}
    FROM managed_daily_span s
    CROSS JOIN generate_series(s.first_day, s.last_day, interval '1 day') d(day)
    JOIN managed_period m ON m.start_date <= d.day AND (m.end_date IS NULL OR m.end_date >= d.day)
    GROUP BY 1, 2"""
KEPT = f"SELECT community_code, day, managed_total, {', '.join(f'managed_{k}' for k in KINDS)} FROM managed_daily"


def _agree(conn) -> None:
    live = set(map(tuple, conn.execute(text(LIVE))))
    assert live, "the demo has managed persons in the span"
    assert set(map(tuple, conn.execute(text(KEPT)))) == live


def _kept(conn, community: str, day) -> int:
    return conn.execute(text("SELECT coalesce(sum(managed_total), 0) FROM managed_daily"
                             " WHERE community_code = :c AND day = :d"), {"c": community, "d": day}).scalar()


def _places(conn) -> list[str]:
    return conn.execute(text("SELECT array_agg(ctid::text ORDER BY community_code, day) FROM managed_daily")).scalar()


def _list(conn, person: str, community: str, start, kind: str = "home_isolation") -> int:
    return conn.execute(text("INSERT INTO managed_person (id_number, kind, community_code, start_date)"
                             " VALUES (:p, :k, :c, :s) RETURNING id"),
                        {"p": person, "k": kind, "c": community, "s": start}).scalar()


def _measure(conn, person: str, community: str, measure: str, start, batch_kind: str = "close_contact") -> int:
    batch = conn.execute(text("""INSERT INTO kp_batch (kind, source, file_name, deadline, received_by)
        VALUES (:k, '测试', 't.csv', now() + interval '2 hours', 'test') RETURNING id"""), {"k": batch_kind}).scalar()
    kp = conn.execute(text("INSERT INTO kp_person (id_number, name) VALUES (:p, '测试') RETURNING id"),
                      {"p": person}).scalar()
    record = conn.execute(text("""INSERT INTO kp_record (batch_id, row_no, person_id, matched_by, community_code,
        placed_by, confidence, placed_at) VALUES (:b, 1, :k, 'new', :c, 'address', 1, now()) RETURNING id"""),
                          {"b": batch, "k": kp, "c": community}).scalar()
    return conn.execute(text("""INSERT INTO kp_task (person_id, record_id, batch_id, community_code, contact_due,
          contacted_at, contacted_by, measure, hotel, measure_start, measure_days)
        VALUES (:k, :r, :b, :c, now(), now(), 'test', :m, CASE WHEN :m = 'centralised' THEN '某隔离酒店' END, :s, 14)
        RETURNING id"""), {"k": kp, "r": record, "b": batch, "c": community, "m": measure, "s": start}).scalar()


def test_the_kept_counts_are_the_live_counts_on_every_day_after_each_kind_of_write(conn):
    """A listed person in X from two days ago; then a measure of the same person in Y from yesterday (the list
    row is hidden: one person, counted once, where the measure is); the measure released today (Y's count
    ends yesterday, the list row stays hidden: the measure overlapped it); the key person's ID number
    corrected (the list row counts again); a monitoring measure's batch re-kinded; the list row deleted."""
    today = clock.today()
    _agree(conn)
    x0, y0 = _kept(conn, X, today), _kept(conn, Y, today)
    x3 = _kept(conn, X, today - timedelta(days=3))
    listed = id_number()
    row = _list(conn, listed, X, today - timedelta(days=2))
    _agree(conn)
    assert (_kept(conn, X, today), _kept(conn, X, today - timedelta(days=3))) == (x0 + 1, x3)
    task = _measure(conn, listed, Y, "centralised", today - timedelta(days=1))
    _agree(conn)
    assert (_kept(conn, X, today), _kept(conn, Y, today)) == (x0, y0 + 1)
    conn.execute(text("UPDATE kp_task SET released_at = now(), released_by = 'test' WHERE id = :t"), {"t": task})
    _agree(conn)
    assert (_kept(conn, X, today), _kept(conn, Y, today)) == (x0, y0)
    assert _kept(conn, Y, today - timedelta(days=1)) >= 1
    conn.execute(text("UPDATE kp_person SET id_number = :n WHERE id = (SELECT person_id FROM kp_task WHERE id = :t)"),
                 {"n": id_number(), "t": task})
    _agree(conn)
    assert _kept(conn, X, today) == x0 + 1
    watched = _measure(conn, id_number(), Y, "monitoring", today)
    kinds = "SELECT managed_close_contact, managed_inbound FROM managed_daily WHERE community_code = :c AND day = :d"
    before = conn.execute(text(kinds), {"c": Y, "d": today}).one()
    conn.execute(text("UPDATE kp_batch SET kind = 'inbound' WHERE id = (SELECT batch_id FROM kp_task WHERE id = :t)"),
                 {"t": watched})
    _agree(conn)
    assert tuple(conn.execute(text(kinds), {"c": Y, "d": today}).one()) == (before[0] - 1, before[1] + 1)
    conn.execute(text("DELETE FROM managed_person WHERE id = :r"), {"r": row})
    _agree(conn)
    assert _kept(conn, X, today) == x0


def test_a_list_of_many_adds_the_days_of_those_no_measure_hides(conn):
    """One statement of three list rows (as an import merges them): one of a person under a measure in Y since
    yesterday (hidden: counted once, in Y), two others in X from today, one of them ended today."""
    today = clock.today()
    watched, free, short = id_number(), id_number(), id_number()
    _measure(conn, watched, Y, "home", today - timedelta(days=1))
    x0, x1, y0 = _kept(conn, X, today), _kept(conn, X, today + timedelta(days=1)), _kept(conn, Y, today)
    conn.execute(text("""INSERT INTO managed_person (id_number, kind, community_code, start_date, end_date)
        VALUES (:w, 'close_contact', :x, :d, NULL), (:f, 'inbound', :x, :d, NULL), (:s, 'inbound', :x, :d, :d)"""),
                 {"w": watched, "f": free, "s": short, "x": X, "d": today})
    _agree(conn)
    assert (_kept(conn, X, today), _kept(conn, X, today + timedelta(days=1)), _kept(conn, Y, today)) == (
        x0 + 2, x1 + 1, y0)


def test_a_contact_or_a_note_recounts_nothing(conn):
    """Only a change of a measure, its days, its place or its person recounts: a note on a task leaves the kept
    rows where they were (their physical places), a measure's first day moved recounts them."""
    task = conn.execute(text("SELECT id FROM kp_task WHERE measure IS NOT NULL AND community_code IN"
                             " (SELECT community_code FROM managed_daily) ORDER BY id LIMIT 1")).scalar()
    places = _places(conn)
    conn.execute(text("UPDATE kp_task SET contact_note = 'called again' WHERE id = :t"), {"t": task})
    assert _places(conn) == places
    conn.execute(text("UPDATE kp_task SET measure_start = measure_start - 1 WHERE id = :t"), {"t": task})
    assert _places(conn) != places
    _agree(conn)


def test_the_map_reads_the_kept_counts_and_counts_a_day_outside_them_live(conn):
    today = clock.today()
    scope = Scope("330105000000")
    shown = {r["code"]: r["managed_total"] for r in aggregates.community_map_rows(conn, scope)}
    assert sum(shown.values()) > 0
    conn.execute(text("DELETE FROM managed_daily WHERE day = :d"), {"d": today})
    assert sum(r["managed_total"] for r in aggregates.community_map_rows(conn, scope)) == 0  # read, not recounted
    conn.execute(text("UPDATE managed_daily_span SET first_day = :a, last_day = :b"),
                 {"a": today + timedelta(days=1), "b": today + timedelta(days=60)})
    assert {r["code"]: r["managed_total"] for r in aggregates.community_map_rows(conn, scope)} == shown
    past = today - timedelta(days=40)  # before the span: the history picker's day, counted live
    live = dict(conn.execute(text("SELECT community_code, count(*) FROM managed_period WHERE start_date <= :d"
                                  " AND (end_date IS NULL OR end_date >= :d) GROUP BY 1"), {"d": past}).all())
    assert {r["code"]: r["managed_total"] for r in aggregates.community_map_rows(conn, scope, past)
            if r["managed_total"]} == live


def test_the_span_moves_forward_with_the_next_write(conn):
    today = clock.today()
    conn.execute(text("UPDATE managed_daily_span SET first_day = :a, last_day = :b"),
                 {"a": today - timedelta(days=60), "b": today + timedelta(days=10)})
    conn.execute(text("DELETE FROM managed_daily WHERE day > :d"), {"d": today + timedelta(days=10)})
    _list(conn, id_number(), X, today)
    span = conn.execute(text("SELECT first_day, last_day FROM managed_daily_span")).one()
    assert tuple(span) == (today - timedelta(days=31), today + timedelta(days=92))
    _agree(conn)


def test_two_writers_in_one_community_keep_both(engine):
    """The second writer's recount waits for the first to commit and then counts its person too."""
    today = clock.today()
    people = [id_number(), id_number()]
    first = engine.connect()
    second = engine.connect()
    try:
        with engine.connect() as conn:
            x0 = _kept(conn, X, today)
        first.begin()
        _list(first, people[0], X, today)
        done = threading.Event()

        def write_second():
            with second.begin():
                _list(second, people[1], X, today)
            done.set()

        worker = threading.Thread(target=write_second)
        worker.start()
        assert not done.wait(1.0), "the second writer recounted before the first committed"
        first.commit()
        worker.join(30)
        assert done.is_set()
        with engine.connect() as conn:
            assert _kept(conn, X, today) == x0 + 2
            _agree(conn)
    finally:
        first.close()
        second.close()
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM managed_person WHERE id_number = ANY (:p)"), {"p": people})


def test_a_community_workers_measure_moves_the_counts_of_a_community_outside_their_area(engine):
    """The worker of 台州路 (Y) puts a person under home isolation through the task steps (the writer's role,
    row-level security): the kept counts, recounted as the owner, drop the same person's list row in X (not
    theirs to read) and count them in Y; the release ends Y's count today and leaves X's row hidden."""
    from data_access.keypersons import tasks
    from data_access.session import writing
    from tests.helpers import access_of
    from tests.test_keypersons import TZL, _csv, _load, _residents

    assert TZL == Y
    today = clock.today()
    person = _residents(engine, 1, TZL, offset=10)[0]
    worker = access_of("tzl.worker")
    with engine.begin() as conn:
        row = _list(conn, person["id_number"], X, today - timedelta(days=3))
    try:
        with engine.connect() as conn:
            x0, y0 = _kept(conn, X, today), _kept(conn, Y, today)
        assert _load(access_of("operator"), _csv([[person["name"], person["id_number"], "", "", "", "", "", "", "",
                                                   "", ""]]), kind="key_area", name="在管计数.csv").result == "loaded"
        with writing(worker) as work:
            task = next(t for t in tasks.tasks(work.conn, worker.scope) if t["name"] == person["name"])
            tasks.first_contact(work.conn, task["id"], worker.username, "电话联系")
        tasks.set_measure(worker, task["id"], "home", None, today - timedelta(days=1), 14)
        with engine.connect() as conn:
            assert (_kept(conn, X, today), _kept(conn, Y, today)) == (x0 - 1, y0 + 1)
            _agree(conn)
        tasks.release(worker, task["id"])
        with engine.connect() as conn:
            assert (_kept(conn, X, today), _kept(conn, Y, today)) == (x0 - 1, y0)
            _agree(conn)
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM managed_person WHERE id = :r"), {"r": row})
