"""What each role may do: one table of action -> roles, read by the one gate (callbacks.gate.require).

README.md ("Who may do what") shows the same table; tests/test_permissions.py holds the two together.
A module adds its actions here, never a role name compared in a callback.
"""

from __future__ import annotations

from domain.roles import ADMINISTRATOR, AUDITOR, COMMUNITY_WORKER, DATA_OPERATOR, LEADER, OFFICIAL

READ_MAP = "map.read"  # the three-colour map, area totals, enterprise counts and statuses
READ_PEOPLE = "people.read"  # enterprises' non-green staff, masked
REVEAL_PERSON = "people.reveal"  # one person's full ID number and phone (audited)
READ_ENTERPRISES = "enterprises.read"  # the enterprise table
EXPORT_ENTERPRISES = "enterprises.export"  # XLSX/CSV of the table, the cleared and warned lists (audited)
READ_STATISTICS = "statistics.read"
READ_BIG_SCREEN = "bigscreen.read"
IMPORT_DATA = "data.import"  # upload files, read the import history of the area
READ_AUDIT = "audit.read"  # the audit log, filtered and exported (the export is audited)
MANAGE_USERS = "users.manage"  # create, disable, enable users, reset passwords
MANAGE_TOKENS = "tokens.manage"  # integration tokens of the systems that push colour changes
READ_WARNINGS = "warnings.read"  # the open warnings of the area: stages, ages, counts per street
RECORD_WARNINGS = "warnings.record"  # record a warning given and a reopening confirmed (audited)

_READERS = frozenset({LEADER, OFFICIAL, COMMUNITY_WORKER, DATA_OPERATOR})

PERMISSIONS: dict[str, frozenset[str]] = {
    READ_MAP: _READERS,
    READ_PEOPLE: frozenset({LEADER, OFFICIAL, COMMUNITY_WORKER}),
    REVEAL_PERSON: frozenset({COMMUNITY_WORKER}),
    READ_ENTERPRISES: _READERS,
    EXPORT_ENTERPRISES: frozenset({OFFICIAL}),
    READ_STATISTICS: _READERS,
    READ_BIG_SCREEN: _READERS,
    IMPORT_DATA: frozenset({DATA_OPERATOR}),
    READ_AUDIT: frozenset({AUDITOR}),
    MANAGE_USERS: frozenset({ADMINISTRATOR}),
    MANAGE_TOKENS: frozenset({ADMINISTRATOR}),
    READ_WARNINGS: frozenset({LEADER, OFFICIAL, COMMUNITY_WORKER}),
    RECORD_WARNINGS: frozenset({COMMUNITY_WORKER}),
}


def allowed(role: str | None, action: str) -> bool:
    """Whether the role may take the action; an unknown action is allowed to nobody."""
    return role is not None and role in PERMISSIONS.get(action, frozenset())
