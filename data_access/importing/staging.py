"""The temporary table "stage" of a tabular kind, and the shape the database's checks return in.

Checks return rows of (row, column header, value, reason key). The table is dropped at commit.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, text

from data_access.bulk import copy_frame
from data_access.importing.base import Kind


def stage_rows(conn: Connection, kind: Kind, rows: pd.DataFrame) -> None:
    """COPY the kind's copied fields of the usable rows into a fresh staging table."""
    conn.execute(text(f"CREATE TEMP TABLE stage (row_no int PRIMARY KEY, {kind.stage_columns}) ON COMMIT DROP"))
    columns = ["row", *kind.copied]
    # In key order: the lookups of the checks, the merge and the aggregates' triggers then walk the registers'
    # indexes from one end to the other instead of jumping about them.
    ordered = rows[columns]
    if set(kind.key) <= set(columns):
        ordered = ordered.sort_values(list(kind.key), kind="stable")
    copy_frame(conn, "stage", ordered.rename(columns={"row": "row_no"}))
    conn.execute(text("ANALYZE stage"))


def found(conn: Connection, sql: str, **params: object) -> list[tuple]:
    """The problems a check query returns, as plain tuples."""
    return [tuple(r) for r in conn.execute(text(sql), params).all()]
