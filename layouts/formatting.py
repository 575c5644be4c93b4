"""Numbers as officials read them: 1,234 people, 0.29%."""

from __future__ import annotations

from datetime import datetime

from domain.clock import BEIJING


def count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def beijing_time(value: datetime, seconds: bool = False) -> str:
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
