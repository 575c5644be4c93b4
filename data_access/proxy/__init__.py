"""Proxy applications (帮办代办): the list of people who need a proxy (the city's list, an import kind, and
the register's age rule, reconciled), agents' contacts and card bindings, coverage of an area."""
