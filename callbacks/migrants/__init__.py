"""The migrants module (新拱墅人一码通): a page at /migrants with the area's review queue and oversight, and the
public phone pages under /m/ (declaration, receipt, QR code, verification) that need no login."""

from __future__ import annotations

from callbacks.migrants import page, public
from callbacks.modules import Module
from domain.permissions import READ_MIGRANTS
from layouts.migrants.page import migrants_page

MODULE = Module(name="migrants", label="nav.migrants", action=READ_MIGRANTS, path="/migrants", layout=migrants_page,
                callbacks=page.register, routes=page.routes, public=public.register, subtitle="migrants.subtitle")
