"""The key-persons kind of file (重点人员批次): one upstream delivery (inbound flight, key-area returnees, port
checks, close contacts) as the departments send it. In the one transaction of the import, every record is
matched (ID number; passport + name + birth date for foreigners), placed (the register's community, else
the address text against the gazetteer), dispatched to its community's queue, and, where the file names
a quarantine hotel, put under centralised quarantine with its colour changed; the unplaced wait in the
district's queue. Importing this module registers the kind.

The batch's kind and sender come with the request's source (batch_source); a file loaded from the import
tab is an "other" batch named for its file.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pandas as pd
from sqlalchemy import Connection, text

from data_access.bulk import copy_frame
from data_access.importing import cells, registry
from data_access.importing.base import Field, ImportRequest, Kind, Note, RowError
from data_access.importing.kinds.common import NAME, PHONE, TABLE_OPTIONS, optional
from data_access.importing.staging import found
from data_access.keypersons.gazetteer import gazetteer
from domain import clock
from domain.keypersons import ARRIVAL_AHEAD_HOURS, BATCH_KINDS, DEADLINE_HOURS, DEFAULT_DAYS, MEASURE_COLOUR


def _id_number(value: str) -> cells.Checked:
    """An ID number when given (a foreigner has a passport instead)."""
    return (None, None) if not cells.normalise(value) else cells.id_number(value)


ID = Field(
    "id_number",
    ("身份证号码", "身份证号", "公民身份号码", "证件号码", "id_number"),
    _id_number,
    required=False,
    example="330105199001011233",
)
PASSPORT = Field(
    "passport",
    ("护照号码", "护照号", "外籍证件号码", "passport"),
    optional(partial(cells.text, longest=30)),
    required=False,
    example="A12345678",
)
ARRIVAL = Field(
    "arrival_at",
    ("抵达时间", "入境时间", "到达时间", "arrival_at"),
    optional(cells.moment),
    required=False,
    example="2020-10-14 19:00:00",
)
FIELDS = (
    NAME,
    ID,
    PASSPORT,
    Field("nationality", ("国籍", "国家地区", "nationality"), optional(cells.text), required=False, example="埃及"),
    Field("birth_date", ("出生日期", "生日", "birth_date"), optional(cells.day), required=False, example="1985-03-02",
          not_future=True),
    PHONE,
    Field(
        "address",
        ("居住地址", "现住址", "住址", "地址", "目的地址", "address"),
        optional(cells.text),
        required=False,
        example="拱墅区莫干山路123号2幢301室",
    ),
    Field(
        "travel_no",
        ("航班号", "车次", "航班车次", "交通工具", "travel_no"),
        optional(partial(cells.text, longest=40)),
        required=False,
        example="MS953",
    ),
    ARRIVAL,
    Field(
        "hotel",
        ("集中隔离点", "隔离酒店", "隔离点", "hotel"),
        optional(cells.text),
        required=False,
        example="杭州某某酒店",
    ),
    Field(
        "case_ref",
        ("关联病例", "关联病例证件号", "密接来源", "case_ref"),
        optional(partial(cells.text, longest=30)),
        required=False,
        example="330105198001011234",
    ),
)
COPIED = tuple(f.name for f in FIELDS)


def batch_source(kind: str, sender: str, file_name: str) -> str:
    """The source an import request carries for a batch: its kind, who sent it, its file."""
    if kind not in BATCH_KINDS:
        raise ValueError(kind)
    return "|".join(("kp", kind, sender.replace("|", "/"), file_name.replace("|", "/")))


def parse_source(source: str) -> tuple[str, str, str]:
    parts = source.split("|")
    if len(parts) == 4 and parts[0] == "kp" and parts[1] in BATCH_KINDS:
        return parts[1], parts[2] or parts[3], parts[3]
    return "other", source, source


def request_checks(_request: ImportRequest, clean: pd.DataFrame) -> list[RowError]:
    """A Chinese ID number, or a passport with a birth date; a passport once per file."""
    errors = []
    foreign = clean["id_number"].isna()
    for _, r in clean[foreign & (clean["passport"].isna() | clean["birth_date"].isna())].iterrows():
        errors.append(RowError(int(r["row"]), ID.header, "", "kp_identity"))
    # A batch comes before the plane lands (the seed: the call at 17:30 for a landing at 19:00), not days before.
    ahead = clock.now() + timedelta(hours=ARRIVAL_AHEAD_HOURS)
    arriving = clean["arrival_at"].notna()
    for _, r in clean[arriving].iterrows():
        if r["arrival_at"] > ahead:
            errors.append(RowError(int(r["row"]), ARRIVAL.header, str(r["arrival_at"]), "kp_arrival_ahead"))
    keyed = clean[foreign & clean["passport"].notna()]
    repeated = keyed.duplicated(["passport", "name", "birth_date"], keep="first")
    errors += [
        RowError(int(r["row"]), PASSPORT.header, str(r["passport"]), "duplicate") for _, r in keyed[repeated].iterrows()
    ]
    return errors


def verify(conn: Connection, prefix: str, whole_district: bool) -> list[tuple]:
    """Match, place and find the cases; what cannot be written is an error of its row."""
    conn.execute(
        text("""
        ALTER TABLE stage ADD COLUMN person_id bigint, ADD COLUMN in_register boolean, ADD COLUMN case_id bigint,
          ADD COLUMN community_code char(12), ADD COLUMN placed_by text, ADD COLUMN confidence numeric(3, 2),
          ADD COLUMN place_how text;
        UPDATE stage s SET person_id = k.id FROM kp_person k WHERE k.id_number = s.id_number;
        UPDATE stage s SET person_id = k.id FROM kp_person k
        WHERE s.id_number IS NULL AND (k.passport, k.name, k.birth_date) = (s.passport, s.name, s.birth_date);
        UPDATE stage s SET in_register = true, community_code = p.community_code,
          placed_by = CASE WHEN p.community_code IS NOT NULL THEN 'register' END,
          confidence = CASE WHEN p.community_code IS NOT NULL THEN 1 END,
          place_how = CASE WHEN p.community_code IS NOT NULL THEN 'register' END
        FROM person p WHERE p.id_number = s.id_number;
        UPDATE stage s SET case_id = k.id FROM kp_person k
        WHERE s.case_ref IS NOT NULL AND (k.id_number = s.case_ref OR k.passport = s.case_ref)""")
    )
    _place_by_address(conn)
    errors = found(
        conn,
        """
        SELECT s.row_no, :case_column, s.case_ref, 'kp_unknown_case' FROM stage s
        WHERE s.case_ref IS NOT NULL AND s.case_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = s.case_ref)
        UNION ALL
        SELECT s.row_no, :case_column, s.case_ref, 'kp_own_case' FROM stage s
        WHERE s.case_ref IN (s.id_number, s.passport)""",
        case_column=FIELDS[-1].header,
    )
    if not whole_district:
        errors += found(
            conn,
            """
            SELECT row_no, :column, address, 'out_of_scope' FROM stage
            WHERE community_code IS NULL OR community_code NOT LIKE :prefix""",
            column="居住地址",
            prefix=prefix + "%",
        )
    return sorted(errors)


def _place_by_address(conn: Connection) -> None:
    rows = conn.execute(text("SELECT row_no, address FROM stage WHERE community_code IS NULL")).all()
    if not rows:
        return
    places = gazetteer(conn)
    placed = [(row, places.place(address)) for row, address in rows]
    frame = pd.DataFrame(
        {
            "row_no": [r for r, _ in placed],
            "community_code": [p.community_code if p.placed else None for _, p in placed],
            "confidence": [p.confidence for _, p in placed],
            "how": [p.how for _, p in placed],
        }
    )
    conn.execute(
        text(
            "CREATE TEMP TABLE kp_placed (row_no int, community_code char(12), confidence numeric,"
            " how text) ON COMMIT DROP"
        )
    )
    copy_frame(conn, "kp_placed", frame)
    conn.execute(
        text("""
        UPDATE stage s SET community_code = k.community_code, confidence = k.confidence, place_how = k.how,
          placed_by = CASE WHEN k.community_code IS NOT NULL THEN 'address' END
        FROM kp_placed k WHERE k.row_no = s.row_no""")
    )


def merge(conn: Connection, source: str) -> tuple[int, list[Note]]:
    kind, sender, file_name = parse_source(source)
    batch = conn.execute(
        text("""
        INSERT INTO kp_batch (kind, source, file_name, deadline, received_by)
        VALUES (:kind, :sender, :file, now() + make_interval(hours => :hours),
                coalesce((SELECT session_actor()), current_user)) RETURNING id"""),
        {"kind": kind, "sender": sender, "file": file_name, "hours": DEADLINE_HOURS[kind]},
    ).scalar_one()
    created = _persons(conn)
    written = conn.execute(
        text("""
        INSERT INTO kp_record (batch_id, row_no, person_id, matched_by, address, travel_no, arrival_at, hotel,
          case_ref, community_code, placed_by, confidence, placed_at, place_how)
        SELECT :batch, row_no, person_id, CASE WHEN in_register THEN 'register' WHEN is_new THEN 'new'
                                          ELSE 'key_person' END,
               address, travel_no, arrival_at, hotel, case_ref, community_code, placed_by, confidence,
               CASE WHEN community_code IS NOT NULL THEN clock_timestamp() END, place_how
        FROM stage"""),
        {"batch": batch},
    ).rowcount
    _links(conn, batch)
    dispatched = _dispatch(conn, batch)
    coloured = write_colours(conn, f"keypersons:batch:{batch}", "t.batch_id = :batch", {"batch": batch})
    conn.execute(text("UPDATE kp_batch SET records = :n WHERE id = :batch"), {"n": written, "batch": batch})
    touch_communities(conn, "SELECT community_code FROM kp_task WHERE batch_id = :batch", {"batch": batch})
    unplaced = conn.execute(text("SELECT count(*) FROM stage WHERE community_code IS NULL")).scalar()
    return written, [
        (
            "keypersons.note.loaded",
            {"batch": batch, "new": created, "dispatched": dispatched, "unplaced": unplaced, "coloured": coloured},
        )
    ]


def _persons(conn: Connection) -> int:
    """New key persons for the records not matched; new register persons for new Chinese IDs placed."""
    conn.execute(text("ALTER TABLE stage ADD COLUMN is_new boolean NOT NULL DEFAULT false"))
    created = conn.execute(
        text("""
        INSERT INTO kp_person (id_number, passport, nationality, name, birth_date, phone)
        SELECT DISTINCT ON (coalesce(id_number, passport || name || birth_date::text))
               id_number, CASE WHEN id_number IS NULL THEN passport END, nationality, name, birth_date, phone
        FROM stage WHERE person_id IS NULL ORDER BY coalesce(id_number, passport || name || birth_date::text), row_no
        ON CONFLICT DO NOTHING"""),
        {},
    ).rowcount
    conn.execute(
        text("""
        UPDATE stage s SET person_id = k.id, is_new = true FROM kp_person k
        WHERE s.person_id IS NULL AND (k.id_number = s.id_number
          OR (s.id_number IS NULL AND (k.passport, k.name, k.birth_date) = (s.passport, s.name, s.birth_date)));
        INSERT INTO person (id_number, name, phone, residence_type, community_code, address)
        SELECT DISTINCT ON (id_number) id_number, name, phone, 'temporary', community_code, address FROM stage
        WHERE id_number IS NOT NULL AND in_register IS NULL AND community_code IS NOT NULL
        ORDER BY id_number, row_no ON CONFLICT DO NOTHING;
        UPDATE stage s SET in_register = true FROM person p
        WHERE p.id_number = s.id_number AND s.in_register IS NULL AND s.community_code IS NOT NULL""")
    )
    return created


def _links(conn: Connection, batch: int) -> None:
    """Cases named by ID number but not yet key persons become key persons; each contact is linked."""
    conn.execute(
        text("""
        INSERT INTO kp_person (id_number, name, phone, is_case)
        SELECT DISTINCT ON (p.id_number) p.id_number, p.name, p.phone, true FROM stage s
        JOIN person p ON p.id_number = s.case_ref WHERE s.case_id IS NULL ON CONFLICT DO NOTHING;
        UPDATE stage s SET case_id = k.id FROM kp_person k WHERE s.case_id IS NULL AND k.id_number = s.case_ref;
        UPDATE kp_person k SET is_case = true
        WHERE k.id IN (SELECT case_id FROM stage WHERE case_id IS NOT NULL) AND NOT k.is_case;
        INSERT INTO kp_link (case_id, contact_id, batch_id)
        SELECT DISTINCT case_id, person_id, :batch FROM stage WHERE case_id IS NOT NULL ON CONFLICT DO NOTHING"""),
        {"batch": batch},
    )


def _dispatch(conn: Connection, batch: int) -> int:
    """A task in its community's queue for each placed person without one open; a hotel named: centralised."""
    return conn.execute(
        text("""
        INSERT INTO kp_task (person_id, record_id, batch_id, community_code, contact_due, measure, hotel,
                             measure_start, measure_days, measured_at, measured_by)
        SELECT DISTINCT ON (r.person_id) r.person_id, r.id, r.batch_id, r.community_code, b.deadline,
               CASE WHEN r.hotel IS NOT NULL THEN 'centralised' END, r.hotel,
               CASE WHEN r.hotel IS NOT NULL THEN coalesce((r.arrival_at AT TIME ZONE 'Asia/Shanghai')::date,
                                                           current_date) END,
               CASE WHEN r.hotel IS NOT NULL THEN :days END,
               CASE WHEN r.hotel IS NOT NULL THEN clock_timestamp() END,
               CASE WHEN r.hotel IS NOT NULL THEN b.received_by END
        FROM kp_record r JOIN kp_batch b ON b.id = r.batch_id
        WHERE r.batch_id = :batch AND r.community_code IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM kp_task t WHERE t.person_id = r.person_id AND t.released_at IS NULL)
        ORDER BY r.person_id, r.row_no"""),
        {"batch": batch, "days": DEFAULT_DAYS},
    ).rowcount


def touch_communities(conn: Connection, which: str, params: dict) -> None:
    """The map counts managed persons from this module's measures (view keyperson_managed), read live: move
    the version the map and the big screen watch for the communities whose tasks changed (a foreigner's
    measure changes no colour, so the colour triggers alone would not)."""
    conn.execute(text(f"UPDATE community_stats SET updated_at = clock_timestamp() WHERE community_code IN ({which})"),
                 params)


def write_colours(conn: Connection, source: str, which: str, params: dict) -> int:
    """The colour each open task's measure orders, written to the register as the import path writes
    colours (the triggers keep the aggregates and the history, whose source names the cause); a later
    change already recorded stands. Persons not in the register (foreigners) keep the module's status only."""
    case = " ".join(f"WHEN '{m}' THEN '{c}'" for m, c in MEASURE_COLOUR.items())
    conn.execute(
        text(f"""
        CREATE TEMP TABLE kp_colour ON COMMIT DROP AS
        SELECT t.id AS task_id, k.id_number,
               CASE WHEN t.released_at IS NOT NULL THEN 'green' ELSE CASE t.measure {case} END END AS colour,
               date_trunc('second', clock_timestamp()) AS changed_at
        FROM kp_task t JOIN kp_person k ON k.id = t.person_id JOIN person p ON p.id_number = k.id_number
        WHERE p.community_code IS NOT NULL AND {which} AND (t.measure IS NOT NULL OR t.released_at IS NOT NULL)"""),
        params,
    )
    changed = conn.execute(
        text("""
        UPDATE health_code h SET colour = c.colour, changed_at = c.changed_at, source = :source
        FROM kp_colour c WHERE h.id_number = c.id_number AND h.colour <> c.colour AND c.changed_at >= h.changed_at"""),
        {"source": source},
    ).rowcount
    changed += conn.execute(
        text("""
        INSERT INTO health_code (id_number, colour, changed_at, source)
        SELECT id_number, colour, changed_at, :source FROM kp_colour c
        WHERE NOT EXISTS (SELECT 1 FROM health_code h WHERE h.id_number = c.id_number)"""),
        {"source": source},
    ).rowcount
    conn.execute(
        text("""
        UPDATE kp_task t SET colour_written = c.colour, colour_written_at = c.changed_at FROM kp_colour c
        WHERE t.id = c.task_id AND t.colour_written IS DISTINCT FROM c.colour;
        DROP TABLE kp_colour""")
    )
    return changed


KIND = registry.register(
    Kind(
        "keypersons",
        fields=FIELDS,
        key=("id_number",),
        stage_columns="name text, id_number char(18), passport text, nationality text, birth_date date, phone text,"
        " address text, travel_no text, arrival_at timestamptz, hotel text, case_ref text",
        copied=COPIED,
        verify=verify,
        merge=merge,
        request_checks=request_checks,
        options=TABLE_OPTIONS,
        chunked=False,  # a passport is checked once per file across rows (request_checks): read as one chunk
    )
)
