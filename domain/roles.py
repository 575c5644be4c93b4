"""The roles a user of the dashboard can have (app_user.role)."""

from __future__ import annotations

LEADER = "leader"
OFFICIAL = "official"
COMMUNITY_WORKER = "community_worker"
DATA_OPERATOR = "data_operator"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"
PROXY_AGENT = "proxy_agent"  # 代办员: applies for health codes on behalf of people of one community

ROLES = (LEADER, OFFICIAL, COMMUNITY_WORKER, DATA_OPERATOR, AUDITOR, ADMINISTRATOR, PROXY_AGENT)
