"""The daily brief (每日简报): one click makes today's PDF for the user's area (kept in the history, audited);
a kept brief reopens by its number, within the user's area (PostgreSQL checks it). schedule.py makes the
day's brief on its own at the configured time, through the same make_brief_pdf."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import quote

from dash import Dash, Input, Output, html
from flask import Flask, Response

from callbacks.downloads import refusal
from callbacks.gate import require
from data_access import aggregates
from data_access.scoreboard_views import brief
from data_access.scoreboard_views.board import board_for, take_day_once
from data_access.session import DataUnavailable, reading, writing
from data_access.settings import settings
from domain.actor import Actor
from domain.clock import now, today
from domain.permissions import READ_SCOREBOARD
from i18n import t
from layouts import formatting
from layouts.metrics import legend_title, metric_classes, metric_value
from layouts.scoreboard import ids
from layouts.scoreboard.brief import brief_html
from layouts.scoreboard.page import BRIEF_PATH

METRIC, BASIS = "red_ratio", "residents"


def register(app: Dash) -> None:
    app.callback(Output(ids.SB_BRIEFS, "children"), Input(ids.SB_BRIEFS, "id"))(show_briefs)


def register_routes(server: Flask) -> None:
    server.add_url_rule(BRIEF_PATH, "scoreboard_brief", make_brief)
    server.add_url_rule("/scoreboard/brief/<int:brief_id>.pdf", "scoreboard_brief_kept", kept_brief)


def show_briefs(_id):
    actor = require(READ_SCOREBOARD)
    try:
        with reading(actor) as conn:
            kept = brief.briefs(conn, actor.scope)
    except DataUnavailable:
        return t("scoreboard.error")
    if not kept:
        return html.Li(t("scoreboard.brief.none"))
    return [html.Li(html.A(t("scoreboard.brief.item", day=b["day"].isoformat(), time=formatting.beijing_time(
        b["made_at"]), who=t("scoreboard.brief.scheduled") if b["scheduled"] else b["made_by"]),
        href=f"/scoreboard/brief/{b['id']}.pdf", target="_blank")) for b in kept]


def make_brief() -> Response:
    actor = require(READ_SCOREBOARD)
    try:
        pdf, area = make_brief_pdf(actor, today())
    except DataUnavailable:
        return refusal("scoreboard.brief.failed", 503)
    return _pdf(pdf, f"{t('scoreboard.brief.title', area=area)}_{today():%Y%m%d}.pdf", inline=False)


def make_brief_pdf(actor: Actor, day: date, scheduled: bool = False,
                   render: Callable[[str], bytes] = brief.render_pdf) -> tuple[bytes, str] | None:
    """The day's brief of the actor's area as a PDF, kept in the history (with an audit row), with the day's
    snapshot taken if it was not yet; and the area's name. One transaction: a scheduled brief is made by one
    server process only (None: another is making it, or it has been made)."""
    config = settings()
    take_day_once(actor)  # a transaction of its own: its lock is not held while the PDF is printed
    with writing(actor) as work:
        if scheduled and not brief.claim_scheduled(work.conn, actor.org_code, day):
            return None
        # The board the page shows (kept at most 30 s): the brief says what the leader just read.
        content = board_for(actor, config.scoreboard_weights)
        shapes = brief.outlines(work.conn, actor.scope)
        values = {r["code"]: metric_value(r, METRIC, BASIS)
                  for r in aggregates.community_map_rows(work.conn, actor.scope)}
        page = brief_html(content, day.isoformat(), formatting.beijing_time(now()), shapes, values,
                          metric_classes(METRIC, config.class_breaks[METRIC]), legend_title(METRIC))
        pdf = render(page)
        number = brief.save_brief(work.conn, actor.org_code, day, actor.username, pdf, scheduled)
        work.audit("scoreboard_brief", actor.org_code, {"brief": number, "bytes": len(pdf), "scheduled": scheduled})
    return pdf, content["area"]


def kept_brief(brief_id: int) -> Response:
    actor = require(READ_SCOREBOARD)
    try:
        with reading(actor) as conn:
            found = brief.brief_pdf(conn, brief_id)
    except DataUnavailable:
        return refusal("scoreboard.error", 503)
    if found is None:
        return refusal("scoreboard.brief.none", 404)
    day, pdf = found
    return _pdf(pdf, f"每日简报_{day:%Y%m%d}_{brief_id}.pdf", inline=True)


def _pdf(content: bytes, name: str, inline: bool) -> Response:
    how = "inline" if inline else "attachment"
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f"{how}; filename*=UTF-8''{quote(name)}"})
