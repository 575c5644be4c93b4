"""The audit module: the auditor's page at /audit and the log's export."""

from __future__ import annotations

from callbacks.audit import log
from callbacks.modules import Module
from domain.permissions import READ_AUDIT
from layouts.audit.page import audit_page

MODULE = Module(name="audit", label="nav.audit", action=READ_AUDIT, path="/audit", layout=audit_page,
                callbacks=log.register, routes=log.register_routes)
