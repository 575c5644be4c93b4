"""The auditor's page: who did what, when, from where."""
