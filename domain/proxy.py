"""Proxy applications (帮办代办): who needs one, what a contact can find, what counts as covered.

Needing a proxy: on the list (the city's, or the register's age rule) and not found to need none (applied
with their own phone, moved out, deceased). Applied: the latest contact applied on their behalf. The
application rate of an area is applied ÷ needing; a person still needing one, not applied for, whose last
contact (or listing) is older than FOLLOW_UP_DAYS is overdue.
"""

from __future__ import annotations

import re

from domain.classes import Breaks

OLDEST_WITHOUT = 70  # the register's rule: aged 70 or more ...
YOUNGEST_WITHOUT = 14  # ... or under 14, from the birth date in the ID number
CHANNELS = ("phone", "visit")
OUTCOMES = ("applied", "own_phone", "moved_out", "deceased", "refused", "not_reached")
NOT_NEEDING = ("own_phone", "moved_out", "deceased")  # found to need no proxy
FOLLOW_UP_DAYS = 3
SOURCES = ("both", "city", "register")  # where a listed person came from, in the reconciliation's order
# The coverage map's classes: fixed thresholds, as the three-colour map's (below 90% is the first class).
COVERAGE_BREAKS = Breaks((0.9, 0.95, 0.98, 0.99), zero=False, ratio=True, whole=False)
_CARD = re.compile(r"^[0-9]{8,20}$")


def card_number(value: str | None) -> str | None:
    """A citizen-card number as written (spaces dropped), or None when it is not 8 to 20 digits."""
    cleaned = re.sub(r"\s+", "", value or "")
    return cleaned if _CARD.match(cleaned) else None


def mask_card(value: str | None) -> str | None:
    """3301****5678: the first four and last four digits kept."""
    if not value:
        return value
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def rate(applied: int, needing: int) -> float | None:
    return applied / needing if needing else None
