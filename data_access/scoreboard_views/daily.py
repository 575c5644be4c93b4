"""The scoreboard's daily snapshot: every community's measures and each area's headlines as they stood on a
Beijing day (taken at the day's first read or by the day's brief, whichever comes first), so the page and
the brief state the day's changes (today against yesterday's snapshot). The database decides the day."""

from __future__ import annotations

from sqlalchemy import Connection, text


def take_day(conn: Connection) -> bool:
    """Today's snapshot, if not yet taken: the communities' measures (once a day, for every community; two
    processes wait for each other) and the session's headlines (once a day for its area and role). Whether
    this call took the measures. (Once taken, the headline views are not read again: the session sees only
    its own area's and role's rows.)"""
    took = conn.execute(text("SELECT scoreboard_take_day()")).scalar_one()
    conn.execute(text("""
        INSERT INTO scoreboard_day_headline (day, area, role, module, key, value, as_of)
        SELECT scoreboard_today(), session_scope(), session_role(), module, key, value, as_of
        FROM scoreboard_headline WHERE module IS NOT NULL AND key IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM scoreboard_day_headline WHERE day = scoreboard_today())
        ON CONFLICT DO NOTHING"""))
    return bool(took)


def headlines_yesterday(conn: Connection) -> tuple[dict[str, dict], object]:
    """Yesterday's snapshot of the headlines of the session's area and role: ({module: {key: value}}, the
    time it was taken, or None without one)."""
    rows = conn.execute(text("""
        SELECT module, key, value, taken_at FROM scoreboard_day_headline WHERE day = scoreboard_today() - 1"""))
    found: dict[str, dict] = {}
    taken = None
    for row in rows.mappings():
        found.setdefault(row["module"], {})[row["key"]] = row["value"]
        taken = row["taken_at"] if taken is None else max(taken, row["taken_at"])
    return found, taken
