"""Demo users: one per role, the official and the community worker also at street and community level.

DEMO ONLY: these passwords are public (README). Outside demo mode the app refuses to start while any of
them is still in use (see app.py).
"""

from __future__ import annotations

from sqlalchemy import Connection

from data_access.users.accounts import create_user

DEMO_USERS = [
    # username, display name, role, organisation unit, password
    ("leader", "区领导", "leader", "330105000000", "demo-leader-2020"),
    ("official", "区指挥部", "official", "330105000000", "demo-official-2020"),
    ("gcq.official", "拱宸桥街道干部", "official", "330105005000", "demo-gcq-official-2020"),
    ("tzl.worker", "台州路社区网格员", "community_worker", "330105005052", "demo-tzl-worker-2020"),
    # policies: the civil affairs bureau's official, who handles the applications dispatched to it
    ("civil.official", "区民政局经办人", "official", "330105000000", "demo-civil-official-2020"),
    ("operator", "数据组操作员", "data_operator", "330105000000", "demo-operator-2020"),
    ("auditor", "审计员", "auditor", "330105000000", "demo-auditor-2020"),
    ("admin", "系统管理员", "administrator", "330105000000", "demo-admin-2020"),
]


def create_demo_users(conn: Connection) -> list[tuple[str, str, str, str]]:
    """Create the demo users; returns (username, role, org, password) for the loader to print."""
    made = []
    for username, name, role, org, password in DEMO_USERS:
        create_user(conn, username, name, role, org, password, demo=True)
        made.append((username, role, org, password))
    return made
