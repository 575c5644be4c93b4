"""The scoreboard's reads: the registered headlines (scoped by the modules' row-level security), the
measures of the area's communities and of every street (the scoreboard's own scoped views)."""

from __future__ import annotations

from sqlalchemy import Connection, text


def sources(conn: Connection) -> list[dict]:
    """The registered modules, in the order of their sentences."""
    rows = conn.execute(text("SELECT module, headline_view, measure_view, position FROM scoreboard_source"
                             " ORDER BY position, module"))
    return [dict(r) for r in rows.mappings()]


def headlines(conn: Connection) -> list[dict]:
    """Every registered module's figures the session may see (none: the module has no data in the area)."""
    rows = conn.execute(text("SELECT module, key, value, as_of FROM scoreboard_headline ORDER BY module, key"))
    return [dict(r) for r in rows.mappings()]


def community_measures(conn: Connection, prefix: str) -> list[dict]:
    """The measures of the communities whose code starts with prefix (the database also keeps to the
    session's area)."""
    rows = conn.execute(text("""
        SELECT module, community_code AS code, name, street_code, street_name, measure, value, good, week_ago,
               day_ago
        FROM scoreboard_community_measure WHERE community_code LIKE :prefix ORDER BY module, measure, code"""),
        {"prefix": prefix + "%"})
    return [dict(r) for r in rows.mappings()]


def street_measures(conn: Connection) -> list[dict]:
    """Every street's measures (each the mean of its communities'): a street's place among the streets."""
    rows = conn.execute(text("""
        SELECT module, street_code AS code, name, measure, value, good, week_ago, communities, day_ago
        FROM scoreboard_street_measure ORDER BY module, measure, code"""))
    return [dict(r) for r in rows.mappings()]
