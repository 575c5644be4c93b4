"""The vocabulary every import shares: what a kind of file is (Kind, Field), what an operator asks for
(ImportRequest), what comes back (ImportResult, RowError, FileProblem), and the steps of one load.

The framework modules (files, rows, load, reports, live) and each kind in kinds/ import this module and
nothing of each other, so a kind never imports the loader and the loader never imports a kind.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from data_access.importing.cells import Checked
from data_access.settings import settings
from domain import clock
from i18n import t

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Connection

Note = tuple[str, dict]  # an i18n key and its values: something the operator should know
Progress = Callable[[float, str], None]


class FileProblem(ValueError):
    """The file as a whole cannot be read: the message is an i18n key, with values for it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class RowError:
    row: int  # the row number in the file as Excel shows it (the header is usually row 1)
    column: str  # the template's header of the column
    value: str
    reason: str  # an i18n key under import.reason.
    detail: str = ""  # e.g. the other row of a duplicate

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason,
                "detail": self.detail}


def rows_with_errors(errors: list[RowError]) -> set[int]:
    return {e.row for e in errors}


def latest_time() -> datetime:
    """The latest time a row (or a snapshot) may say something happened: now in Beijing, plus the clock
    skew allowed between the sender's clock and ours (SANSETU_CLOCK_SKEW_MINUTES)."""
    return clock.now() + timedelta(minutes=settings().clock_skew_minutes)


@dataclass(frozen=True)
class ImportRequest:
    kind: str
    file_name: str
    content: bytes
    username: str
    org_code: str  # the operator's area: rows outside it are refused
    role: str | None = "data_operator"
    mode: str = "changes"  # for a kind with modes (health codes: "changes" or "snapshot")
    as_of: datetime | None = None  # a snapshot's time (default: now) for rows without one
    gcj02: bool = False  # coordinates are GCJ-02 (Chinese web maps): convert to WGS-84
    bd09: bool = False  # coordinates are BD-09 (Baidu maps): convert to WGS-84
    # A point outside the community its row names: warned, and the named community kept, unless the point
    # wins (its community is taken) or the operator asked for such rows to be refused (strict).
    point_wins: bool = False
    strict_places: bool = False
    crs: str | None = None  # a geometry kind: the CRS when the file does not say
    sheet: str | None = None  # the XLSX sheet (or HTML table) to read when the file has several
    skip_bad_rows: bool = False
    source: str | None = None  # recorded as the rows' source where a kind keeps one (default: the file name)
    exclusive: bool = True  # wait for other imports; live batches do not (row locks order their writes)
    check_only: bool = False  # a trial: check and merge, report what would be written, then roll back
    # The sender's login session (or a system's token): from the web, rows are written as the writer role,
    # PostgreSQL checking each against the area of that session. None: the command line (the owner).
    session: str | None = field(default=None, repr=False, compare=False)
    # The file on disk, read in blocks (content is then b""): a big file is never held in memory whole.
    path: Path | None = None

    def open(self) -> BinaryIO:
        """The file as a seekable binary stream (close it when done)."""
        return open(self.path, "rb") if self.path else io.BytesIO(self.content)

    @property
    def body(self) -> bytes:
        """The whole file in memory: for kinds read whole (boundary files)."""
        return self.path.read_bytes() if self.path else self.content

    @property
    def datum(self) -> str | None:
        """The web-map datum the coordinates are in (geo.datums), None for WGS-84 or a file's own CRS."""
        if self.gcj02 and self.bd09:
            raise FileProblem("import.file.two_datums")
        return "gcj02" if self.gcj02 else "bd09" if self.bd09 else None

    @cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.open() as stream:
            while block := stream.read(1 << 20):
                digest.update(block)
        return digest.hexdigest()

    def options(self, has_modes: bool) -> dict:
        """The options as recorded with the run (and compared to find the same file again)."""
        chosen = {"mode": self.mode if has_modes else None,
                  "as_of": self.as_of.isoformat() if self.as_of else None,
                  "gcj02": self.gcj02 or None, "bd09": self.bd09 or None, "point_wins": self.point_wins or None,
                  "strict_places": self.strict_places or None, "crs": self.crs, "sheet": self.sheet,
                  "skip_bad_rows": self.skip_bad_rows or None, "source": self.source,
                  "check_only": self.check_only or None}
        return {k: v for k, v in chosen.items() if v is not None}


@dataclass
class ImportResult:
    result: str  # loaded | checked | rejected | unchanged | failed
    rows_read: int = 0
    rows_written: int = 0
    rows_skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # rows loaded, but worth a look (in the report)
    problem: str = ""  # why the file as a whole was refused (Chinese)
    notes: list[str] = field(default_factory=list)  # what the operator should know (Chinese)
    encoding: str = ""
    file_format: str = ""
    run_id: int | None = None

    @property
    def message(self) -> str:
        if self.problem:
            return t(f"import.result.{self.result}_file", problem=self.problem)
        return t(f"import.result.{self.result}", read=self.rows_read, written=self.rows_written,
                 skipped=self.rows_skipped, errors=len(self.errors),
                 bad_rows=len(rows_with_errors(self.errors)))


@dataclass(frozen=True)
class Steps:
    """What differs between kinds inside the one transaction of a load, bound to one request."""

    stage: Callable[[Connection, pd.DataFrame], None]  # the usable rows into the temporary table "stage"
    verify: Callable[[Connection], list[tuple]]  # (row, column, value, reason key) found by the database
    write: Callable[[Connection], tuple[int, list[str]]]  # merge: rows written, notes for the operator
    review: Callable[[Connection], tuple[list[tuple], list[tuple]]] = lambda _conn: ([], [])  # errors, warnings


@dataclass(frozen=True)
class Field:
    name: str
    headers: tuple[str, ...]  # the template's header first, then the names departments' files use
    check: Callable[[str], Checked]
    required: bool = True
    example: str = ""
    bulk: Callable[[pd.Series], tuple[pd.Series, pd.Series]] | None = None  # the check for a whole column
    not_future: bool = False  # when something happened (a change, a start): refused if later than now

    def __post_init__(self) -> None:
        if self.bulk and self.not_future:  # check_rows applies not_future to the per-cell check only
            raise TypeError(f"field {self.name!r}: not_future needs a per-cell check, not a bulk one")

    @property
    def header(self) -> str:
        return self.headers[0]


Prepare = Callable[[ImportRequest, ImportResult, Progress], tuple["pd.DataFrame", list[RowError]]]
Verify = Callable[["Connection", str, bool], list[tuple]]  # (conn, area prefix, whole district)
Merge = Callable[["Connection", str], tuple[int, list[Note]]]  # (conn, source) -> written, notes
RequestChecks = Callable[[ImportRequest, "pd.DataFrame"], list[RowError]]
AfterMerge = Callable[["Connection", ImportRequest, str, bool], list[Note]]
# After verify, checks that depend on the request's options: (errors, warnings), each (row, column, value, reason)
Review = Callable[["Connection", ImportRequest, str], tuple[list[tuple], list[tuple]]]


@dataclass(frozen=True)
class Kind:
    """One kind of file, described in one place: the framework reads, checks, stages, verifies, merges
    and offers options from this alone. A tabular kind gives fields, key, stage and copied; a kind with
    its own reading (boundaries) gives prepare and stage instead."""

    name: str
    fields: tuple[Field, ...] = ()
    key: tuple[str, ...] = ()  # no two rows of one file may share these (none: its review warns of repeats)
    stage_columns: str = ""  # column definitions of the staging table beyond "row_no"
    copied: tuple[str, ...] = ()  # the fields copied into the staging table, in this order
    verify: Verify | None = None  # the checks only the database can make, on the staged rows
    merge: Merge | None = None  # the staged rows into the registers
    request_checks: RequestChecks | None = None  # rules across columns and options the rows depend on
    after_merge: AfterMerge | None = None  # notes that depend on the request's options (a snapshot's gaps)
    review: Review | None = None  # staged rows worth a warning, or an error under an option
    prepare: Prepare | None = None  # its own reading and row checks (default: a CSV/XLSX table of fields)
    stage: Callable[[Connection, pd.DataFrame], None] | None = None  # its own staging (default: copied)
    options: tuple[str, ...] = ("skip_bad_rows", "check_only")  # the check boxes the operator may tick
    modes: tuple[str, ...] = ()  # values of the mode switch, the first the default ("changes", "snapshot")
    crs: bool = False  # the operator may name the file's CRS
    template: bool = True  # an empty CSV/XLSX template can be downloaded
    # Its request_checks look at one row at a time, so a big file is read, checked and staged in chunks;
    # False: the whole file is one chunk (a check across rows beyond the key, such as passports).
    chunked: bool = True

    @property
    def label(self) -> str:
        """The i18n key of the kind's name as operators read it."""
        return f"kind.{self.name}"

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)
