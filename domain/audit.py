"""What the audit log records (audit_log.action)."""

from __future__ import annotations

AUDIT_ACTIONS = ("login", "login_failed", "logout", "export", "reveal", "user_created", "user_disabled",
                 "user_enabled", "password_reset", "refused", "import", "live_batch", "token_created",
                 "token_revoked", "warning_notified", "reopening_confirmed")
