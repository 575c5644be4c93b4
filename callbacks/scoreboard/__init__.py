"""The scoreboard module (晾晒台): /scoreboard for leaders and officials, and its big-screen page
/scoreboard/screen in the big screen's turn. It reads every module's figures through SQL views only (the
contract: data_access/scoreboard/__init__.py)."""

from __future__ import annotations

from callbacks.modules import Module
from callbacks.scoreboard import page, screen
from domain.permissions import READ_SCOREBOARD
from layouts.scoreboard.page import scoreboard_page
from layouts.scoreboard.screen import scoreboard_screen

MODULE = Module(name="scoreboard", label="nav.scoreboard", action=READ_SCOREBOARD, path="/scoreboard",
                layout=scoreboard_page, callbacks=page.register, subtitle="scoreboard.subtitle")
SCREEN = Module(name="scoreboard_screen", label="nav.scoreboard", action=READ_SCOREBOARD, path="/scoreboard/screen",
                layout=scoreboard_screen, callbacks=screen.register, routes=screen.register_routes, nav=False,
                framed=False)
