"""The roles a user of the dashboard can have (app_user.role)."""

from __future__ import annotations

LEADER = "leader"
OFFICIAL = "official"
COMMUNITY_WORKER = "community_worker"
DATA_OPERATOR = "data_operator"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"

ROLES = (LEADER, OFFICIAL, COMMUNITY_WORKER, DATA_OPERATOR, AUDITOR, ADMINISTRATOR)
