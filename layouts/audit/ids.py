"""Component ids of the auditor's page."""

AUDIT_ACTION = "audit-action"
AUDIT_USER = "audit-user"
AUDIT_SINCE = "audit-since"
AUDIT_TABLE = "audit-table"
AUDIT_EXPORT = "audit-export"
