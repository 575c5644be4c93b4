"""The health-code services module (健康码服务): a page at /services with the appeals queue and case,
walk-in registration and oversight. Registers the appeals import kind (data_access.health_services.intake)."""

from __future__ import annotations

from callbacks.health_services import api, exports, page
from callbacks.modules import Module
from domain.permissions import READ_APPEALS
from layouts.health_services.page import services_page

MODULE = Module(name="health_services", label="nav.services", action=READ_APPEALS, path="/services",
                layout=services_page, callbacks=page.register, routes=exports.register, api=api.register,
                api_paths=frozenset({api.PATH}), subtitle="services.subtitle")
