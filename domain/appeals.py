"""Appeals (异议申诉复核): the colours one may ask for, the tiers of review, and the system's proposal.

The proposal answers the district's four questions (epidemiological history, stay in a key epidemic area,
clinical symptoms, centralised or home isolation) from the three steps' answers and what the registers
know, and says why. Pure: the caller brings the facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.classes import Breaks

STEPS = ("health", "movement", "commitment")  # 询问健康情况 / 查询行动轨迹 / 本人自行承诺
TIERS = ("community", "street", "district")
TIER_LENGTH = {"community": 12, "street": 9, "district": 6}  # digits of the reviewer's area prefix
TIER_CHOICES = (("community", "street"), ("community", "district"), ("community", "street", "district"))
ALLOWED = {("red", "yellow"), ("red", "green"), ("yellow", "green")}  # (current, requested)
STATUSES = ("open", "review", "converted", "rejected")
FEVER = 37.3  # °C: at or above, a clinical symptom
ISOLATION = frozenset({"centralised_isolation", "home_isolation"})
CONTACT = frozenset({"close_contact"})
KEY_AREA = frozenset({"inbound", "key_area_returnee"})  # managed kinds that answer "stay in a key area"
# What the key-person data (精密智控) answers: the kinds of the batches whose task is not released, and the
# measures in force (migration 0013: keyperson_of_appeal).
KEYPERSON_CONTACT = frozenset({"close_contact"})
KEYPERSON_KEY_AREA = frozenset({"inbound", "key_area"})
KEYPERSON_ISOLATION = frozenset({"centralised", "home"})
# The oversight map's classes of open requests per community: fixed, as the three-colour map's (0 apart).
OPEN_BREAKS = Breaks((2, 5, 10, 20))


@dataclass(frozen=True)
class KeyPerson:
    """The key-person data in force for the person: kinds of the batches not released, measures in force,
    a confirmed case or linked to one."""

    kinds: frozenset[str] = frozenset()
    measures: frozenset[str] = frozenset()
    case: bool = False
    linked: bool = False


def keyperson_in_force(entries: list[dict]) -> KeyPerson | None:
    """From the person's batch entries (batch_kind, measure, released_at, is_case, linked_to_case): what is
    still in force. A released entry is history; an entry with no task yet (not dispatched) is in force."""
    if not entries:
        return None
    live = [e for e in entries if e.get("released_at") is None]
    return KeyPerson(frozenset(e["batch_kind"] for e in live), frozenset(e["measure"] for e in live if e["measure"]),
                     any(e["is_case"] for e in live), any(e["linked_to_case"] for e in live))


@dataclass(frozen=True)
class Facts:
    """What a proposal is decided from: the steps' answers and the registers' current state."""

    symptoms: bool | None
    temperature: float | None
    contact: bool | None  # told at the health step: contact with a case or a close contact in 14 days
    key_area: bool | None
    signed: bool | None
    managed_kinds: frozenset[str] = frozenset()  # the person's current managed-person kinds
    keyperson: KeyPerson | None = None  # what the key-person batches say (None: in no batch)


@dataclass(frozen=True)
class Proposal:
    decision: str  # convert | reject
    reasons: tuple[str, ...]  # i18n keys under appeals.reason.


def steps_missing(facts: Facts) -> tuple[str, ...]:
    """The steps still without an answer (a proposal needs all three)."""
    missing = []
    if facts.symptoms is None or facts.contact is None:
        missing.append("health")
    if facts.key_area is None:
        missing.append("movement")
    if facts.signed is None:
        missing.append("commitment")
    return tuple(missing)


def propose(facts: Facts) -> Proposal:
    """Convert only when all four questions are clear and the person signed the commitment; else reject,
    naming each question that failed."""
    kp = facts.keyperson or KeyPerson()
    said = {"contact": bool(kp.kinds & KEYPERSON_CONTACT or kp.case or kp.linked),
            "key_area": bool(kp.kinds & KEYPERSON_KEY_AREA), "isolation": bool(kp.measures & KEYPERSON_ISOLATION)}
    against = []
    if facts.contact or facts.managed_kinds & CONTACT or said["contact"]:
        against.append("epidemiological")
    if facts.key_area or facts.managed_kinds & KEY_AREA or said["key_area"]:
        against.append("key_area")
    if facts.symptoms or (facts.temperature is not None and facts.temperature >= FEVER):
        against.append("symptoms")
    if facts.managed_kinds & ISOLATION or said["isolation"]:
        against.append("isolation")
    against += [f"keyperson_{k}" for k in ("contact", "key_area", "isolation") if said[k]]  # says where from
    if not facts.signed:
        against.append("not_signed")
    if against:
        return Proposal("reject", tuple(against))
    return Proposal("convert", ("all_clear",))


def waiting_tier(tiers: tuple[str, ...] | list[str] | None, done: int) -> str | None:
    """The tier a request in review waits for (None: not in review)."""
    if not tiers or done >= len(tiers):
        return None
    return tiers[done]


def reviews_at(level: str) -> str:
    """The tier a user of this organisation level reviews at (their scope's level)."""
    return level
