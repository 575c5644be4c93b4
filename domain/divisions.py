"""Division codes (12 digits: district, street, community) and the area a request may read or write."""

from __future__ import annotations

import re
from dataclasses import dataclass

DISTRICT_CODE = "330105000000"  # Gongshu District, Hangzhou
DISTRICT_NAME = "拱墅区"
STREET_CODE = re.compile(r"[0-9]{9}000")
DIVISION_CODE = re.compile(r"[0-9]{12}")
CREDIT_CODE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{18}")


def is_community_code(code: str | None) -> bool:
    return bool(code) and DIVISION_CODE.fullmatch(code) is not None and not code.endswith("000")


@dataclass(frozen=True)
class Scope:
    """An area by its 12-digit code. Every query that returns rows takes one, so no caller can forget
    the restriction and the scope is part of every cache key."""

    code: str

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not DIVISION_CODE.fullmatch(self.code):
            raise ValueError(f"not a 12-digit division code: {self.code!r}")

    @property
    def level(self) -> str:
        if self.code.endswith("000000"):
            return "district"
        return "street" if self.code.endswith("000") else "community"

    @property
    def prefix(self) -> str:
        """The leading digits every community code in the area shares."""
        return {"district": self.code[:6], "street": self.code[:9], "community": self.code}[self.level]

    @property
    def bounds(self) -> tuple[str, str]:
        """The area as a range of codes (see prefix_bounds)."""
        return prefix_bounds(self.prefix)

    def covers(self, code: str) -> bool:
        return code.startswith(self.prefix)


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """The codes that start with prefix as a range: every one is >= the first and < the second (the prefix
    with its last digit raised: "330105001" -> "33010500:"). Under row-level security a range is an index
    condition where LIKE is not (LIKE is not leakproof)."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


DISTRICT = Scope(DISTRICT_CODE)
