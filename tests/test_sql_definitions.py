"""The live functions and views are exactly what data_access/sql/ defines (the files named after what they
define): applying the files again inside a transaction changes no definition."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

SQL = Path(__file__).resolve().parent.parent / "data_access" / "sql"
FILES = ("fusion.sql", "aggregates.sql", "colour_changes.sql", "warnings.sql", "history.sql", "managed.sql")


def _defined(name: str) -> tuple[list[str], list[str]]:
    body = (SQL / name).read_text(encoding="utf-8")
    functions = re.findall(r"CREATE OR REPLACE FUNCTION (?:public\.)?(\w+)\(", body)
    views = re.findall(r"CREATE OR REPLACE VIEW (\w+)", body)
    return functions, views


def _definitions(conn, functions: list[str], views: list[str]) -> dict[str, str]:
    found = {f"function {r[0]}": r[1] for r in conn.execute(text(
        "SELECT proname, pg_get_functiondef(oid) FROM pg_proc WHERE proname = ANY (:n)"), {"n": functions})}
    found |= {f"view {r[0]}": r[1] for r in conn.execute(text(
        "SELECT relname, pg_get_viewdef(oid) || coalesce(array_to_string(reloptions, ','), '') FROM pg_class"
        " WHERE relname = ANY (:n) AND relkind = 'v'"), {"n": views})}
    return found


@pytest.mark.parametrize("name", FILES)
def test_the_live_definitions_are_the_files(engine, name):
    functions, views = _defined(name)
    assert functions or views
    with engine.connect() as conn, conn.begin() as transaction:
        live = _definitions(conn, functions, views)
        assert len(live) == len(functions) + len(views), "a definition in the file is missing from the database"
        conn.connection.driver_connection.cursor().execute((SQL / name).read_text(encoding="utf-8"))
        assert _definitions(conn, functions, views) == live
        transaction.rollback()


def test_a_changed_definition_would_be_noticed(engine):
    """The comparison can fail: a function replaced with another body differs."""
    with engine.connect() as conn, conn.begin() as transaction:
        before = _definitions(conn, ["enterprise_status"], [])
        conn.execute(text("CREATE OR REPLACE FUNCTION enterprise_status(red int, yellow int, missing int, total int)"
                          " RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'cleared' $$"))
        assert _definitions(conn, ["enterprise_status"], []) != before
        transaction.rollback()
