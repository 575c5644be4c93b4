"""The scoreboard module (晾晒台): /scoreboard for leaders and officials: every module's headlines as the
seed's sentences and the streets and communities ranked on their work. It reads every module's figures through
SQL views only (the contract: data_access/scoreboard_views/__init__.py); its big-screen page is scoreboard_screen."""

from __future__ import annotations

from callbacks.modules import Module
from callbacks.scoreboard import brief, page, schedule
from domain.permissions import READ_SCOREBOARD
from layouts.scoreboard.page import scoreboard_page


def _callbacks(app) -> None:
    page.register(app)
    brief.register(app)


MODULE = Module(name="scoreboard", label="nav.scoreboard", action=READ_SCOREBOARD, path="/scoreboard",
                layout=scoreboard_page, callbacks=_callbacks, routes=brief.register_routes,
                subtitle="scoreboard.subtitle", background=schedule.start)
