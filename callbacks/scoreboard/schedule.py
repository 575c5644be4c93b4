"""The daily brief on a schedule: at the configured time of day (SANSETU_BRIEF_AT, Beijing time) the day's
brief of the configured leader's area (SANSETU_BRIEF_USER) is made and kept, exactly once a day.

Every server process (gunicorn's workers) runs the same small scheduler (APScheduler, one cron job); the
database decides which of them makes the brief (brief.claim_scheduled: a lock, then a unique row per area
and day), so two workers never make two. A process started after the time makes the day's brief if nobody has
(a server down at 07:30 still gives the day its brief). The brief is made as that user, through a session of
its own (audited as his login by the job), so his area and rights apply exactly as on the page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from callbacks.gate import acting_as
from callbacks.scoreboard.brief import make_brief_pdf
from data_access.scoreboard_views import brief
from data_access.session import DataUnavailable
from data_access.settings import Settings, settings
from domain import clock
from domain.permissions import READ_SCOREBOARD
from domain.scoreboard import brief_due
from i18n import t

log = logging.getLogger(__name__)
JOB = "scheduled_brief"
CATCH_UP_SECONDS = 60  # after start-up: the server is up and answering before Chromium is started
_made: set = set()  # the days this process saw the day's brief kept (by itself or another)


def run_due(now: datetime, render: Callable[[str], bytes] = brief.render_pdf, config: Settings | None = None) -> str:
    """Make the day's brief if it is due at `now` (Beijing) and nobody has made it: 'made', 'kept' (made
    already, or being made by another process), 'not_due' or 'skipped' (no such user, no right, no database)."""
    config = config or settings()
    day = now.date()
    if not brief_due(now, config.brief_at):
        return "not_due"
    if day in _made:
        return "kept"
    try:
        with acting_as(config.brief_user, JOB) as actor:
            if actor is None or not actor.may(READ_SCOREBOARD):
                log.warning(t("cli.brief_skipped", reason=config.brief_user))
                return "skipped"
            made = make_brief_pdf(actor, day, scheduled=True, render=render)
    except DataUnavailable as exc:
        log.warning(t("cli.brief_skipped", reason=exc))
        return "skipped"
    _made.add(day)
    return "made" if made else "kept"


def daily_trigger(at: time) -> CronTrigger:
    """Every day at `at`, Beijing time."""
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=clock.BEIJING)


def start(config: Settings | None = None) -> BackgroundScheduler | None:
    """The process's scheduler (a daemon thread), or None when the brief has no time (SANSETU_BRIEF_AT=off)."""
    at = (config or settings()).brief_at
    if at is None:
        return None
    scheduler = BackgroundScheduler(timezone=clock.BEIJING, daemon=True)
    job = {"func": lambda: run_due(clock.now(), config=config), "coalesce": True, "max_instances": 1,
           "misfire_grace_time": 3600}
    scheduler.add_job(trigger=daily_trigger(at), id=JOB, **job)
    scheduler.add_job(trigger="date", run_date=clock.now() + timedelta(seconds=CATCH_UP_SECONDS),
                      id=JOB + "_catch_up", **job)
    scheduler.start()
    return scheduler
