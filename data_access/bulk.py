"""Bulk loading with COPY inside the caller's transaction."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text


def copy_frame(conn: Connection, table: str, frame: pd.DataFrame) -> int:
    """COPY frame into table (columns named as the frame's); returns the row count."""
    buffer = io.StringIO()
    frame = frame.assign(**{c: _utc_text(frame[c]) for c in frame.columns
                            if isinstance(frame[c].dtype, pd.DatetimeTZDtype)})
    frame.to_csv(buffer, index=False, header=False, na_rep="")
    buffer.seek(0)
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    cursor = conn.connection.driver_connection.cursor()
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", buffer)
    return len(frame)


def _utc_text(times: pd.Series) -> np.ndarray:
    """Times as UTC text PostgreSQL reads ('2026-11-27T05:00:00.000000Z'), formatted by numpy: pandas'
    date_format formats each of a million values in Python (12 s of a snapshot's 45)."""
    values = times.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[us]")
    return np.where(np.isnat(values), "", np.datetime_as_string(values, unit="us", timezone="UTC"))


@contextmanager
def foreign_keys_deferred(conn: Connection, tables: list[str]) -> Iterator[None]:
    """Drop the foreign keys of tables for the block and add them back (each checked once, in bulk).

    Checking a key per copied row costs more than the COPY itself; re-adding a key validates all rows
    with one join. All of it happens in the caller's transaction, so a failure leaves the keys in place.
    """
    keys = conn.execute(
        text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid::regclass::text = ANY (:tables)"
        ),
        {"tables": tables},
    ).all()
    for table, name, _ in keys:
        conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    yield
    for table, name, definition in keys:
        conn.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
