"""The big screen module: /bigscreen, the command room's wall display."""

from __future__ import annotations

from callbacks.bigscreen import screen
from callbacks.modules import Module
from domain.permissions import READ_BIG_SCREEN
from layouts.bigscreen.page import bigscreen_page

MODULE = Module(name="bigscreen", label="big.link", action=READ_BIG_SCREEN, path="/bigscreen",
                layout=bigscreen_page, callbacks=screen.register, routes=screen.register_routes,
                new_window=True, framed=False)
