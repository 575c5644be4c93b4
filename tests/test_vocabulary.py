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
    ("audit_log", "action", AUDIT_ACTIONS),
    ("health_code", "colour", COLOURS),
    ("health_code_history", "colour", COLOURS),
    ("managed_person", "kind", MANAGED_KINDS),
    ("person", "residence_type", RESIDENCE_TYPES),
])
def test_python_and_sql_list_the_same_values(conn, table, column, values):
    assert _checked_values(conn, table, column) == set(values)


def test_the_status_rule_yields_exactly_the_statuses(conn):
    """enterprise_status() is the only source of statuses: every combination gives one of STATUSES."""
    produced = set(conn.execute(text(
        "SELECT DISTINCT enterprise_status(r, y, m, t) FROM generate_series(0, 1) r, generate_series(0, 1) y,"
        " generate_series(0, 1) m, generate_series(0, 2) t")).scalars())
    assert produced == set(STATUSES)
