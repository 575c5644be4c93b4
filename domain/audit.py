"""What the audit log records (audit_log.action)."""

from __future__ import annotations

AUDIT_ACTIONS = ("login", "login_failed", "logout", "export", "reveal", "user_created", "user_disabled",
                 "user_enabled", "password_reset", "refused", "import", "live_batch", "token_created",
                 "token_revoked",
                 # appeals
                 "appeal_step", "appeal_proposed", "appeal_reviewed", "appeal_converted", "appeal_rejected",
                 "appeal_reassigned", "appeal_configured",
                 # proxy applications
                 "proxy_assigned", "proxy_contact", "proxy_card_bound", "proxy_list_printed",
                 # key persons
                 "keyperson_placed", "keyperson_contacted", "keyperson_measure", "keyperson_followup",
                 "keyperson_released", "keyperson_colour",
                 # warnings followed to the end
                 "warning_notified", "reopening_confirmed",
                 # scoreboard: a daily brief made (每日简报)
                 "scoreboard_brief",
                 # migrants and rental housing
                 "migrant_reviewed", "migrant_qr_revoked",
                 # policies
                 "policy_defined", "policy_application_filed", "policy_application_step", "policy_roll_made",
                 "policy_payments_returned", "policy_direct_queued", "policy_hotline_logged",
                 "policy_public_submitted")
