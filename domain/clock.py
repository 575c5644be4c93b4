"""Beijing time: every time a person reads is shown in it, and days are Beijing days."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
BEIJING_ZONE = "Asia/Shanghai"  # the same, as PostgreSQL names it


def now() -> datetime:
    return datetime.now(BEIJING)


def today() -> date:
    return now().date()
