"""Managed persons (quarantine and the like): insert or update by (ID, kind, start date)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, text

from data_access.importing import cells
from data_access.importing.base import Field, ImportRequest, Kind, Note, RowError
from data_access.importing.kinds.common import COMMUNITY, ID, STREET, TABLE_OPTIONS, optional, resolve_communities

END_DATE = Field("end_date", ("结束日期", "解除日期", "管控结束日期", "end_date"), optional(cells.day),
                 required=False, example="2022-04-14")


def request_checks(_request: ImportRequest, clean: pd.DataFrame) -> list[RowError]:
    """The end is not before the start."""
    dated = clean[clean["start_date"].notna() & clean["end_date"].notna()]
    return [RowError(int(r["row"]), END_DATE.header, str(r["end_date"]), "end_before_start")
            for _, r in dated.iterrows() if r["end_date"] < r["start_date"]]


def verify(conn: Connection, prefix: str, _whole_district: bool) -> list[tuple]:
    return sorted(resolve_communities(conn, COMMUNITY.header, prefix))


def merge(conn: Connection, _source: str) -> tuple[int, list[Note]]:
    written = conn.execute(text("""
        INSERT INTO managed_person AS m (id_number, kind, community_code, start_date, end_date)
        SELECT id_number, kind, community_code, start_date, end_date FROM stage
        ON CONFLICT (id_number, kind, start_date) DO UPDATE SET
          community_code = EXCLUDED.community_code, end_date = EXCLUDED.end_date
        WHERE (m.community_code, m.end_date) IS DISTINCT FROM (EXCLUDED.community_code, EXCLUDED.end_date)""")).rowcount
    if written:  # the kept counts moved (managed_daily's triggers); move the version the map and the big screen watch
        conn.execute(text("UPDATE community_stats SET updated_at = clock_timestamp()"
                          " WHERE community_code IN (SELECT DISTINCT community_code FROM stage)"))
    return written, []


KIND = Kind(
    "managed",
    fields=(
        ID,
        Field("kind", ("管控类型", "管控类别", "人员类别", "kind"), cells.managed_kind, example="居家隔离"),
        COMMUNITY, STREET,
        Field("start_date", ("开始日期", "管控开始日期", "start_date"), cells.day, example="2022-04-01",
              not_future=True),
        END_DATE,
    ),
    key=("id_number", "kind", "start_date"),
    stage_columns="id_number char(18), kind text, community text, street text, start_date date, end_date date,"
                  " community_code char(12)",
    copied=("id_number", "kind", "community", "street", "start_date", "end_date"),
    verify=verify, merge=merge, request_checks=request_checks, options=TABLE_OPTIONS,
)
