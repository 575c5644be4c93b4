"""Numbers as officials read them: 1,234 people, 0.29%."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))


def count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def beijing_time(value: datetime) -> str:
    return value.astimezone(CST).strftime("%Y-%m-%d %H:%M")
