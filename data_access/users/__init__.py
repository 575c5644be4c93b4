"""The users module: accounts, passwords, login throttling and the integration tokens of other systems."""
