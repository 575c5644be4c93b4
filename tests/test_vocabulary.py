"""The shared vocabulary (domain/) and the database's CHECK constraints list the same values."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from domain.audit import AUDIT_ACTIONS
from domain.registers import COLOURS, MANAGED_KINDS, RESIDENCE_TYPES, STATUSES
from domain.roles import ROLES


def _checked_values(conn, table: str, column: str) -> set[str]:
    """The values a CHECK (column IN (...)) or (column = ANY (ARRAY[...])) of the table allows."""
    definitions = conn.execute(text(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) AND contype = 'c'"),
        {"t": table}).scalars().all()
    found = [d for d in definitions if re.search(rf"\b{column}\b", d) and ("ANY" in d or " IN " in d)]
    assert len(found) == 1, (table, column, definitions)
    return set(re.findall(r"'([^']+)'::text", found[0]))


@pytest.mark.parametrize(("table", "column", "values"), [
    ("app_user", "role", ROLES),
    ("health_code", "colour", COLOURS),
    ("health_code_history", "colour", COLOURS),
    ("managed_person", "kind", MANAGED_KINDS),
    ("person", "residence_type", RESIDENCE_TYPES),
])
def test_python_and_sql_list_the_same_values(conn, table, column, values):
    assert _checked_values(conn, table, column) == set(values)


def test_the_audit_log_takes_exactly_the_known_actions(conn):
    """audit_action (the foreign key of audit_log.action) holds every action of domain/audit.py, and an action
    nobody declared is refused by PostgreSQL."""
    assert set(AUDIT_ACTIONS) <= set(conn.execute(text("SELECT action FROM audit_action")).scalars())
    with pytest.raises(Exception, match="audit_log_action_fkey"), conn.begin_nested():
        conn.execute(text("INSERT INTO audit_log (action, username) VALUES ('no_such_action', 'x')"))


def test_the_status_rule_yields_exactly_the_statuses(conn):
    """enterprise_status() is the only source of statuses: every combination gives one of STATUSES."""
    produced = set(conn.execute(text(
        "SELECT DISTINCT enterprise_status(r, y, m, t) FROM generate_series(0, 1) r, generate_series(0, 1) y,"
        " generate_series(0, 1) m, generate_series(0, 2) t")).scalars())
    assert produced == set(STATUSES)
