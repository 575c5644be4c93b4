"""What each role may do: one table of action -> roles, read by the one gate (callbacks.gate.require).

README.md ("Who may do what") shows the same table; tests/test_permissions.py holds the two together.
A module adds its actions here, never a role name compared in a callback.
"""

from __future__ import annotations

from domain.roles import ADMINISTRATOR, AUDITOR, COMMUNITY_WORKER, DATA_OPERATOR, LEADER, OFFICIAL, PROXY_AGENT

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
# Appeals (健康码服务: 异议申诉复核)
READ_APPEALS = "appeals.read"  # the queue and the case pages of the area
HANDLE_APPEALS = "appeals.handle"  # register walk-ins, record the three steps, propose a decision
REVIEW_APPEALS = "appeals.review"  # approve or send back at the tier of one's own level
REASSIGN_APPEALS = "appeals.reassign"  # move a request to another community (district users)
OVERSEE_APPEALS = "appeals.oversee"  # counts, times to decision, overdue requests
EXPORT_APPEALS = "appeals.export"  # the daily list of decisions as XLSX for the city platform (audited)
CONFIGURE_APPEALS = "appeals.configure"  # the tiers each decision needs, the deadline (district users)
# Proxy applications (健康码服务: 帮办代办)
READ_PROXY = "proxy.read"  # the list of people needing a proxy, coverage, progress, workloads of the area
ASSIGN_PROXY = "proxy.assign"  # assign and reassign people on the list to the community's agents
WORK_PROXY = "proxy.work"  # record contacts and citizen-card bindings of one's own people, print one's list
# Key persons (精密智控)
READ_KEYPERSONS = "keypersons.read"  # batches, the area's tasks and persons (masked), chains
RECEIVE_KEYPERSONS = "keypersons.receive"  # load an upstream batch (matched, placed, dispatched)
PLACE_KEYPERSONS = "keypersons.place"  # place the district queue's persons by hand (district users)
HANDLE_KEYPERSONS = "keypersons.handle"  # first contact, measure, daily follow-ups, release in the area
OVERSEE_KEYPERSONS = "keypersons.oversee"  # per batch and per community times, measures and overdue tasks
READ_WARNINGS = "warnings.read"  # the open warnings of the area: stages, ages, counts per street
RECORD_WARNINGS = "warnings.record"  # record a warning given and a reopening confirmed (audited)
# Policies (民生直达 and 亲清在线)
READ_POLICIES = "policies.read"  # the catalogue, eligibility lists, applications and payments of the area
CONFIGURE_POLICIES = "policies.configure"  # define a policy, its rule and fund pool, dispatch rules (district)
FILE_POLICIES = "policies.file"  # file a person's application for them (the community's worker)
HANDLE_POLICIES = "policies.handle"  # accept, ask for more, approve or reject applications of the area
PAY_POLICIES = "policies.pay"  # payment rolls, their XLSX, the returned bank file, re-queueing (district)
HOTLINE_POLICIES = "policies.hotline"  # log a hotline call against an application
OVERSEE_POLICIES = "policies.oversee"  # per policy reach, money, days to payment; the map of reach
# Migrants and rental housing (新拱墅人一码通)
READ_MIGRANTS = "migrants.read"  # the area's migrants, landlords, rental houses and declarations (masked)
REVIEW_MIGRANTS = "migrants.review"  # accept, correct or reject declarations of the area; revoke QR codes
OVERSEE_MIGRANTS = "migrants.oversee"  # per community and street counts, density, the map, the roll-out
EXPORT_MIGRANTS = "migrants.export"  # a community's rental-house register as XLSX for the police (audited)
# Scoreboard (晾晒台)
READ_SCOREBOARD = "scoreboard.read"  # every module's headlines, streets and communities ranked on their work
# Key persons (精密智控), continued
EXPORT_KEYPERSONS = "keypersons.export"  # a batch's (or a day's) records as XLSX for the health bureau (audited)

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
    # appeals
    READ_APPEALS: frozenset({LEADER, OFFICIAL, COMMUNITY_WORKER}),
    HANDLE_APPEALS: frozenset({OFFICIAL, COMMUNITY_WORKER}),
    REVIEW_APPEALS: frozenset({OFFICIAL}),
    REASSIGN_APPEALS: frozenset({OFFICIAL}),
    OVERSEE_APPEALS: frozenset({LEADER, OFFICIAL}),
    EXPORT_APPEALS: frozenset({OFFICIAL}),
    CONFIGURE_APPEALS: frozenset({OFFICIAL}),
    # proxy applications
    READ_PROXY: frozenset({LEADER, OFFICIAL, COMMUNITY_WORKER, PROXY_AGENT}),
    ASSIGN_PROXY: frozenset({COMMUNITY_WORKER}),
    WORK_PROXY: frozenset({PROXY_AGENT}),
    # key persons
    READ_KEYPERSONS: frozenset({LEADER, OFFICIAL, COMMUNITY_WORKER}),
    RECEIVE_KEYPERSONS: frozenset({OFFICIAL, DATA_OPERATOR}),
    PLACE_KEYPERSONS: frozenset({OFFICIAL}),
    HANDLE_KEYPERSONS: frozenset({OFFICIAL, COMMUNITY_WORKER}),
    OVERSEE_KEYPERSONS: frozenset({LEADER, OFFICIAL}),
    READ_WARNINGS: frozenset({LEADER, OFFICIAL, COMMUNITY_WORKER}),
    RECORD_WARNINGS: frozenset({COMMUNITY_WORKER}),
    # policies
    READ_POLICIES: frozenset({LEADER, OFFICIAL, COMMUNITY_WORKER}),
    CONFIGURE_POLICIES: frozenset({OFFICIAL}),
    FILE_POLICIES: frozenset({COMMUNITY_WORKER}),
    HANDLE_POLICIES: frozenset({OFFICIAL}),
    PAY_POLICIES: frozenset({OFFICIAL}),
    HOTLINE_POLICIES: frozenset({OFFICIAL, COMMUNITY_WORKER}),
    OVERSEE_POLICIES: frozenset({LEADER, OFFICIAL}),
    # migrants and rental housing
    READ_MIGRANTS: frozenset({LEADER, OFFICIAL, COMMUNITY_WORKER}),
    REVIEW_MIGRANTS: frozenset({OFFICIAL, COMMUNITY_WORKER}),
    OVERSEE_MIGRANTS: frozenset({LEADER, OFFICIAL}),
    EXPORT_MIGRANTS: frozenset({OFFICIAL}),
    # scoreboard
    READ_SCOREBOARD: frozenset({LEADER, OFFICIAL}),
    # key persons, continued
    EXPORT_KEYPERSONS: frozenset({OFFICIAL}),
}


def allowed(role: str | None, action: str) -> bool:
    """Whether the role may take the action; an unknown action is allowed to nobody."""
    return role is not None and role in PERMISSIONS.get(action, frozenset())
