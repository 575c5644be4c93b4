"""Beijing time: every time a person reads is shown in it, and days are Beijing days."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
BEIJING_ZONE = "Asia/Shanghai"  # the same, as PostgreSQL names it


def now() -> datetime:
    return datetime.now(BEIJING)


def today() -> date:
    return now().date()


PLAYBACK_DAYS = 30  # a playback started from now goes back this far (or to the history's first day)


def next_day(day: date | None, first: date | None, today: date) -> date | None:
    """The next day a playback of the history shows after `day` (None: now, where it ends). From now it starts
    again PLAYBACK_DAYS back, or at the history's first day if that is later."""
    if day is None:
        start = max(first, today - timedelta(days=PLAYBACK_DAYS)) if first else None
        return start if start and start < today else None
    following = day + timedelta(days=1)
    return following if following < today else None
