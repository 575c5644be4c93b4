"""What a user does on the proxy page, each one unit of work with its audit row: record a contact, bind a
citizen card, assign people to an agent. Each returns a message; PostgreSQL checks area, role and name."""

from __future__ import annotations

from callbacks.gate import ensure
from data_access.proxy import work
from data_access.proxy.work import ProxyError
from data_access.session import DataUnavailable, writing
from domain import clock
from domain.actor import Actor
from domain.permissions import ASSIGN_PROXY, WORK_PROXY
from domain.proxy import CHANNELS, OUTCOMES, card_number, mask_card
from i18n import t


def _refused(exc: DataUnavailable) -> str:
    reason = str(exc)
    if "row-level security" in reason or "permission denied" in reason or "only the" in reason:
        return t("proxy.error.refused")
    return t("proxy.error.failed", reason=reason)


def record_contact(actor: Actor, person: int | None, channel: str | None, outcome: str | None,
                   note: str | None) -> str:
    ensure(actor, WORK_PROXY)
    if not person:
        return t("proxy.error.pick")
    if channel not in CHANNELS or outcome not in OUTCOMES:
        return t("proxy.error.answer")
    try:
        with writing(actor) as unit:
            if not work.record_contact(unit.conn, actor.username, int(person), channel, clock.now(), outcome,
                                       (note or "").strip()[:200]):
                return t("proxy.error.not_found")
            unit.audit("proxy_contact", work.person_area(unit.conn, int(person)),
                       {"person": int(person), "channel": channel, "outcome": outcome})
    except DataUnavailable as exc:
        return _refused(exc)
    return t("proxy.contact.saved", outcome=t(f"proxy.outcome.{outcome}"))


def bind_card(actor: Actor, person: int | None, card: str | None) -> str:
    ensure(actor, WORK_PROXY)
    if not person:
        return t("proxy.error.pick")
    number = card_number(card)
    if number is None:
        return t("proxy.error.card")
    try:
        with writing(actor) as unit:
            if not work.bind_card(unit.conn, int(person), number):
                return t("proxy.error.not_found")
            unit.audit("proxy_card_bound", work.person_area(unit.conn, int(person)),
                       {"person": int(person), "card": mask_card(number)})
    except DataUnavailable as exc:
        return _refused(exc)
    return t("proxy.card.saved", card=mask_card(number))


def assign(actor: Actor, people: list[int], agent: str | None) -> str:
    ensure(actor, ASSIGN_PROXY)
    if not people or not agent:
        return t("proxy.error.assign_pick")
    try:
        with writing(actor) as unit:
            changed = work.assign(unit.conn, actor.scope, people, agent)
            unit.audit("proxy_assigned", actor.org_code, {"people": people[:200], "count": len(people),
                                                          "agent": agent})
    except ProxyError as exc:
        return t(str(exc))
    except DataUnavailable as exc:
        return _refused(exc)
    return t("proxy.assign.done", count=changed)
