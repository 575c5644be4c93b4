"""Warnings followed to the end: the stages of a warning, how one is given, and what a recorded step must say.

An enterprise with a red employee is warned (fusion rule 1). Its community worker records the warning given
(how, when, to whom, a note); once every employee is green, the worker confirms its reopening, which closes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.clock import BEIJING

STAGES = ("unnotified", "notified", "awaiting_reopening")  # enterprise_warning_state.stage
METHODS = ("phone", "visit", "sms", "written")  # warning_step.method
STEPS = ("notified", "reopened")  # warning_step.step
EARLIEST = timedelta(days=30)  # a step told later than this is a typing error, not a record
RECIPIENT_LENGTH = 100
NOTE_LENGTH = 500


class StepError(ValueError):
    """A step that cannot be recorded; the message is an i18n key."""


@dataclass(frozen=True)
class Step:
    credit_code: str
    step: str
    happened_at: datetime
    method: str | None = None
    recipient: str | None = None
    note: str = ""


def step_from_form(step: str, credit_code: str | None, when: str | None, method: str | None,
                   recipient: str | None, note: str | None, now: datetime) -> Step:
    """The step a worker's form describes, or StepError naming what is missing or wrong."""
    if step not in STEPS:
        raise StepError("warnings.error.step")
    if not credit_code:
        raise StepError("warnings.error.enterprise")
    happened = _when(when, now)
    note = (note or "").strip()
    if len(note) > NOTE_LENGTH:
        raise StepError("warnings.error.note")
    if step == "reopened":
        return Step(credit_code, step, happened, note=note)
    recipient = (recipient or "").strip()
    if method not in METHODS:
        raise StepError("warnings.error.method")
    if not recipient or len(recipient) > RECIPIENT_LENGTH:
        raise StepError("warnings.error.recipient")
    return Step(credit_code, step, happened, method, recipient, note)


def _when(value: str | None, now: datetime) -> datetime:
    """A datetime-local value (Beijing time, e.g. 2026-11-27T14:30); empty is now."""
    if not value:
        return now
    try:
        happened = datetime.fromisoformat(value)
    except ValueError as exc:
        raise StepError("warnings.error.when") from exc
    happened = happened.replace(tzinfo=BEIJING) if happened.tzinfo is None else happened
    if happened > now + timedelta(minutes=5) or happened < now - EARLIEST:
        raise StepError("warnings.error.when")
    return happened


def age_days(since: datetime | None, now: datetime) -> int | None:
    """Whole days a warning has been open (None: not known)."""
    return None if since is None else max((now - since).days, 0)
