"""Check every cell of a file's rows and say, per row and column, what is wrong (nothing is written here)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from data_access.importing.base import Kind, RowError, latest_time, rows_with_errors
from data_access.importing.cells import not_after

__all__ = ["RowError", "check_rows", "rows_with_errors"]


def check_rows(frame: pd.DataFrame, kind: Kind, latest: datetime | None = None, duplicates: bool = True
               ) -> tuple[pd.DataFrame, list[RowError]]:
    """The rows with each cell normalised (typed values), and the errors found (with rows repeating a key
    unless duplicates is False: a file read in chunks has them found by the database, staging.duplicates).

    Each distinct value is checked once: a snapshot repeats the same colour and time a million times.
    A field marked not_future refuses a time after latest (default: now plus the clock skew allowed).
    """
    clean = pd.DataFrame({"row": frame["row"].to_numpy()})
    errors: list[RowError] = []
    latest = latest or latest_time()
    for f in kind.fields:
        raw = frame[f.name].fillna("").astype(str)
        if f.bulk:
            values, reasons = f.bulk(raw)
            clean[f.name] = values.to_numpy()
        else:
            check = not_after(f.check, latest) if f.not_future else f.check
            results = {value: check(value) for value in raw.unique()}
            clean[f.name] = raw.map(lambda v, r=results: r[v][0]).to_numpy()
            reasons = raw.map(lambda v, r=results: r[v][1])
        bad = reasons.notna().to_numpy()
        if bad.any():
            errors.extend(RowError(int(row), f.header, value, reason)
                          for row, value, reason in zip(frame["row"][bad], raw[bad], reasons[bad], strict=True))
    if duplicates:
        errors.extend(_duplicates(clean, kind))
    return clean, errors


def _duplicates(clean: pd.DataFrame, kind: Kind) -> list[RowError]:
    keys = list(kind.key)
    if not keys:  # a kind whose rows may repeat anything (its review warns of repeats)
        return []
    usable = clean[keys].notna().all(axis=1)
    candidates = clean[usable]
    repeated = candidates.duplicated(keys, keep="first")
    if not repeated.any():
        return []
    first = candidates.drop_duplicates(keys, keep="first").set_index(keys)["row"]
    shown = kind.field(keys[0]).header
    return [
        RowError(int(r["row"]), shown, str(r[keys[0]]), "duplicate",
                 str(first.loc[tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]]))
        for _, r in candidates[repeated].iterrows()
    ]
