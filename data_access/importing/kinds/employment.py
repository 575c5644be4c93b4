"""Employment (social-insurance enrolment): insert or update by (enterprise, ID); the enterprise must be
registered, an unknown person is added as a non-resident employee."""

from __future__ import annotations

from sqlalchemy import Connection, text

from data_access.importing import cells
from data_access.importing.base import Field, Kind, Note
from data_access.importing.kinds.common import CREDIT, ID, NAME, PHONE, TABLE_OPTIONS, optional
from data_access.importing.staging import found


def verify(conn: Connection, prefix: str, _whole_district: bool) -> list[tuple]:
    return sorted(found(conn, """
        SELECT s.row_no, :column, s.credit_code,
               CASE WHEN e.credit_code IS NULL THEN 'unknown_enterprise' ELSE 'out_of_scope' END
        FROM stage s LEFT JOIN enterprise e USING (credit_code)
        WHERE e.credit_code IS NULL OR coalesce(e.community_code, '') NOT LIKE :prefix
        ORDER BY 1""", column=CREDIT.header, prefix=prefix + "%"))


def merge(conn: Connection, _source: str) -> tuple[int, list[Note]]:
    persons = conn.execute(text("""
        INSERT INTO person (id_number, name, phone)
        SELECT DISTINCT ON (id_number) id_number, name, phone FROM stage ORDER BY id_number, row_no
        ON CONFLICT (id_number) DO NOTHING""")).rowcount
    written = conn.execute(text("""
        INSERT INTO employment AS em (credit_code, id_number, since)
        SELECT credit_code, id_number, since FROM stage
        ON CONFLICT (credit_code, id_number) DO UPDATE SET since = coalesce(EXCLUDED.since, em.since)
        WHERE em.since IS DISTINCT FROM coalesce(EXCLUDED.since, em.since)""")).rowcount
    return written, [("import.note.new_persons", {"count": persons})] if persons else []


KIND = Kind(
    "employment",
    fields=(
        CREDIT, ID, NAME, PHONE,
        Field("since", ("参保日期", "参保时间", "入职日期", "since"), optional(cells.day), required=False,
              example="2020-01-01", not_future=True),
    ),
    key=("credit_code", "id_number"),
    stage_columns="credit_code char(18), id_number char(18), name text, phone text, since date",
    copied=("credit_code", "id_number", "name", "phone", "since"),
    verify=verify, merge=merge, options=TABLE_OPTIONS,
)
