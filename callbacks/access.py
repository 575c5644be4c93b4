"""Who is asking, and what they may see and do. Every callback and route starts here."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask_login import current_user

from data_access.scope import Scope
from layouts.view import View

SEE_PEOPLE = {"leader", "official", "community_worker"}
SEE_MAP = SEE_PEOPLE | {"data_operator"}


class NotAllowed(PermissionError):
    """The request is outside the user's rights (or there is no user)."""


@dataclass(frozen=True)
class Access:
    username: str
    display_name: str
    role: str
    org_code: str

    @property
    def scope(self) -> Scope:
        return Scope(self.org_code)

    @property
    def can_see_map(self) -> bool:
        return self.role in SEE_MAP

    @property
    def can_see_people(self) -> bool:
        """Enterprise staff lists (masked); a data operator sees counts only."""
        return self.role in SEE_PEOPLE

    @property
    def can_export(self) -> bool:
        return self.role == "official"

    @property
    def can_reveal(self) -> bool:
        return self.role == "community_worker"

    def covers(self, area: str) -> bool:
        return area.startswith(self.scope.prefix)


def current_access() -> Access:
    if not getattr(current_user, "is_authenticated", False):
        raise NotAllowed("anonymous")
    user = current_user.user
    return Access(user.username, user.display_name, user.role, user.org_code)


def clamp_view(view: View, access: Access) -> tuple[View, bool]:
    """The view within the user's area: a request for another area shows the user's own (and says so)."""
    org = access.org_code
    home = {"district": View(), "street": View(street=org), "community": View(street=org[:9] + "000", community=org)}
    inside = access.covers(view.area) and (access.scope.level != "community" or view.community == org)
    asked = bool(view.street or view.community)  # the bare address is everyone's start page
    if not inside:
        view = replace(home[access.scope.level], metric=view.metric, basis=view.basis, points=view.points)
    if not access.can_see_people:
        view = replace(view, enterprise=None)
    return view, asked and not inside
