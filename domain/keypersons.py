"""Key persons (精密智控): the kinds of upstream batch, their deadlines, the measures a community takes and the
colour each measure orders, and when a first contact or a daily follow-up is overdue. Pure: no I/O."""

from __future__ import annotations

from datetime import date, datetime, timedelta

# One upstream delivery, by kind: hours from receipt to every person first-contacted (the seed's inbound
# flight: the phone call at 17:30, the codes changed that night).
BATCH_KINDS = ("inbound", "key_area", "port_check", "close_contact", "other")
DEADLINE_HOURS = {"inbound": 2, "key_area": 24, "port_check": 12, "close_contact": 2, "other": 24}
MEASURES = ("centralised", "home", "monitoring")
DEFAULT_DAYS = 14
# A batch names arrivals still ahead (the plane lands in 90 minutes), but not days ahead: a later time is a typo.
ARRIVAL_AHEAD_HOURS = 48
# The colour a measure orders in the register (green / yellow / red). Centralised quarantine is shown as
# orange (橙码) by this module and on the map's legend, apart from red; the register, whose colours are the
# platform's three, holds it as red, the strictest it knows (README, "Key persons").
MEASURE_COLOUR = {"centralised": "red", "home": "red", "monitoring": "yellow"}
RELEASED_COLOUR = "green"
ORANGE = "orange"


def status_colour(measure: str | None, released: bool) -> str | None:
    """The colour this module shows for a task: orange in centralised quarantine, else the register's."""
    if released:
        return RELEASED_COLOUR
    if measure == "centralised":
        return ORANGE
    return MEASURE_COLOUR.get(measure or "")


def deadline(kind: str, received_at: datetime) -> datetime:
    return received_at + timedelta(hours=DEADLINE_HOURS[kind])


def contact_overdue(contact_due: datetime, contacted_at: datetime | None, now: datetime) -> bool:
    return contacted_at is None and now > contact_due


def follow_up_days(start: date, days: int, today: date) -> list[date]:
    """The days a follow-up was due by today: each day of the measure before today (today's may come later)."""
    last = min(start + timedelta(days=days - 1), today - timedelta(days=1))
    return [start + timedelta(days=n) for n in range((last - start).days + 1)]


def release_due(start: date, days: int, today: date) -> bool:
    return start + timedelta(days=days) <= today
