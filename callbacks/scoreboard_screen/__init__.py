"""The scoreboard's big-screen page (晾晒台大屏): /scoreboard/screen, dark, in the big screen's turn beside
the map (/bigscreen?turn=60). It reads the figures through the scoreboard's SQL views (data_access.scoreboard_views)."""

from __future__ import annotations

from callbacks.modules import Module
from callbacks.scoreboard_screen import screen
from domain.permissions import READ_SCOREBOARD
from layouts.scoreboard_screen.page import scoreboard_screen

MODULE = Module(name="scoreboard_screen", label="nav.scoreboard", action=READ_SCOREBOARD, path="/scoreboard/screen",
                layout=scoreboard_screen, callbacks=screen.register, routes=screen.register_routes, nav=False,
                framed=False)
