"""The name lists other departments send, one import kind each: civil affairs' allowance roll (civil_roll,
低保/低边名册), HR's list of enterprise retirees (retiree_list, 企退人员名单) and the disabled persons' federation's
list (disabled_list, 残联名单). Loaded from the import tab like every kind (cell checks, all or nothing, the
import history) by the writer role under the operator's session.

Each list is checked against the register row by row, and what is wrong is a warning in the import's report,
not a refusal, so the rest of the list still counts: an ID number the register does not know, a person who has
died or has moved out of the district, a person listed twice, a person on lists of policies that exclude each
other (the catalogue's exclusive groups, through policy_list_policy) or already paid by another policy of such a
group, a 序号 used twice (the sender's numbering, not a key). The list is kept per community (policy_name_list,
replaced within the sender's area by each import) with the living residents only, so a rule can ask "on the civil
affairs roll". Importing this module registers the kinds.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import Connection, text

from data_access.importing import cells, registry
from data_access.importing.base import Checked, Field, ImportRequest, Kind, Note
from data_access.importing.kinds.common import ID, NAME, TABLE_OPTIONS
from data_access.importing.staging import found


def _serial(value: str) -> Checked:
    cleaned = cells.normalise(value)
    if not cleaned:
        return None, None
    return (int(cleaned), None) if cleaned.isdigit() and len(cleaned) <= 9 else (None, "list_serial")


# The list's own row number: the sender's numbering, not a key (the rows are matched by ID number), so a number
# repeated is a warning, like an ID number listed twice; the report names rows by their line in the file.
SERIAL = Field("serial", ("序号", "编号", "serial"), _serial, required=False, example="1")
CATEGORY = Field("category", ("保障类别", "类别", "救助类别", "category"),
                 cells.choice({"低保": "低保", "低保户": "低保", "最低生活保障": "低保", "低边": "低边",
                               "低保边缘": "低边", "低边户": "低边", "低保边缘户": "低边"}, "list_category"),
                 example="低保")
STAGE = "serial bigint, id_number char(18), name text, category text"


def verify(conn: Connection, prefix: str, whole_district: bool) -> list[tuple]:
    """Only a row of a resident of another area is refused (a street's operator sends its own list)."""
    conn.execute(text("CREATE TEMP TABLE name_list_area ON COMMIT DROP AS SELECT CAST(:p AS text) AS prefix"),
                 {"p": prefix})
    if whole_district:
        return []
    return sorted(found(conn, """
        SELECT s.row_no, :id, s.id_number, 'out_of_scope' FROM stage s JOIN person p USING (id_number)
        WHERE p.community_code NOT LIKE :prefix""", id=ID.header, prefix=prefix + "%"))


def review(conn: Connection, request: ImportRequest, _prefix: str) -> tuple[list[tuple], list[tuple]]:
    """Every fault of the list as a warning: (row, column, value, reason[, first row])."""
    warnings = found(conn, """
        SELECT s.row_no, :id, s.id_number, 'list_unknown_person' FROM stage s
        WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.id_number)
        UNION ALL
        SELECT s.row_no, :id, s.id_number, 'list_moved_out' FROM stage s JOIN person p USING (id_number)
        WHERE p.community_code IS NULL
        UNION ALL
        SELECT s.row_no, :id, s.id_number, 'list_deceased' FROM stage s JOIN person_attribute a USING (id_number)
        WHERE a.deceased_on IS NOT NULL
        UNION ALL
        SELECT s.row_no, :name, s.name, 'list_other_name' FROM stage s JOIN person p USING (id_number)
        WHERE p.name <> s.name
        UNION ALL
        SELECT d.row_no, :id, d.id_number, 'list_exclusive' FROM (
          SELECT DISTINCT s.row_no, s.id_number FROM stage s
          JOIN policy_list_policy m ON m.list = :list AND m.category IN (coalesce(s.category, ''), '')
          JOIN policy p ON p.id = m.policy_id AND p.exclusive_group IS NOT NULL
          WHERE EXISTS (  -- another row of the file, for another policy of the group
                  SELECT 1 FROM stage o
                  JOIN policy_list_policy om ON om.list = :list AND om.category IN (coalesce(o.category, ''), '')
                  JOIN policy op ON op.id = om.policy_id
                  WHERE o.id_number = s.id_number AND o.row_no <> s.row_no
                    AND op.exclusive_group = p.exclusive_group AND op.id <> p.id)
             OR EXISTS (  -- the same person kept on another department's list, for another policy of the group
                  SELECT 1 FROM policy_name_list l
                  JOIN policy_list_policy lm ON lm.list = l.list AND lm.category IN (l.category, '')
                  JOIN policy lp ON lp.id = lm.policy_id
                  WHERE l.id_number = s.id_number AND l.list <> :list
                    AND lp.exclusive_group = p.exclusive_group AND lp.id <> p.id)) d
        UNION ALL
        SELECT DISTINCT s.row_no, :id, s.id_number, 'list_exclusive_paid' FROM stage s  -- already paid by another
        JOIN policy_list_policy m ON m.list = :list AND m.category IN (coalesce(s.category, ''), '')
        JOIN policy p ON p.id = m.policy_id AND p.exclusive_group IS NOT NULL
        WHERE policy_paid_in_group(s.id_number, p.exclusive_group, p.id)""",
        id=ID.header, name=NAME.header, list=request.kind)
    repeated = found(conn, """
        SELECT row_no, :id, id_number, 'list_duplicate', first FROM (
          SELECT row_no, id_number, min(row_no) OVER (PARTITION BY id_number, coalesce(category, '')) AS first
          FROM stage) d
        WHERE row_no <> first""", id=ID.header)
    return [], sorted(warnings + repeated + repeated_serials(conn))


def repeated_serials(conn: Connection) -> list[tuple]:
    """Rows whose 序号 an earlier row has: a warning naming the first (the sender's numbering, not a key)."""
    return found(conn, """
        SELECT row_no, :serial, serial, 'list_serial_repeated', first FROM (
          SELECT row_no, serial, min(row_no) OVER (PARTITION BY serial) AS first FROM stage
          WHERE serial IS NOT NULL) d
        WHERE row_no <> first""", serial=SERIAL.header)


def merge(list_name: str, conn: Connection, source: str) -> tuple[int, list[Note]]:
    """The list replaces the sender's area's copy: each living resident once per category."""
    prefix = conn.execute(text("SELECT prefix FROM name_list_area")).scalar_one()
    conn.execute(text("DELETE FROM policy_name_list WHERE list = :list AND community_code LIKE :prefix || '%'"),
                 {"list": list_name, "prefix": prefix})
    kept = conn.execute(text("""
        INSERT INTO policy_name_list (list, community_code, id_number, category, source)
        SELECT DISTINCT ON (s.id_number, coalesce(s.category, '')) :list, p.community_code, s.id_number,
               coalesce(s.category, ''), :source
        FROM stage s JOIN person p USING (id_number) LEFT JOIN person_attribute a USING (id_number)
        WHERE p.community_code IS NOT NULL AND p.community_code LIKE :prefix || '%' AND a.deceased_on IS NULL
        ORDER BY s.id_number, coalesce(s.category, ''), s.row_no"""),
        {"list": list_name, "source": source[:200], "prefix": prefix}).rowcount
    return kept, [("policies.lists.note", {"kept": kept})]


def _kind(name: str, *fields: Field) -> Kind:
    copied = tuple(f.name for f in fields)
    return registry.register(Kind(
        name, fields=fields, key=(), stage_columns=STAGE, copied=copied,
        verify=verify, review=review, merge=partial(merge, name), options=TABLE_OPTIONS,
    ))


CIVIL_ROLL = _kind("civil_roll", SERIAL, ID, NAME, CATEGORY)
RETIREE_LIST = _kind("retiree_list", SERIAL, ID, NAME)
DISABLED_LIST = _kind("disabled_list", SERIAL, ID, NAME)
KINDS = (CIVIL_ROLL, RETIREE_LIST, DISABLED_LIST)
