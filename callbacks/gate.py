"""The one permission gate: who is asking, and may they take this action. Every callback and route starts
with `require(action)`; the table of actions and roles is domain.permissions.PERMISSIONS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from flask import Response, has_request_context, jsonify, request
from flask_login import current_user

from data_access.session import DataUnavailable, writing
from data_access.tokens import caller_for
from data_access.users import sessions
from domain.actor import Actor
from domain.divisions import Scope
from i18n import t
from layouts.view import View


class NotAllowed(PermissionError):
    """The request is outside the user's rights (or there is no user). Answered 403 (401 when anonymous)."""

    def __init__(self, reason: str, anonymous: bool = False) -> None:
        super().__init__(reason)
        self.anonymous = anonymous


def current_actor() -> Actor:
    """The logged-in user of this request, with the client's address for the audit log."""
    if not getattr(current_user, "is_authenticated", False):
        raise NotAllowed("anonymous", anonymous=True)
    user = current_user.user
    address = request.remote_addr if has_request_context() else None
    return Actor(user.username, user.display_name, user.role, user.org_code, address, current_user.token)


def require(action: str) -> Actor:
    """The current user, if their role may take the action; NotAllowed otherwise."""
    return ensure(current_actor(), action)


def ensure(actor: Actor, action: str) -> Actor:
    """The actor, if their role may take the action; NotAllowed otherwise."""
    if not actor.may(action):
        raise NotAllowed(f"{actor.role} may not {action}")
    return actor


def record_refusal(actor: Actor, area: str | None, asked: str) -> None:
    """A refusal is audited: someone asked for what they may not have."""
    with writing(actor) as work:
        work.audit("refused", area, {"asked": asked})


def clamp_view(view: View, actor: Actor, see_people: bool) -> tuple[View, bool]:
    """The view within the user's area: a request for another area shows the user's own (and says so).

    see_people: whether the user may open one enterprise's staff (else the view stops at the community).
    """
    org = actor.org_code
    level = Scope(org).level
    home = {"district": View(), "street": View(street=org), "community": View(street=org[:9] + "000", community=org)}
    inside = actor.covers(view.area) and (level != "community" or view.community == org)
    asked = bool(view.street or view.community)  # the bare address is everyone's start page
    if not inside:
        view = replace(home[level], metric=view.metric, basis=view.basis, points=view.points, day=view.day)
    if not see_people:
        view = replace(view, enterprise=None)
    return view, asked and not inside


class SystemRefused(Exception):
    """A system's call refused at the door: no or an unknown token (401), a token not made for this API (403), or
    no database to ask (503). `answer()` is the JSON reply."""

    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status, self.key = status, key

    def answer(self) -> tuple[Response, int]:
        return jsonify(error=t(self.key)), self.status


def calling_system(api: str) -> tuple[str, str]:
    """The integration a system's request names by its bearer token, and the token, if that token was made for
    api (domain.integrations.APIS); SystemRefused otherwise. A live token used at another API's door is audited."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    try:
        with writing(None) as work:  # a system, not a person: the token names it
            caller = caller_for(work.conn, token, api, request.remote_addr)
    except DataUnavailable:
        raise SystemRefused(503, "map.error") from None
    if caller.name is None:
        raise SystemRefused(401, "api.unauthorized")
    if not caller.allowed:
        raise SystemRefused(403, "api.not_this_api")
    return caller.name, token


@contextmanager
def acting_as(username: str, job: str) -> Iterator[Actor | None]:
    """Work the server does on its own in an active user's name (the scheduled daily brief): an Actor with a
    short session of its own (audited as his login by the job), ended when the work is; None if there is no
    such active user."""
    opened = sessions.open_for_job(username, job)
    if opened is None:
        yield None
        return
    user, token = opened
    try:
        yield Actor(user.username, user.display_name, user.role, user.org_code, None, token)
    finally:
        sessions.log_out(token, None)
