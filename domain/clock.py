"""Beijing time: every time a person reads is shown in it, and days are Beijing days."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
BEIJING_ZONE = "Asia/Shanghai"  # the same, as PostgreSQL names it


def now() -> datetime:
    return datetime.now(BEIJING)


def today() -> date:
    return now().date()


def next_day(day: date | None, first: date | None, today: date) -> date | None:
    """The next day a playback of the history shows after `day` (None: now, where it ends). From now it starts
    again at the history's first day."""
    if day is None:
        return first if first and first < today else None
    following = day + timedelta(days=1)
    return following if following < today else None
