"""The appeals kind of file: the city platform's daily export of review requests (CSV/XLSX), the same
checks and all-or-nothing load as every import. Walk-ins and the API send one-row batches through it.

Each request is routed to the community where the person lives, or, for someone who does not live in the
district, where they work (the first employer by credit code). Importing this module registers the kind.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, text

from data_access.importing import cells, registry
from data_access.importing.base import Field, ImportRequest, Kind, Note, RowError
from data_access.importing.kinds.common import ID, PHONE, TABLE_OPTIONS, optional
from data_access.importing.staging import found
from domain.appeals import ALLOWED

WALK_IN = "walk_in"  # the source of a request registered at the counter
CURRENT = Field("current_colour", ("当前颜色", "当前码色", "现健康码", "原码色", "current_colour"), cells.colour,
                example="红码")
REQUESTED = Field("requested_colour", ("申请颜色", "申请码色", "申请转码", "目标码色", "requested_colour"),
                  cells.colour, example="绿码")
FIELDS = (
    ID, CURRENT, REQUESTED,
    Field("reason", ("申诉理由", "申请理由", "复核理由", "reason"), cells.text, example="已解除隔离满14天"),
    Field("submitted_at", ("提交时间", "申请时间", "申诉时间", "submitted_at"), cells.moment,
          example="2022-04-01 08:00:00", not_future=True),
    PHONE,
    Field("external_ref", ("申请编号", "工单编号", "编号", "external_ref"), optional(cells.text), required=False,
          example="HZ20220401000123"),
)


def request_checks(_request: ImportRequest, clean: pd.DataFrame) -> list[RowError]:
    """Only a change towards green may be asked for (red→yellow, red→green, yellow→green)."""
    both = clean[clean["current_colour"].notna() & clean["requested_colour"].notna()]
    return [RowError(int(r["row"]), REQUESTED.header, str(r["requested_colour"]), "appeal_colours")
            for _, r in both.iterrows() if (r["current_colour"], r["requested_colour"]) not in ALLOWED]


def route(conn: Connection) -> None:
    """stage.community_code: where the person lives, else where they work."""
    conn.execute(text("""
        UPDATE stage s SET community_code = p.community_code, routed_by = 'residence'
        FROM person p WHERE p.id_number = s.id_number AND p.community_code IS NOT NULL;
        UPDATE stage s SET community_code = w.community_code, routed_by = 'workplace'
        FROM (SELECT DISTINCT ON (em.id_number) em.id_number, e.community_code
              FROM employment em JOIN enterprise e USING (credit_code)
              WHERE e.community_code IS NOT NULL ORDER BY em.id_number, em.credit_code) w
        WHERE w.id_number = s.id_number AND s.community_code IS NULL"""))


def verify(conn: Connection, prefix: str, whole_district: bool) -> list[tuple]:
    errors = found(conn, """
        SELECT s.row_no, :column, s.id_number, 'unknown_person' FROM stage s
        WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)""", column=ID.header)
    route(conn)
    errors += found(conn, """
        SELECT s.row_no, :column, s.id_number, 'appeal_no_community' FROM stage s
        WHERE s.community_code IS NULL AND EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)
        UNION ALL
        SELECT s.row_no, :column, s.id_number, 'appeal_open' FROM stage s
        WHERE EXISTS (SELECT 1 FROM appeal a WHERE a.id_number = s.id_number AND a.status IN ('open', 'review'))
        UNION ALL
        SELECT s.row_no, :requested, s.requested_colour, 'appeal_already'
        FROM stage s JOIN health_code h USING (id_number)
        WHERE array_position(ARRAY['green', 'yellow', 'red'], h.colour)
              <= array_position(ARRAY['green', 'yellow', 'red'], s.requested_colour)""",
                    column=ID.header, requested=REQUESTED.header)
    if not whole_district:
        errors += found(conn, """
            SELECT row_no, :column, id_number, 'out_of_scope' FROM stage
            WHERE community_code IS NOT NULL AND community_code NOT LIKE :prefix""",
                        column=ID.header, prefix=prefix + "%")
    return sorted(errors)


def channel_of(source: str) -> str:
    if source == WALK_IN:
        return "walk_in"
    return "api" if source.startswith("api:") else "file"


def merge(conn: Connection, source: str) -> tuple[int, list[Note]]:
    written = conn.execute(text("""
        INSERT INTO appeal (community_code, id_number, current_colour, requested_colour, reason, phone,
                            submitted_at, channel, external_ref, received_by, routed_by)
        SELECT community_code, id_number, current_colour, requested_colour, reason, phone, submitted_at, :channel,
               external_ref, coalesce((SELECT session_actor()), current_user), routed_by
        FROM stage ORDER BY submitted_at, row_no"""), {"channel": channel_of(source)}).rowcount
    workplace = conn.execute(text("SELECT count(*) FROM stage WHERE routed_by = 'workplace'")).scalar()
    return written, [("appeals.note.workplace", {"count": workplace})] if workplace else []


KIND = registry.register(Kind(
    "appeals",
    fields=FIELDS,
    key=("id_number",),
    stage_columns="id_number char(18), current_colour text, requested_colour text, reason text,"
                  " submitted_at timestamptz, phone text, external_ref text, community_code char(12), routed_by text",
    copied=("id_number", "current_colour", "requested_colour", "reason", "submitted_at", "phone", "external_ref"),
    verify=verify, merge=merge, request_checks=request_checks, options=TABLE_OPTIONS,
))
