"""The policies module (民生直达 and 亲清在线): a page at /policies with the two platforms as tabs, applications,
payments and oversight; the roll's XLSX download; and the public enterprise page at /apply (no login)."""

from __future__ import annotations

from callbacks.modules import Module
from callbacks.policies import exports, page, public
from domain.permissions import READ_POLICIES
from layouts.policies.page import policies_page

MODULE = Module(name="policies", label="nav.policies", action=READ_POLICIES, path="/policies",
                layout=policies_page, callbacks=page.register, routes=exports.register, public=public.register,
                subtitle="policies.subtitle")
