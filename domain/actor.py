"""Who is acting: a logged-in user (or the command line, or a system with a token), and their area."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.divisions import Scope
from domain.permissions import allowed


@dataclass(frozen=True)
class Actor:
    username: str
    display_name: str
    role: str | None
    org_code: str
    address: str | None = None  # the client's address, for the audit log
    # The secret of the user's login session (or a system's token): PostgreSQL takes the area and the role
    # from it, never from what the application says. None: the command line, or nobody logged in yet.
    session: str | None = field(default=None, repr=False, compare=False)

    @property
    def scope(self) -> Scope:
        return Scope(self.org_code)

    def may(self, action: str) -> bool:
        return allowed(self.role, action)

    def covers(self, area: str) -> bool:
        return self.scope.covers(area)
