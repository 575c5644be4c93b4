"""The audit module: reading the audit log (the auditor's page and its export)."""
