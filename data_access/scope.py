"""The area a request may read: the district, one street or one community, by its 12-digit code.

Every query that returns rows takes a Scope, so no caller can forget the restriction and the scope is
part of every cache key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from data_access.reference import DISTRICT_CODE


@dataclass(frozen=True)
class Scope:
    code: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[0-9]{12}", self.code):
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


DISTRICT = Scope(DISTRICT_CODE)
