"""The daily brief (每日简报): one click makes today's PDF for the user's area (kept in the history, audited);
a kept brief reopens by its number, within the user's area (PostgreSQL checks it)."""

from __future__ import annotations

from urllib.parse import quote

from dash import Dash, Input, Output, html
from flask import Flask, Response

from callbacks.downloads import refusal
from callbacks.gate import require
from data_access import aggregates
from data_access.scoreboard_views import brief
from data_access.scoreboard_views.board import board
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
    return [html.Li(html.A(t("scoreboard.brief.item", day=b["day"].isoformat(), who=b["made_by"],
                             time=formatting.beijing_time(b["made_at"])),
                           href=f"/scoreboard/brief/{b['id']}.pdf", target="_blank")) for b in kept]


def make_brief() -> Response:
    actor = require(READ_SCOREBOARD)
    try:
        pdf, area = brief_of_today(actor)
    except DataUnavailable:
        return refusal("scoreboard.brief.failed", 503)
    return _pdf(pdf, f"{t('scoreboard.brief.title', area=area)}_{today():%Y%m%d}.pdf", inline=False)


def brief_of_today(actor: Actor) -> tuple[bytes, str]:
    """Today's brief of the actor's area as a PDF, kept in the history (with an audit row); and the area's name."""
    config = settings()
    with reading(actor) as conn:
        content = board(conn, actor.scope, config.scoreboard_weights)
        shapes = brief.outlines(conn, actor.scope)
        values = {r["code"]: metric_value(r, METRIC, BASIS) for r in aggregates.community_map_rows(conn, actor.scope)}
    made = now()
    page = brief_html(content, today().isoformat(), formatting.beijing_time(made), shapes, values,
                      metric_classes(METRIC, config.class_breaks[METRIC]), legend_title(METRIC))
    pdf = brief.render_pdf(page)
    with writing(actor) as work:
        number = brief.save_brief(work.conn, actor.org_code, today(), actor.username, pdf)
        work.audit("scoreboard_brief", actor.org_code, {"brief": number, "bytes": len(pdf)})
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
