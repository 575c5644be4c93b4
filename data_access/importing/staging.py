"""The temporary table "stage" of a tabular kind, and the shape the database's checks return in.

Checks return rows of (row, column header, value, reason key). The table is dropped at commit. A big file
is staged chunk by chunk (create_stage, then copy_rows and copy_keys per chunk): rows that repeat a key
are then found by the database (duplicates), whichever chunks they were read in.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, text

from data_access.bulk import copy_frame
from data_access.importing.base import Kind, RowError

KEY_SEPARATOR = "\x1f"  # between the parts of a key of several fields


def stage_rows(conn: Connection, kind: Kind, rows: pd.DataFrame) -> None:
    """COPY the kind's copied fields of the usable rows into a fresh staging table."""
    create_stage(conn, kind)
    copy_rows(conn, kind, rows)
    conn.execute(text("ANALYZE stage"))


def create_stage(conn: Connection, kind: Kind) -> None:
    """The staging table, and stage_key: the keys of rows refused before staging (for duplicates)."""
    conn.execute(text(f"CREATE TEMP TABLE stage (row_no int PRIMARY KEY, {kind.stage_columns}) ON COMMIT DROP"))
    conn.execute(text("CREATE TEMP TABLE stage_key (row_no int, key text) ON COMMIT DROP"))


def copy_rows(conn: Connection, kind: Kind, rows: pd.DataFrame) -> None:
    columns = ["row", *kind.copied]
    # In key order (within the chunk): the lookups of the checks, the merge and the aggregates' triggers then walk
    # the registers' indexes from one end to the other instead of jumping about them.
    ordered = rows[columns]
    if kind.key and set(kind.key) <= set(columns):
        ordered = ordered.sort_values(list(kind.key), kind="stable")
    copy_frame(conn, "stage", ordered.rename(columns={"row": "row_no"}))


def copy_keys(conn: Connection, kind: Kind, rows: pd.DataFrame) -> None:
    """The keys of checked rows that are not staged (they have errors), when every part of the key is usable:
    a row that repeats one of them is a duplicate too."""
    keys = list(kind.key)
    usable = rows[rows[keys].notna().all(axis=1)]
    if keys and len(usable):
        joined = usable[keys[0]].map(str)
        for key in keys[1:]:
            joined = joined + KEY_SEPARATOR + usable[key].map(str)
        copy_frame(conn, "stage_key", pd.DataFrame({"row_no": usable["row"].to_numpy(), "key": joined.to_numpy()}))


def duplicates(conn: Connection, kind: Kind) -> list[RowError]:
    """Rows whose key an earlier row of the file has (staged, or refused for another reason), in file order,
    each naming the first row with the key."""
    if not kind.key:
        return []
    key = " || chr(31) || ".join(f"{name}::text" for name in kind.key)  # NULL when a part is missing
    repeated = conn.execute(text(f"""
        SELECT row_no, split_part(key, chr(31), 1), first FROM (
          SELECT row_no, key, min(row_no) OVER (PARTITION BY key) AS first FROM (
            SELECT row_no, {key} AS key FROM stage UNION ALL SELECT row_no, key FROM stage_key) k
          WHERE key IS NOT NULL) d
        WHERE row_no <> first ORDER BY row_no""")).all()
    shown = kind.field(kind.key[0]).header
    return [RowError(row, shown, value, "duplicate", str(first)) for row, value, first in repeated]


def found(conn: Connection, sql: str, **params: object) -> list[tuple]:
    """The problems a check query returns, as plain tuples."""
    return [tuple(r) for r in conn.execute(text(sql), params).all()]
