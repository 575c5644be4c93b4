"""The proxy-applications module (帮办代办), part of the health-code services: a page at /proxy with the
agent's door-to-door list, the list of the area and its assignments, and coverage. A page of its own
(not a tab of /services): agents see this and nothing of the appeals. Registers the proxy_list import kind."""

from __future__ import annotations

from callbacks.modules import Module
from callbacks.proxy import page, printing
from data_access.proxy import citylist  # noqa: F401  (registers the proxy_list kind)
from domain.permissions import READ_PROXY
from layouts.proxy.page import proxy_page

MODULE = Module(name="proxy", label="nav.proxy", action=READ_PROXY, path="/proxy", layout=proxy_page,
                callbacks=page.register, routes=printing.register, subtitle="proxy.subtitle")
