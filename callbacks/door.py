"""The one door of every download route (/export/...): the area the request names, read from the query string
(400 with a line of Chinese if it is no area), the user's right to the action in that area (403, and the refusal
audited), and a database that does not answer (503). A route behind the door gets the actor and the area:

    @export_door(EXPORT_APPEALS)
    def export_decisions(actor: Actor, scope: Scope) -> Response: ...

tests/test_export_door.py walks every /export route of the app and checks that each has this door."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Response, request

from callbacks.downloads import refusal
from callbacks.gate import current_actor, record_refusal
from data_access.session import DataUnavailable
from domain.actor import Actor
from domain.divisions import Scope, is_community_code


@dataclass(frozen=True)
class Door:
    """What a route lets in. param: the query parameter naming the area (None: the request names none, the
    route answers for the user's whole area); community: that area must be one community (else `bad`);
    district: only a user of the whole district may pass."""

    action: str
    param: str | None = "area"
    community: bool = False
    district: bool = False
    bad: str = "export.bad_request"

    def let_in(self) -> tuple[Actor, Scope | None] | Response:
        """The actor and the area asked for; or the refusal to answer (the 403 audited)."""
        actor = current_actor()
        area = request.args.get(self.param, "") if self.param else None
        scope = None
        if area is not None:
            try:
                if self.community and not is_community_code(area):
                    raise ValueError(area)
                scope = Scope(area)
            except ValueError:
                return refusal(self.bad, 400, field=self.param)
        if (not actor.may(self.action) or (area is not None and not actor.covers(area))
                or (self.district and actor.scope.level != "district")):
            record_refusal(actor, area, request.full_path)
            return refusal("auth.forbidden", 403)
        return actor, scope


def export_door(action: str, **door: object) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """The route behind the door of action (see Door for the options); the route is called as
    route(actor, scope, **its URL's values), and a DataUnavailable it raises is answered 503."""
    spec = Door(action, **door)

    def wrap(route: Callable[..., Response]) -> Callable[..., Response]:
        @wraps(route)
        def behind_the_door(**values: object) -> Response:
            passed = spec.let_in()
            if isinstance(passed, Response):
                return passed
            try:
                return route(*passed, **values)
            except DataUnavailable:
                return refusal("map.error", 503)

        behind_the_door.door = spec  # type: ignore[attr-defined]  # what tests/test_export_door.py looks for
        return behind_the_door

    return wrap
