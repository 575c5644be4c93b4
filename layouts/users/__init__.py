"""The administrator's page: users and integration tokens."""
