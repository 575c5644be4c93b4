"""Looking back in time: which days the history covers (the figures of a day come from the shared aggregates,
data_access/sql/history.sql)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text

from domain.clock import BEIJING_ZONE

FIRST_DAY = text("SELECT (min(changed_at) AT TIME ZONE :zone)::date FROM health_code_history")


def history_first_day(conn: Connection) -> date | None:
    """The first Beijing day the colour history records (None: no history)."""
    return conn.execute(FIRST_DAY, {"zone": BEIJING_ZONE}).scalar()
