"""The deaths list civil affairs or public security send (死亡人员名单, import kind deaths_list): 序号, 身份证号, 姓名,
死亡日期, optionally 注销原因, 信息来源 and 撤销. Loaded from the import tab and the command line like the other name
lists (cell checks, all or nothing, the sender's area, the writer role under the operator's session, the import
history and the audit log).

A row sets the person's date of death (person_attribute.deceased_on, the row created if the person has none): from
then on no rule finds the person (rules.LIVING) and the person's queued payments are held (payments.make_roll puts
them on no roll; payments.held_lines lists them). A wrong entry is taken back by a row marked 撤销 = 是 (its date
may be empty): the date is cleared and the held payments go on the next roll again. Each change is kept in
person_death_event with what the register said before, the file and the sender.

A date after today or before the birth date the ID number carries refuses the file; an ID number the register does
not know, a name that is not the register's, a person listed twice, a withdrawal of a death never recorded or a
date unlike the one recorded are warnings, and the rest of the list still counts.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, text

from data_access.importing import cells, registry
from data_access.importing.base import Checked, Field, ImportRequest, Kind, Note, RowError
from data_access.importing.kinds.common import ID, NAME, TABLE_OPTIONS
from data_access.importing.staging import found
from data_access.policies.namelists import SERIAL, repeated_serials, verify

YES = {"是", "撤销", "y", "yes", "1", "true"}
NO = {"", "否", "n", "no", "0", "false"}


def _revoked(value: str) -> Checked:
    cleaned = cells.normalise(value).lower()
    if cleaned in NO:
        return False, None
    return (True, None) if cleaned in YES else (None, "death_revoked")


DIED = Field("died", ("死亡日期", "死亡时间", "注销日期", "died"), lambda v: cells.day(v, required=False),
             required=False, example="2026-11-01", not_future=True)
CAUSE = Field("cause", ("注销原因", "死亡原因", "原因", "cause"), lambda v: cells.text(v, required=False),
              required=False, example="死亡注销")
SOURCE = Field("source", ("信息来源", "来源", "source"), lambda v: cells.text(v, required=False), required=False,
               example="区公安分局")
REVOKED = Field("revoked", ("撤销", "是否撤销", "撤销标记", "revoked"), _revoked, required=False, example="否")
STAGE = "serial bigint, id_number char(18), name text, died date, cause text, source text, revoked boolean"


def birth(id_number: str) -> date | None:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def row_checks(_request: ImportRequest, clean: pd.DataFrame) -> list[RowError]:
    """A death needs its date, and that date cannot come before the birth the ID number carries."""
    errors = []
    for row in clean[["row", "id_number", "died", "revoked"]].itertuples(index=False):
        died = row.died if isinstance(row.died, date) else None
        if died is None and row.revoked is False:
            errors.append(RowError(int(row.row), DIED.header, "", "required"))
        elif died and isinstance(row.id_number, str) and (born := birth(row.id_number)) and died < born:
            errors.append(RowError(int(row.row), DIED.header, died.isoformat(), "death_before_birth"))
    return errors


def review(conn: Connection, _request: ImportRequest, _prefix: str) -> tuple[list[tuple], list[tuple]]:
    """Every fault of the list as a warning: (row, column, value, reason[, first row])."""
    warnings = found(conn, """
        SELECT s.row_no, :id, s.id_number, 'death_unknown_person' FROM stage s
        WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)
        UNION ALL
        SELECT s.row_no, :id, s.id_number, 'death_moved_out' FROM stage s JOIN person p USING (id_number)
        WHERE p.community_code IS NULL
          AND NOT EXISTS (SELECT 1 FROM person_attribute a WHERE a.id_number = s.id_number)
        UNION ALL
        SELECT s.row_no, :name, s.name, 'list_other_name' FROM stage s JOIN person p USING (id_number)
        WHERE p.name <> s.name
        UNION ALL
        SELECT s.row_no, :died, to_char(a.deceased_on, 'YYYY-MM-DD'), 'death_other_date' FROM stage s
        JOIN person_attribute a USING (id_number)
        WHERE NOT s.revoked AND a.deceased_on IS NOT NULL AND a.deceased_on <> s.died
        UNION ALL
        SELECT s.row_no, :id, s.id_number, 'death_not_recorded' FROM stage s JOIN person p USING (id_number)
        WHERE s.revoked AND NOT EXISTS (SELECT 1 FROM person_attribute a WHERE a.id_number = s.id_number
                                        AND a.deceased_on IS NOT NULL)""",
        id=ID.header, name=NAME.header, died=DIED.header)
    repeated = found(conn, """
        SELECT row_no, :id, id_number, 'list_duplicate', first FROM (
          SELECT row_no, id_number, min(row_no) OVER (PARTITION BY id_number) AS first FROM stage) d
        WHERE row_no <> first""", id=ID.header)
    return [], sorted(warnings + repeated + repeated_serials(conn))


def merge(conn: Connection, source: str) -> tuple[int, list[Note]]:
    """The first row of each person of the sender's area: a death set (or its date corrected), or withdrawn.
    Each change is an event first, then the register's date."""
    prefix = conn.execute(text("SELECT prefix FROM name_list_area")).scalar_one()
    conn.execute(text("""
        CREATE TEMP TABLE death_change ON COMMIT DROP AS
        SELECT d.* FROM (
          SELECT DISTINCT ON (s.id_number) s.id_number, s.died, s.cause, s.source, s.revoked,
                 coalesce(a.community_code, p.community_code) AS community_code, a.deceased_on AS previous,
                 a.id_number IS NOT NULL AS has_row
          FROM stage s JOIN person p USING (id_number) LEFT JOIN person_attribute a USING (id_number)
          ORDER BY s.id_number, s.row_no) d
        WHERE d.community_code LIKE :prefix || '%'
          AND CASE WHEN d.revoked THEN d.previous IS NOT NULL ELSE d.previous IS DISTINCT FROM d.died END"""),
        {"prefix": prefix})
    conn.execute(text("""
        INSERT INTO person_death_event (id_number, community_code, deceased_on, previous, revoked, cause, source,
                                        recorded_by)
        SELECT id_number, community_code, CASE WHEN revoked THEN NULL ELSE died END, previous, revoked,
               cause, coalesce(source, :file), coalesce((SELECT session_actor()), current_user)
        FROM death_change"""), {"file": source[:200]})
    conn.execute(text("""
        INSERT INTO person_attribute (id_number, community_code, deceased_on)
        SELECT id_number, community_code, died FROM death_change WHERE NOT has_row AND NOT revoked"""))
    conn.execute(text("""
        UPDATE person_attribute a SET deceased_on = CASE WHEN c.revoked THEN NULL ELSE c.died END
        FROM death_change c WHERE c.id_number = a.id_number AND c.has_row"""))
    recorded, revoked = conn.execute(text(
        "SELECT count(*) FILTER (WHERE NOT revoked), count(*) FILTER (WHERE revoked) FROM death_change")).one()
    notes: list[Note] = [("policies.deaths.note", {"recorded": recorded, "revoked": revoked})]
    notes += [("policies.deaths.note_held", {})] if recorded else []
    notes += [("policies.deaths.note_restored", {})] if revoked else []
    return recorded + revoked, notes


DEATHS_LIST = registry.register(Kind(
    "deaths_list", fields=(SERIAL, ID, NAME, DIED, CAUSE, SOURCE, REVOKED), key=(), stage_columns=STAGE,
    copied=("serial", "id_number", "name", "died", "cause", "source", "revoked"),
    verify=verify, review=review, merge=merge, request_checks=row_checks, options=TABLE_OPTIONS,
))
