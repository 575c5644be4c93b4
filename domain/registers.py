"""The values the registers hold: health-code colours, enterprise statuses, managed kinds, residence types."""

from __future__ import annotations

COLOURS = ("green", "yellow", "red")  # health_code.colour
COUNTED_COLOURS = (*COLOURS, "none")  # how people are counted: "none" has no health-code record
STATUSES = ("cleared", "caution", "warned", "incomplete")  # enterprise reopening status
MANAGED_KINDS = ("centralised_isolation", "home_isolation", "close_contact", "inbound", "key_area_returnee")
RESIDENCE_TYPES = ("permanent", "temporary")
