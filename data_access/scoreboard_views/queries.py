"""The scoreboard's reads: the registered headlines (scoped by the modules' row-level security), the
measures of the area's communities and of every street (the scoreboard's own scoped function)."""

from __future__ import annotations

from sqlalchemy import Connection, text


def sources(conn: Connection) -> list[dict]:
    """The registered modules, in the order of their sentences."""
    rows = conn.execute(text("SELECT module, headline_view, measure_view, position FROM scoreboard_source"
                             " ORDER BY position, module"))
    return [dict(r) for r in rows.mappings()]


def no_jit(conn: Connection) -> None:
    """The modules' views are many small aggregates whose estimated cost runs into the millions (correlated
    counts): PostgreSQL would compile them (JIT) for longer than they run. Off for this transaction (at full
    demo scale the board took 9-10 s with it off against 20-28 s on, on a loaded machine)."""
    conn.execute(text("SET LOCAL jit = off"))


def headlines(conn: Connection) -> list[dict]:
    """Every registered module's figures the session may see (none: the module has no data in the area)."""
    rows = conn.execute(text("SELECT module, key, value, as_of FROM scoreboard_headline ORDER BY module, key"))
    return [dict(r) for r in rows.mappings()]


def measures(conn: Connection, prefix: str) -> tuple[list[dict], list[dict]]:
    """The communities' measures (those whose code starts with prefix, within the session's area) and every
    street's, from one reading of the modules' views (scoreboard_measures(): the two scoped views above in one)."""
    rows = conn.execute(text("""
        SELECT kind, module, code, name, street_code, street_name, measure, value, good, week_ago, day_ago,
               communities
        FROM scoreboard_measures() WHERE kind = 'street' OR code LIKE :prefix ORDER BY kind, module, measure, code"""),
        {"prefix": prefix + "%"})
    communities, streets = [], []
    for row in rows.mappings():
        (streets if row["kind"] == "street" else communities).append(dict(row))
    return communities, streets
