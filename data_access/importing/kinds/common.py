"""What several kinds share: the columns of persons, enterprises and places, and finding communities.

The first header of a column is the template's; the others are the names departments' files are seen to
use. Headers match after full-width to half-width, spaces removed, an optional trailing "*" removed, and
case ignored. README.md ("Importing data") lists the same mapping for data operators.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from sqlalchemy import Connection, text

from data_access.importing import cells
from data_access.importing.base import Checked, Field
from data_access.importing.staging import found

# The options every tabular kind offers, those of kinds with coordinates, and of points that name a place.
TABLE_OPTIONS = ("skip_bad_rows", "check_only")
POINT_OPTIONS = ("gcj02", "bd09", *TABLE_OPTIONS)
PLACE_OPTIONS = ("gcj02", "bd09", "point_wins", "strict_places", *TABLE_OPTIONS)


def optional(check: Callable[..., Checked]) -> Callable[[str], Checked]:
    return partial(check, required=False)


ID = Field("id_number", ("身份证号码", "身份证号", "公民身份号码", "证件号码", "id_number"), cells.id_number,
           example="330105199001011233", bulk=cells.id_numbers)
CREDIT = Field("credit_code", ("统一社会信用代码", "社会信用代码", "信用代码", "单位统一社会信用代码", "credit_code"),
               cells.credit_code, example="91330105MA2A00000T")
NAME = Field("name", ("姓名", "name"), cells.text, example="张三")
PHONE = Field("phone", ("手机号码", "手机号", "联系电话", "phone"), cells.phone, required=False, example="13812345678")
COMMUNITY = Field("community", ("所属社区", "社区", "社区名称", "社区代码", "community"), cells.place,
                  example="台州路社区")
STREET = Field("street", ("所属街道", "街道", "街道名称", "street"), optional(cells.place), required=False,
               example="拱宸桥街道")


def resolve_communities(conn: Connection, column: str, prefix: str) -> list[tuple]:
    """Community given by code or name (with the street's name or code when names repeat).

    Sets stage.community_code where exactly one community matches; column is the header errors name.
    """
    conn.execute(text("""
        CREATE TEMP TABLE place ON COMMIT DROP AS
          SELECT DISTINCT community, coalesce(street, '') AS street FROM stage WHERE community IS NOT NULL;
        ALTER TABLE place ADD COLUMN codes char(12)[];
        UPDATE place p SET codes = ARRAY(
          SELECT c.code FROM community c JOIN street s ON s.code = c.street_code
          WHERE (c.code = p.community OR c.name IN (p.community, p.community || '社区'))
            AND (p.street = '' OR s.code = p.street OR s.name IN (p.street, p.street || '街道'))
          ORDER BY c.code);
        UPDATE stage st SET community_code = p.codes[1] FROM place p
        WHERE p.community = st.community AND p.street = coalesce(st.street, '') AND cardinality(p.codes) = 1;
    """))
    return found(conn, """
        SELECT st.row_no, :column, st.community,
               CASE WHEN cardinality(p.codes) = 0 THEN 'unknown_community' ELSE 'ambiguous_community' END
        FROM stage st JOIN place p ON p.community = st.community AND p.street = coalesce(st.street, '')
        WHERE cardinality(p.codes) <> 1
        UNION ALL
        SELECT row_no, :column, community, 'out_of_scope' FROM stage
        WHERE community_code IS NOT NULL AND community_code NOT LIKE :prefix
        ORDER BY 1""", column=column, prefix=prefix + "%")

