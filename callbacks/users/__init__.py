"""The users module: the administrator's page at /admin (users and integration tokens)."""

from __future__ import annotations

from callbacks.modules import Module
from callbacks.users import admin
from domain.permissions import MANAGE_USERS
from layouts.users.page import admin_page

MODULE = Module(name="users", label="nav.admin", action=MANAGE_USERS, path="/admin", layout=admin_page,
                callbacks=admin.register)
