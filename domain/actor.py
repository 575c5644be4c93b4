"""Who is acting: a logged-in user (or the command line, or a system with a token), and their area."""

from __future__ import annotations

from dataclasses import dataclass

from domain.divisions import Scope
from domain.permissions import allowed


@dataclass(frozen=True)
class Actor:
    username: str
    display_name: str
    role: str | None
    org_code: str
    address: str | None = None  # the client's address, for the audit log

    @property
    def scope(self) -> Scope:
        return Scope(self.org_code)

    def may(self, action: str) -> bool:
        return allowed(self.role, action)

    def covers(self, area: str) -> bool:
        return self.scope.covers(area)
