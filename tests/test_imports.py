"""Data in: a corpus of malformed files, each refused with its documented reason and nothing written; good
files of each kind land and the aggregates follow; the same file twice is a no-op; a load whose connection
is killed leaves the previous data; boundary files in CGCS2000 zones and GCJ-02 land where they should.

These tests load a small demo district of their own, so what they commit touches no other test.
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from shapely import wkt as shapely_wkt
from shapely.geometry import Polygon, mapping
from sqlalchemy import create_engine, text
from stdnum.cn import ric

from data_access.importing import cells
from data_access.importing.load import ImportRequest, run_import
from data_access.importing.reports import error_report, reason_text, template
from data_access.session import SessionWriter
from data_access.settings import WRITER_ROLE, settings
from domain import clock
from geo.gcj02 import wgs84_to_gcj02
from i18n import t
from tests.builders import credit_code, id_number
from tests.helpers import scratch_demo, signed_in

DISTRICT = "330105000000"
TZL = "330105005052"  # 台州路社区, 拱宸桥街道
DEMO_DAYS_AGO = 2  # the demo's colour history ends two days ago, so the changes tests load lie between it and now


@pytest.fixture(scope="module")
def db(test_url):
    with scratch_demo(test_url, "imports", seed=11, days_ago=DEMO_DAYS_AGO) as engine:
        yield engine


def fingerprint(engine) -> dict:
    """Everything an import may write, as digests: equal fingerprints mean nothing changed."""
    queries = {
        "person": "SELECT md5(string_agg(p::text, ',' ORDER BY id_number)) FROM person p",
        "enterprise": "SELECT md5(string_agg(e::text, ',' ORDER BY credit_code)) FROM enterprise e",
        "employment": "SELECT md5(string_agg(e::text, ',' ORDER BY credit_code, id_number)) FROM employment e",
        "health_code": "SELECT md5(string_agg(h::text, ',' ORDER BY id_number)) FROM health_code h",
        "history": "SELECT count(*) FROM health_code_history",
        "managed": "SELECT md5(string_agg(m::text, ',' ORDER BY id)) FROM managed_person m",
        "stats": "SELECT md5(string_agg(s::text, ',' ORDER BY community_code)) FROM community_stats s",
        "divisions": "SELECT md5(string_agg(code || ST_AsText(geom), ',' ORDER BY code)) FROM"
                     " (SELECT code, geom FROM street UNION ALL SELECT code, geom FROM community) d",
    }
    with engine.connect() as conn:
        return {k: conn.execute(text(q)).scalar() for k, q in queries.items()}


def some_people(engine, n: int = 3) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT p.id_number, h.colour FROM person p JOIN health_code h USING (id_number)"
            " WHERE p.community_code = :c ORDER BY p.id_number LIMIT :n"), {"c": TZL, "n": n})]


def an_enterprise(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT credit_code FROM enterprise ORDER BY credit_code LIMIT 1")).scalar()


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    text_ = "\r\n".join(",".join(r) for r in rows) + "\r\n"
    return (b"\xef\xbb\xbf" + text_.encode("utf-8")) if encoding == "utf-8-sig" else text_.encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def load(engine, kind: str, content: bytes, name: str = "file.csv", **options):
    return run_import(engine, ImportRequest(kind, name, content, "operator", options.pop("org", DISTRICT),
                                            **options))


def later(hours: int) -> str:
    """A Beijing time after everything the demo wrote (its history ends two days ago) and before now (a time
    ahead of now is refused), in the order tests need: hours 1 to 11 run from 11 to 1 hours ago."""
    return (clock.now() - timedelta(hours=12 - hours)).strftime("%Y-%m-%d %H:%M:%S")


def ahead(**delta: float) -> datetime:
    """Now plus delta, in Beijing."""
    return clock.now() + timedelta(**delta)


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


def truncated_id() -> str:
    """An 18-digit number ending in 000 that is not a valid ID: what Excel leaves of a long number."""
    body = id_number()[:15]
    while ric.is_valid(body + "000"):
        body = id_number()[:15]
    return body + "000"


RESIDENT_HEAD = ["身份证号码", "姓名", "手机号码", "人口类型", "所属社区"]
ENTERPRISE_HEAD = ["统一社会信用代码", "企业名称", "行业", "经度", "纬度", "所属社区"]
CODES_HEAD = ["身份证号码", "健康码颜色", "变码时间"]
MANAGED_HEAD = ["身份证号码", "管控类型", "所属社区", "开始日期", "结束日期"]
EMPLOY_HEAD = ["统一社会信用代码", "身份证号码", "姓名"]


def resident(pid: str | None = None, **change) -> list[str]:
    row = {"id": pid or id_number(), "name": "王五", "phone": "13812345678", "type": "户籍", "community": "台州路社区"}
    row.update(change)
    return list(row.values())


def corpus(engine) -> list[tuple[str, str, bytes, dict, str]]:
    """(case, kind, file, options, expected reason key or import.file.* key)."""
    person = some_people(engine, 1)[0][0]
    good_code = an_enterprise(engine)
    pid = id_number()
    cases = [
        ("id in scientific notation", "residents", csv_bytes([RESIDENT_HEAD, resident("3.30105E+17")]), {},
         "id_scientific"),
        ("id truncated by Excel", "residents", csv_bytes([RESIDENT_HEAD, resident(truncated_id())]), {},
         "id_truncated"),
        ("id check digit", "residents", csv_bytes([RESIDENT_HEAD, resident(wrong_check_digit(id_number()))]), {},
         "id_checksum"),
        ("15-digit id", "residents", csv_bytes([RESIDENT_HEAD, resident("330105900101123")]), {}, "id_15"),
        ("17-character id", "residents", csv_bytes([RESIDENT_HEAD, resident(id_number()[:17])]), {}, "id_length"),
        ("id with a letter inside", "residents", csv_bytes([RESIDENT_HEAD, resident("3301051990A1011234")]), {},
         "id_format"),
        ("birth date 13th month", "residents", csv_bytes([RESIDENT_HEAD, resident("330105199013011234")]), {},
         "id_birth_date"),
        ("unknown community, GBK", "residents", csv_bytes([RESIDENT_HEAD, resident(community="不存在社区")], "gbk"),
         {}, "unknown_community"),
        ("residence type", "residents", csv_bytes([RESIDENT_HEAD, resident(type="游客")], "gb18030"), {},
         "residence_type"),
        ("phone", "residents", csv_bytes([RESIDENT_HEAD, resident(phone="0571-1234")], "utf-8-sig"), {}, "phone"),
        ("empty name", "residents", csv_bytes([RESIDENT_HEAD, resident(name="")]), {}, "required"),
        ("duplicate id", "residents", csv_bytes([RESIDENT_HEAD, resident(pid), resident(pid)]), {}, "duplicate"),
        ("missing column", "residents", csv_bytes([["身份证号码", "人口类型", "所属社区"], [pid, "户籍", TZL]]), {},
         "import.file.missing_columns"),
        ("xlsx numeric id", "residents",
         xlsx_bytes([RESIDENT_HEAD, [330105199001011000.0, "王五", "13812345678", "户籍", TZL]]), {},
         "id_scientific"),
        ("xlsx unknown community code", "residents",
         xlsx_bytes([RESIDENT_HEAD, [id_number(), "王五", "13812345678", "户籍", "330105005999"]]), {},
         "unknown_community"),
        ("credit code check digit", "enterprises",
         csv_bytes([ENTERPRISE_HEAD, [wrong_check_digit(credit_code()), "某公司", "制造业", "", "", "台州路社区"]]),
         {}, "credit_checksum"),
        ("credit code letter I", "enterprises",
         csv_bytes([ENTERPRISE_HEAD, ["91110101I00000001X", "某公司", "制造业", "", "", "台州路社区"]]), {},
         "credit_format"),
        ("point in Shanghai", "enterprises",
         csv_bytes([ENTERPRISE_HEAD, [credit_code(), "某公司", "制造业", "121.47", "31.23", ""]], "gbk"), {},
         "outside_district"),
        ("longitude without latitude", "enterprises",
         xlsx_bytes([ENTERPRISE_HEAD, [credit_code(), "某公司", "制造业", 120.15, None, None]]), {}, "lon_lat_pair"),
        ("no place at all", "enterprises",
         csv_bytes([ENTERPRISE_HEAD, [credit_code(), "某公司", "制造业", "", "", ""]]), {}, "no_place"),
        ("longitude text", "enterprises",
         csv_bytes([ENTERPRISE_HEAD, [credit_code(), "某公司", "制造业", "东经120", "30.3", ""]]), {}, "longitude"),
        ("unknown enterprise", "employment", csv_bytes([EMPLOY_HEAD, [credit_code(), id_number(), "赵六"]]), {},
         "unknown_enterprise"),
        ("duplicate employment", "employment",
         xlsx_bytes([EMPLOY_HEAD, [good_code, pid, "赵六"], [good_code, pid, "赵六"]]), {}, "duplicate"),
        ("purple code", "health_codes", csv_bytes([CODES_HEAD, [person, "紫码", later(1)]], "gbk"), {},
         "colour"),
        ("unknown person", "health_codes", csv_bytes([CODES_HEAD, [id_number(), "红码", later(1)]]), {},
         "unknown_person"),
        ("changes without a time", "health_codes", csv_bytes([["身份证号码", "健康码颜色"], [person, "红码"]]), {},
         "required_for_changes"),
        ("time that does not parse", "health_codes", csv_bytes([CODES_HEAD, [person, "红码", "昨天上午"]]), {},
         "datetime"),
        ("xlsx purple code", "health_codes", xlsx_bytes([CODES_HEAD, [person, "紫", later(1)]]), {},
         "colour"),
        ("managed kind", "managed", csv_bytes([MANAGED_HEAD, [person, "观察", "台州路社区", "2022-04-01", ""]]), {},
         "managed_kind"),
        ("end before start", "managed",
         csv_bytes([MANAGED_HEAD, [person, "居家隔离", "台州路社区", "2022-04-10", "2022-04-01"]], "gbk"), {},
         "end_before_start"),
        ("managed start next year", "managed",
         csv_bytes([MANAGED_HEAD, [person, "居家隔离", "台州路社区", f"{ahead(days=366):%Y-%m-%d}", ""]]), {},
         "future_date"),
        ("enrolment date next year", "employment",
         csv_bytes([[*EMPLOY_HEAD, "参保日期"], [good_code, person, "赵六", f"{ahead(days=366):%Y/%m/%d}"]]), {},
         "future_date"),
        ("change time next year", "health_codes",
         csv_bytes([CODES_HEAD, [person, "红码", f"{ahead(days=366):%Y-%m-%d %H:%M:%S}"]]), {}, "future_time"),
        ("date 13th month", "managed",
         xlsx_bytes([MANAGED_HEAD, [person, "居家隔离", "台州路社区", "2022/13/01", None]]), {}, "date"),
        ("old .xls", "residents", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, {}, "import.file.xls"),
        ("empty file", "residents", b"  \r\n", {}, "import.file.empty"),
        ("no header", "residents", csv_bytes([["a", "b"], ["1", "2"]]), {}, "import.file.no_header"),
        ("unterminated quote", "residents", b'\xe8\xba\xab\xe4\xbb\xbd\xe8\xaf\x81\xe5\x8f\xb7\xe7\xa0\x81,'
         + "姓名,人口类型,所属社区\r\n\"330105,".encode(), {}, "import.file.csv"),
        ("damaged xlsx", "residents", b"PK\x03\x04" + b"garbage" * 50, {}, "import.file.xlsx"),
        ("undecodable bytes", "residents", b"\xff\xfe\xfd\x80\x81" * 3 + b"\x00\xd8", {}, "import.file.encoding"),
    ]
    return cases


def test_the_corpus_has_thirty_cases_of_every_kind_format_and_encoding(db):
    cases = corpus(db)
    assert len(cases) >= 30
    assert {c[1] for c in cases} >= {"residents", "enterprises", "employment", "health_codes", "managed"}
    assert any(c[2][:2] == b"PK" for c in cases) and any(c[2][:3] == b"\xef\xbb\xbf" for c in cases)


def test_each_malformed_file_is_refused_with_its_reason_and_nothing_is_written(db):
    before = fingerprint(db)
    failures = []
    for case, kind, content, options, expected in corpus(db):
        result = load(db, kind, content, **options)
        if result.result != "rejected":
            failures.append((case, result.result, result.message))
        elif expected.startswith("import.file."):
            if t(expected).split("{")[0] not in result.problem:
                failures.append((case, result.problem))
        elif expected not in {e.reason for e in result.errors}:
            failures.append((case, [(e.reason, e.value) for e in result.errors]))
        assert all(reason_text(e.as_dict()) for e in result.errors)  # every reason has its Chinese text
    assert failures == []
    assert fingerprint(db) == before
    with db.connect() as conn:
        rejected = conn.execute(text("SELECT count(*) FROM import_run WHERE result = 'rejected'")).scalar()
    assert rejected >= 30


def test_the_error_report_names_row_column_value_and_reason(db):
    bad = wrong_check_digit(id_number())
    content = csv_bytes([RESIDENT_HEAD, resident(), resident(bad), resident(phone="12345")], "gbk")
    result = load(db, "residents", content)
    assert result.result == "rejected" and not result.problem
    report = error_report([e.as_dict() for e in result.errors], []).decode("utf-8-sig").splitlines()
    assert report[0] == "行号,列,内容,错误原因"
    assert f"3,身份证号码,{bad},{t('import.reason.id_checksum')}" in report
    assert any(line.startswith("4,手机号码,12345,") for line in report)
    with db.connect() as conn:
        stored = conn.execute(text("SELECT error_count, errors FROM import_run WHERE id = :i"),
                              {"i": result.run_id}).one()
    assert stored[0] == 2 and {e["row"] for e in stored[1]} == {3, 4}


def test_normalisation_of_full_width_digits_spaces_lowercase_x_and_apostrophes(db):
    pid = id_number()
    while not pid.endswith("X"):
        pid = id_number()
    messy = "'" + " ".join(pid[i:i + 6] for i in range(0, 18, 6)).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")).replace("X", "x")
    result = load(db, "residents", csv_bytes([RESIDENT_HEAD, resident(messy, phone="+86 138-1234-5678")]))
    assert result.result == "loaded", result.errors
    with db.connect() as conn:
        assert conn.execute(text("SELECT phone FROM person WHERE id_number = :i"), {"i": pid}).scalar() == \
            "13812345678"


def test_the_column_check_of_ids_agrees_with_python_stdnum_value_by_value():
    valid = [id_number() for _ in range(300)]
    broken = [wrong_check_digit(v) for v in valid[:100]] + [v[:6] + "19991301" + v[14:] for v in valid[100:150]]
    messy = [v.lower()[:9] + " " + v[9:] for v in valid[150:200]] + ["3.30105E+17", "", "'" + valid[0], "123"]
    values = pd.Series(valid + broken + messy)
    checked, reasons = cells.id_numbers(values)
    assert list(zip(checked, reasons, strict=True)) == [cells.id_number(v) for v in values]
    assert all(ric.is_valid(v) for v in checked if v)


def test_residents_born_before_their_county_code_existed_are_valid():
    """拱墅区's code 330105 dates from 1983: a resident born in 1975 still holds an ID under it (python-stdnum's
    validate() refuses it as an unknown county of that date)."""
    weights, check = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], "10X98765432"
    ids = [base + check[sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11]
           for base in ("33010519750312123", "33010519320101001", "33010519821231002")]
    assert [cells.id_number(v) for v in ids] == [(v, None) for v in ids]
    checked, reasons = cells.id_numbers(pd.Series(ids))
    assert list(checked) == ids and list(reasons) == [None] * 3
    assert cells.id_number(ids[0][:17] + ("1" if ids[0][17] != "1" else "2")) == (None, "id_checksum")


@pytest.fixture(params=["command line", "import tab"])
def loader(request, db):
    """How a file is loaded: from the command line (the owner), or from the import tab (the writer role,
    entered with a district operator's login session, every row checked by PostgreSQL too)."""
    if request.param == "command line":
        yield load
        return
    operator = signed_in("web.operator.test", "测试", "data_operator", DISTRICT, engine=db)
    writer = create_engine(settings().role_url(WRITER_ROLE).set(database=db.url.database))

    def load_as_web(engine, kind: str, content: bytes, name: str = "file.csv", **options):
        return run_import(SessionWriter(operator.session, writer), ImportRequest(
            kind, name, content, operator.username, options.pop("org", DISTRICT), session=operator.session,
            **options))

    yield load_as_web
    writer.dispose()


def test_good_files_of_each_kind_load_and_the_aggregates_follow(db, loader):
    load = loader
    residents = [resident(community=TZL) for _ in range(4)]
    first = load(db, "residents", csv_bytes([RESIDENT_HEAD, *residents], "gbk"))
    assert first.result == "loaded", first.problem
    code = credit_code()
    row = [code, "新企业", "制造业", None, None, "台州路社区"]
    result = load(db, "enterprises", xlsx_bytes([ENTERPRISE_HEAD, row]), name="e.xlsx")
    assert result.result == "loaded", result.errors
    staff = [[code, r[0], r[1]] for r in residents[:2]] + [[code, id_number(), "外区职工"]]
    result = load(db, "employment", csv_bytes([EMPLOY_HEAD, *staff]))
    assert result.result == "loaded" and result.rows_written == 3 and result.notes, result.problem  # a non-resident
    codes = [[r[0], "红码", later(1)] for r in residents] + [[staff[2][1], "绿码", later(1)]]
    before = community_counts(db, TZL)
    result = load(db, "health_codes", csv_bytes([CODES_HEAD, *codes]))
    assert result.result == "loaded" and result.rows_written == 5
    after = community_counts(db, TZL)
    assert after["residents_red"] == before["residents_red"] + 4
    assert after["residents_none"] == before["residents_none"] - 4
    with db.connect() as conn:
        assert conn.execute(text("SELECT status FROM enterprise_stats WHERE credit_code = :c"),
                            {"c": code}).scalar() == "warned"
        history = conn.execute(text("SELECT count(*) FROM health_code_history WHERE id_number = ANY (:i)"),
                               {"i": [r[0] for r in residents]}).scalar()
        maintained_matches = conn.execute(text("""
            SELECT count(*) = 0 FROM fusion_community(true) f JOIN community_stats s USING (community_code)
            WHERE (f.residents_red, f.residents_none, f.enterprises_warned, f.employees_red)
                  IS DISTINCT FROM (s.residents_red, s.residents_none, s.enterprises_warned, s.employees_red)
        """)).scalar()
    assert history == 4 and maintained_matches
    managed = [[residents[0][0], "居家隔离", "台州路社区", "2026-11-20", ""]]
    last = load(db, "managed", csv_bytes([MANAGED_HEAD, *managed]))
    assert last.result == "loaded", last.problem


def test_an_enterprise_geocoded_in_gcj02_lands_in_its_community_after_conversion(db):
    with db.connect() as conn:
        lon, lat = conn.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p"
                                     " FROM community WHERE code = :c) x"), {"c": TZL}).one()
    x, y = wgs84_to_gcj02([lon], [lat])
    code = credit_code()
    row = [code, "高德坐标企业", "零售业", f"{x[0]:.7f}", f"{y[0]:.7f}", ""]
    result = load(db, "enterprises", csv_bytes([ENTERPRISE_HEAD, row]), gcj02=True)
    assert result.result == "loaded", result.errors
    with db.connect() as conn:
        landed = conn.execute(text("SELECT community_code, ST_Distance(location::geography,"
                                   " ST_SetSRID(ST_MakePoint(:x, :y), 4326)::geography) FROM enterprise"
                                   " WHERE credit_code = :c"), {"c": code, "x": lon, "y": lat}).one()
    assert landed[0] == TZL and landed[1] < 0.05


def community_counts(engine, code: str) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT * FROM community_stats WHERE community_code = :c"),
                                 {"c": code}).mappings().one())


def test_the_same_file_twice_changes_nothing_the_second_time(db):
    people = some_people(db, 3)
    flip = {"green": "黄码", "yellow": "绿码", "red": "绿码"}
    content = csv_bytes([CODES_HEAD, *[[p, flip[c], later(2)] for p, c in people]], "gbk")
    first = load(db, "health_codes", content, name="codes.csv")
    assert first.result == "loaded" and first.rows_written == 3
    before = fingerprint(db)
    second = load(db, "health_codes", content, name="codes-again.csv")
    assert second.result == "unchanged" and fingerprint(db) == before
    # the same rows in another file: loaded, but nothing differs, so nothing is written
    third = load(db, "health_codes", content + b"\r\n", name="codes-copy.csv")
    assert third.result == "loaded" and third.rows_written == 0 and fingerprint(db) == before


def test_snapshot_mode_takes_a_time_for_the_file_and_skips_stale_rows(db):
    (person, colour), (other, _) = some_people(db, 2)
    new = "红码" if colour != "red" else "绿码"
    content = csv_bytes([["身份证号码", "健康码颜色"], [person, new], [other, "绿码"]])
    taken = datetime.now(UTC) - timedelta(minutes=30)  # after every time the demo and the other tests wrote
    result = load(db, "health_codes", content, mode="snapshot", as_of=taken, name="snapshot.csv")
    assert result.result == "loaded" and result.rows_written >= 1
    assert any("快照中没有" in n for n in result.notes)
    old = csv_bytes([CODES_HEAD, [person, "黄码" if new != "黄码" else "绿码", "2020-01-01 00:00"]])
    stale = load(db, "health_codes", old, name="old.csv")
    assert stale.result == "loaded" and stale.rows_written == 0 and any("早于" in n for n in stale.notes)


def test_a_trial_checks_everything_reports_what_would_be_written_and_writes_nothing(db):
    rows = [resident() for _ in range(3)]
    before = fingerprint(db)
    trial = load(db, "residents", csv_bytes([RESIDENT_HEAD, *rows]), check_only=True, name="trial.csv")
    assert trial.result == "checked" and trial.rows_written == 3 and "未写入任何数据" in trial.message
    assert fingerprint(db) == before
    real = load(db, "residents", csv_bytes([RESIDENT_HEAD, *rows]), name="trial.csv")
    assert real.result == "loaded" and real.rows_written == 3  # a trial is not "the same file loaded before"
    after = fingerprint(db)
    frame = street_frame(db, "330105009000").head(1)
    moved = frame.set_geometry(frame.translate(xoff=0.001))
    boundary = load(db, "boundaries", moved.to_json().encode(), name="b.geojson", check_only=True)
    assert boundary.result == "checked" and boundary.rows_written >= 1 and fingerprint(db) == after


def test_skip_bad_rows_loads_the_good_ones_and_reports_the_rest(db):
    good, bad = resident(), resident(wrong_check_digit(id_number()))
    result = load(db, "residents", csv_bytes([RESIDENT_HEAD, good, bad]), skip_bad_rows=True)
    assert result.result == "loaded" and result.rows_written == 1 and result.rows_skipped == 1
    assert [e.row for e in result.errors] == [3]


def test_an_operator_of_one_street_cannot_load_rows_of_another(db):
    row = resident(community="330105001051")  # 夹城巷社区, 米市巷街道
    result = load(db, "residents", csv_bytes([RESIDENT_HEAD, row]), org="330105005000")
    assert result.result == "rejected" and {e.reason for e in result.errors} == {"out_of_scope"}


def test_a_load_whose_connection_is_killed_leaves_the_previous_data(db):
    people = some_people(db, 3)
    content = csv_bytes([CODES_HEAD, *[[p, "红码" if c != "red" else "绿码", later(3)] for p, c in people]])
    before = fingerprint(db)

    def kill_at_the_last_step(_fraction: float, stage: str) -> None:
        if stage == "import.stage.record":  # merged, not yet committed
            with db.connect() as conn:
                killed = conn.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")).all()
                conn.commit()
            assert killed

    request = ImportRequest("health_codes", "killed.csv", content, "operator", DISTRICT)
    result = run_import(db, request, kill_at_the_last_step)
    assert result.result == "failed" and "撤销" in result.problem
    db.dispose()  # drop the dead connection from the pool
    assert fingerprint(db) == before


def test_two_imports_at_once_are_serialised_and_both_land(db):
    files = [csv_bytes([RESIDENT_HEAD, *[resident() for _ in range(20)]]) for _ in range(2)]
    results = [None, None]

    def go(i: int) -> None:
        results[i] = load(db, "residents", files[i], name=f"parallel-{i}.csv")

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert [r.result for r in results] == ["loaded", "loaded"]


def test_templates_have_the_documented_headers(db):
    header = template("residents").decode("utf-8-sig").strip()
    assert header == "身份证号码*,姓名*,手机号码,人口类型*,所属社区*,所属街道,居住地址"
    book = openpyxl.load_workbook(io.BytesIO(template("health_codes", "xlsx")))
    assert [c.value for c in book.worksheets[0][1]] == ["身份证号码*", "健康码颜色*", "变码时间"]
    # a filled-in template loads
    pid = some_people(db, 1)[0][0]
    filled = template("health_codes") + f"{pid},绿码,{later(4)}\r\n".encode()
    assert load(db, "health_codes", filled, name="filled.csv").result == "loaded"


# --- times in the future ---------------------------------------------------------------------------
# These come after the other health-code tests: they write changes a minute to an hour ago, which would
# make those tests' earlier times stale for the same persons.

FLIP = {"green": "黄码", "yellow": "绿码", "red": "绿码"}
COLOURS = {"黄码": "yellow", "绿码": "green"}


def test_a_change_time_in_the_future_refuses_the_file_naming_its_row_and_writes_nothing(db):
    people = some_people(db, 3)
    typo = ahead(days=366).strftime("%Y-%m-%d %H:%M:%S")  # 2027 typed for 2026: a year ahead
    rows = [[p, FLIP[c], typo if i == 1 else later(11)] for i, (p, c) in enumerate(people)]
    before = fingerprint(db)
    result = load(db, "health_codes", csv_bytes([CODES_HEAD, *rows], "gbk"), name="typo.csv")
    assert result.result == "rejected" and result.rows_written == 0
    assert [(e.row, e.column, e.value, e.reason) for e in result.errors] == [(3, "变码时间", typo, "future_time")]
    assert "将来" in reason_text(result.errors[0].as_dict())
    assert fingerprint(db) == before


def test_offsets_are_compared_as_instants_and_times_without_one_are_beijing_time(db):
    people = [p for p, _ in some_people(db, 4)]
    in_utc = ahead(minutes=10).astimezone(UTC).isoformat(timespec="seconds")  # ahead; its digits read 8 h earlier
    in_kiribati = ahead(hours=-1).astimezone(timezone(timedelta(hours=14))).isoformat()  # past; digits 6 h later
    beijing_past = ahead(hours=-1).strftime("%Y-%m-%d %H:%M")  # past in Beijing; ahead if read as UTC
    beijing_ahead = ahead(minutes=10).strftime("%Y/%m/%d %H:%M:%S")
    rows = [[p, "黄码", when] for p, when in zip(people, [in_utc, in_kiribati, beijing_past, beijing_ahead],
                                                  strict=True)]
    before = fingerprint(db)
    result = load(db, "health_codes", csv_bytes([CODES_HEAD, *rows]), name="offsets.csv")
    assert [(e.row, e.value, e.reason) for e in result.errors] == [(2, in_utc, "future_time"),
                                                                   (5, beijing_ahead, "future_time")]
    assert result.result == "rejected" and fingerprint(db) == before


def test_the_limit_is_now_plus_the_clock_skew_whatever_the_offset(monkeypatch):
    from data_access.importing.registry import kind
    from data_access.importing.rows import check_rows

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 4, 1, 8, 0, tzinfo=clock.BEIJING))  # skew: 5 min
    times = ["2026-04-01 08:05:00", "2026-04-01 08:05:01", "2026-04-01T00:05:01Z", "2026-04-01T00:04:59+00:00",
             "2026/4/1 8:05", "2027-04-01 07:00"]
    frame = pd.DataFrame({"row": range(2, 8), "id_number": [id_number() for _ in times], "colour": "红码",
                          "changed_at": times})
    _, errors = check_rows(frame, kind("health_codes"))
    assert [(e.row, e.reason) for e in errors] == [(3, "future_time"), (4, "future_time"), (7, "future_time")]
    starts = pd.DataFrame({"row": [2, 3], "id_number": [id_number(), id_number()], "kind": "居家隔离",
                           "community": "台州路社区", "street": "", "start_date": ["2026-04-01", "2026-04-02"],
                           "end_date": "2026-04-30"})
    _, errors = check_rows(starts, kind("managed"))
    assert [(e.row, e.column, e.reason) for e in errors] == [(3, "开始日期", "future_date")]


def test_skip_bad_rows_loads_the_other_rows_and_lists_the_future_one(db):
    people = some_people(db, 6)[3:]
    typo = ahead(days=366).strftime("%Y-%m-%d %H:%M")
    rows = [[p, FLIP[c], typo if i == 1 else later(11)] for i, (p, c) in enumerate(people)]
    result = load(db, "health_codes", csv_bytes([CODES_HEAD, *rows]), skip_bad_rows=True, name="skip-future.csv")
    assert result.result == "loaded" and result.rows_written == 2 and result.rows_skipped == 1
    assert [(e.row, e.value, e.reason) for e in result.errors] == [(3, typo, "future_time")]
    report = error_report([e.as_dict() for e in result.errors], []).decode("utf-8-sig").splitlines()
    assert report[1] == f"3,变码时间,{typo},{t('import.reason.future_time')}"
    with db.connect() as conn:
        stored = {r[0]: (r[1], r[2]) for r in conn.execute(text(
            "SELECT id_number, colour, changed_at FROM health_code WHERE id_number = ANY (:i)"),
            {"i": [p for p, _ in people]})}
    assert {p: colour for p, (colour, _) in stored.items()} == {
        people[0][0]: COLOURS[FLIP[people[0][1]]], people[2][0]: COLOURS[FLIP[people[2][1]]],
        people[1][0]: people[1][1]}  # the row with the typo'd year left the record as it was
    assert stored[people[1][0]][1] < clock.now()


def test_a_change_time_within_the_allowed_clock_skew_is_accepted(db):
    person, colour = some_people(db, 7)[6]
    soon = ahead(minutes=2).strftime("%Y-%m-%d %H:%M:%S")  # the sender's clock runs two minutes fast
    result = load(db, "health_codes", csv_bytes([CODES_HEAD, [person, FLIP[colour], soon]]), name="soon.csv")
    assert result.result == "loaded" and result.rows_written == 1, result.errors


def test_the_allowed_skew_is_the_setting(db, monkeypatch):
    from data_access.importing import base
    from data_access.settings import load as settings_from

    monkeypatch.setattr(base, "settings", lambda: settings_from({"SANSETU_CLOCK_SKEW_MINUTES": "0"}))
    person, colour = some_people(db, 8)[7]
    soon = ahead(minutes=2).strftime("%Y-%m-%d %H:%M:%S")
    result = load(db, "health_codes", csv_bytes([CODES_HEAD, [person, FLIP[colour], soon]]), check_only=True)
    assert result.result == "rejected" and [e.reason for e in result.errors] == ["future_time"]


def test_a_snapshot_as_of_in_the_future_is_refused_in_one_line(db, monkeypatch, capsys, tmp_path):
    from data_access import cli

    monkeypatch.setattr(cli, "get_engine", lambda: db)
    path = tmp_path / "snapshot.csv"
    path.write_bytes(csv_bytes([["身份证号码", "健康码颜色"], [some_people(db, 9)[8][0], "红码"]]))
    before = fingerprint(db)
    code = cli.main(["import", "health_codes", str(path), "--mode", "snapshot",
                     "--as-of", f"{ahead(days=366):%Y-%m-%d}"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 4 and len(err) == 1 and "快照时间" in err[0] and "将来" in err[0], err
    assert fingerprint(db) == before
    # --as-of without an offset is Beijing time, as in the files: an hour ago is not 7 hours ahead
    past = f"{ahead(hours=-1):%Y-%m-%dT%H:%M}"
    code = cli.main(["import", "health_codes", str(path), "--mode", "snapshot", "--as-of", past, "--check-only"])
    assert code == 0, capsys.readouterr().err


# --- how files are read: sheets, encodings, separators, containers, parser messages ------------------

def workbook(sheets: dict[str, list[list[object]]], active: int = 0, hidden: tuple[str, ...] = ()) -> bytes:
    """An XLSX of the named sheets in order, the active one and the hidden ones as given."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.sheet_state = "hidden" if name in hidden else "visible"
        for row in rows:
            sheet.append(row)
    book.active = active
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def stored_persons(engine, ids: list[str]) -> dict[str, tuple]:
    with engine.connect() as conn:
        return {r[0]: tuple(r[1:]) for r in conn.execute(text(
            "SELECT id_number, name, address, community_code FROM person WHERE id_number = ANY (:i)"), {"i": ids})}


def refused(engine, kind: str, content: bytes, name: str = "file.csv", **options) -> str:
    """Load a file that must be refused whole, and nothing written; its message."""
    before = fingerprint(engine)
    result = load(engine, kind, content, name=name, **options)
    assert result.result == "rejected" and result.problem, (result.result, result.errors)
    assert fingerprint(engine) == before
    return result.problem


def test_the_visible_sheet_is_read_not_a_hidden_first_one(db):
    hidden, shown = resident(), resident()
    content = workbook({"旧名单": [RESIDENT_HEAD, hidden], "名单": [RESIDENT_HEAD, shown]}, active=1,
                       hidden=("旧名单",))
    result = load(db, "residents", content, name="hidden.xlsx")
    assert result.result == "loaded" and result.rows_written == 1, result.errors
    assert set(stored_persons(db, [hidden[0], shown[0]])) == {shown[0]}
    assert t("import.note.sheet", sheet="名单") in result.notes


def test_a_filled_template_with_its_notes_sheet_reads_the_data_sheet_whichever_is_active(db):
    row = resident()
    notes = [["说明", "带 * 的列必填"], *([h + "*", "示例"] for h in RESIDENT_HEAD)]  # one header per row
    content = workbook({"说明": notes, "居民": [[h + "*" for h in RESIDENT_HEAD], row]}, active=0)
    result = load(db, "residents", content, name="template.xlsx")
    assert result.result == "loaded" and result.rows_written == 1, (result.problem, result.errors)
    incomplete = workbook({"说明": notes, "居民": [RESIDENT_HEAD[:3] + RESIDENT_HEAD[4:], row[:3] + row[4:]]})
    assert refused(db, "residents", incomplete, name="t.xlsx") == t("import.file.missing_columns", columns="人口类型")


def test_two_visible_sheets_with_data_are_refused_by_name_unless_one_is_chosen(db, monkeypatch, capsys, tmp_path):
    first, second = resident(), resident()
    content = workbook({"一月": [RESIDENT_HEAD, first], "二月": [["居民名单"], RESIDENT_HEAD, second]}, active=1)
    problem = refused(db, "residents", content, name="two.xlsx")
    assert "一月、二月" in problem and "--sheet" in problem
    assert "二月" in refused(db, "residents", content, name="two.xlsx", sheet="三月")  # names the sheets there are
    from data_access import cli

    monkeypatch.setattr(cli, "get_engine", lambda: db)
    path = tmp_path / "两个月.xlsx"
    path.write_bytes(content)
    assert cli.main(["import", "residents", str(path), "--sheet", "一月"]) == 0, capsys.readouterr().err
    assert set(stored_persons(db, [first[0], second[0]])) == {first[0]}


def test_a_gbk_file_with_one_utf8_row_is_refused_naming_the_row(db):
    rows = [RESIDENT_HEAD, resident(), resident(name="王芳"), resident(name="李四")]
    lines = [",".join(r).encode("utf-8" if i == 2 else "gbk") for i, r in enumerate(rows)]
    problem = refused(db, "residents", b"\r\n".join(lines) + b"\r\n", name="mixed.csv")
    assert "第 3 行是 UTF-8" in problem and "大部分行是 GBK" in problem, problem
    assert not stored_persons(db, [r[0] for r in rows[1:]])


def test_a_utf8_file_with_gbk_rows_or_earlier_mojibake_is_refused_naming_the_rows(db):
    rows = [CODES_HEAD, *([p, "红码", later(2)] for p, _ in some_people(db, 14)[10:14])]
    lines = [",".join(r).encode("gbk" if i in (2, 4) else "utf-8") for i, r in enumerate(rows)]
    problem = refused(db, "health_codes", b"\xef\xbb\xbf" + b"\n".join(lines), name="bom-mixed.csv")
    assert "第 3、5 行是 GBK" in problem and "共 2 行" in problem, problem
    garbled = csv_bytes([RESIDENT_HEAD, resident(), resident(name="锟斤拷"), resident(address="拱墅\ufffd")])
    assert "第 3、4 行含有乱码" in refused(db, "residents", garbled)


def test_names_and_addresses_are_stored_as_written_codes_are_normalised(db):
    code = credit_code()
    full_width_code = code.translate(str.maketrans("0123456789ABCDEFGHJKLMNPQRTUWXY",
                                                   "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ"))
    head = ["统一社会信用代码", "企业名称", "行业", "地址", "所属社区"]
    row = [full_width_code, "杭州某某有限公司（拱墅分公司）", "批发和零售业", " １号（ＡＢＣ大厦）\u3000", "台州路社区"]
    result = load(db, "enterprises", csv_bytes([head, row]))
    assert result.result == "loaded", result.errors
    with db.connect() as conn:
        stored = conn.execute(text("SELECT name, address FROM enterprise WHERE credit_code = :c"), {"c": code}).one()
    assert tuple(stored) == ("杭州某某有限公司（拱墅分公司）", "１号（ＡＢＣ大厦）")


def test_a_resident_named_in_full_width_keeps_the_name_and_a_full_width_community_code_still_resolves(db):
    pid = id_number()
    width = str.maketrans("0123456789", "０１２３４５６７８９")
    address = "丰潭路１８号（Ａ座）  ３０１室"
    row = [pid, "Ｍａｒｙ　王", "13812345678", "户籍", TZL.translate(width), "拱宸桥街道", address]
    result = load(db, "residents", csv_bytes([[*RESIDENT_HEAD, "所属街道", "居住地址"], row]))
    assert result.result == "loaded", result.errors
    assert stored_persons(db, [pid])[pid] == ("Ｍａｒｙ　王", address, TZL)


def test_a_password_protected_xlsx_is_named_as_such(db):
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(xlsx_bytes([RESIDENT_HEAD, resident()]))).encrypt("口令", encrypted)
    problem = refused(db, "residents", encrypted.getvalue(), name="加密.xlsx")
    assert "密码" in problem and ".xls 文件" not in problem
    assert "旧版 .xls" in refused(db, "residents", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, name="a.xls")


def html_page(rows: list[list[str]], charset: str = "utf-8", title: str = "居民信息导出") -> bytes:
    """A table as web systems export it and name .xls: a title row across all columns, th headers."""
    cells = "".join("<tr>" + "".join(f"<{'th' if i == 0 else 'td'}>{c}</{'th' if i == 0 else 'td'}>" for c in r)
                    + "</tr>\n" for i, r in enumerate(rows))
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"></head><body>'
            f'<table border="1"><tr><td colspan="{len(rows[0])}">{title}</td></tr>\n{cells}</table>'
            "</body></html>").encode(charset)


def test_an_html_table_saved_as_xls_is_read(db):
    rows = [resident(), resident(name="张&nbsp;三")]
    result = load(db, "residents", html_page([RESIDENT_HEAD, *rows], "gbk"), name="导出.xls")
    assert result.result == "loaded" and result.rows_written == 2, (result.problem, result.errors)
    assert result.file_format == "HTML" and result.encoding == "GBK/GB18030"
    assert stored_persons(db, [rows[1][0]])[rows[1][0]][0] == "张 三"
    xhtml = resident()
    page = (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">\n'
            + html_page([RESIDENT_HEAD, xhtml]))
    result = load(db, "residents", page, name="xhtml.xls")
    assert result.result == "loaded" and result.rows_written == 1, (result.problem, result.errors)


def test_other_web_exports_say_what_they_are(db):
    spreadsheet_xml = ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns='
                       '"urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Sheet1"/></Workbook>')
    assert "Excel 2003 XML" in refused(db, "residents", spreadsheet_xml.encode(), name="导出.xls")
    assert "没有可读取的表格" in refused(db, "residents", b"<html><body><p>404</p></body></html>", name="x.xls")
    two = html_page([RESIDENT_HEAD, resident()]).replace(b"</body>", html_page([RESIDENT_HEAD, resident()])
                                                         .split(b"<body>")[1])
    assert "表格1、表格2" in refused(db, "residents", two, name="two.xls")


def test_a_title_row_above_a_semicolon_header_is_skipped(db):
    rows = [resident(), resident()]
    content = "\r\n".join(["拱墅区居民名单（2022 年 4 月）", ";".join(RESIDENT_HEAD), *(";".join(r) for r in rows)])
    result = load(db, "residents", content.encode("gbk"))
    assert result.result == "loaded" and result.rows_written == 2, (result.problem, result.errors)
    assert set(stored_persons(db, [r[0] for r in rows])) == {r[0] for r in rows}


def test_a_title_with_commas_above_a_tab_separated_header_is_skipped(db):
    row = resident()
    content = "\n".join(["居民名单,截至 2022-04-01,拱宸桥街道", "", "\t".join(RESIDENT_HEAD), "\t".join(row)])
    result = load(db, "residents", content.encode("utf-16"))
    assert result.result == "loaded" and result.rows_written == 1, (result.problem, result.errors)
    assert [e for e in result.errors] == [] and result.encoding == "UTF-16"


def test_zero_width_characters_are_stripped_from_ids(db):
    pid = id_number()
    dirty = "\ufeff" + pid[:6] + "\u200b" + pid[6:]
    result = load(db, "residents", csv_bytes([RESIDENT_HEAD, resident(dirty, name="\u200b赵六")]))
    assert result.result == "loaded", result.errors
    assert stored_persons(db, [pid])[pid][0] == "赵六"


def test_zero_width_characters_are_stripped_from_credit_codes_colours_and_phones(db):
    code, pid = credit_code(), id_number()
    head = ["统一社会信用代码", "企业名称", "行业", "所属社区"]
    result = load(db, "enterprises", xlsx_bytes([head, [code[:9] + "\u200d" + code[9:] + "\u2060", "零宽公司",
                                                         "制造业", "台州路社区"]]), name="zw.xlsx")
    assert result.result == "loaded", result.errors
    staff = [code, pid + "\u200b", "钱七", "138\u200b1234\u200c5678"]
    result = load(db, "employment", xlsx_bytes([[*EMPLOY_HEAD, "手机号码"], staff]), name="e.xlsx")
    assert result.result == "loaded", result.errors
    with db.connect() as conn:
        assert conn.execute(text("SELECT phone FROM person WHERE id_number = :i"), {"i": pid}).scalar() == \
            "13812345678"
    assert cells.colour("红码\u200b") == ("red", None)


def excel_serial(moment: datetime) -> float:
    """The number Excel keeps for a Beijing date and time."""
    naive = moment.astimezone(clock.BEIJING).replace(tzinfo=None)
    return round((naive - datetime(1899, 12, 30)).total_seconds() / 86400, 6)


def stored_change(engine, pid: str) -> datetime:
    with engine.connect() as conn:
        return conn.execute(text("SELECT changed_at FROM health_code WHERE id_number = :i"), {"i": pid}).scalar()


def test_an_excel_serial_time_in_a_general_cell_is_a_time(db):
    (person, colour), = some_people(db, 16)[15:16]
    when = (clock.now() - timedelta(hours=3)).replace(microsecond=0)
    result = load(db, "health_codes", xlsx_bytes([CODES_HEAD, [person, FLIP[colour], excel_serial(when)]]),
                  name="serial.xlsx")
    assert result.result == "loaded" and result.rows_written == 1, result.errors
    assert abs((stored_change(db, person) - when).total_seconds()) <= 1


def test_excel_serials_as_csv_text_and_as_dates_are_accepted_and_a_future_serial_is_refused(db):
    (person, colour), (other, _) = some_people(db, 18)[16:18]
    when = (clock.now() - timedelta(hours=2)).replace(microsecond=0)
    rows = [[person, FLIP[colour], str(excel_serial(when))], [other, "红码", str(excel_serial(ahead(days=366)))]]
    result = load(db, "health_codes", csv_bytes([CODES_HEAD, *rows]), name="serial.csv")
    assert [(e.row, e.reason) for e in result.errors] == [(3, "future_time")]
    result = load(db, "health_codes", csv_bytes([CODES_HEAD, rows[0]]), name="serial.csv")
    assert result.result == "loaded", result.errors
    assert abs((stored_change(db, person) - when).total_seconds()) <= 1
    start = int(excel_serial(clock.now() - timedelta(days=3)))
    result = load(db, "managed", xlsx_bytes([MANAGED_HEAD, [person, "居家隔离", "台州路社区", start, None]]),
                  name="m.xlsx")
    assert result.result == "loaded", result.errors
    with db.connect() as conn:
        assert conn.execute(text("SELECT max(start_date) FROM managed_person WHERE id_number = :i"),
                            {"i": person}).scalar() == (clock.now() - timedelta(days=3)).date()


ENGLISH = ("unexpected", "field larger", "expected after", "new-line", "Error")


def test_csv_parser_errors_are_chinese_and_name_the_row(db):
    head = ",".join(RESIDENT_HEAD).encode()
    good = ",".join(resident()).encode()
    unclosed = head + b"\r\n" + good + b"\r\n" + '"330105,王五,户籍,台州路社区\r\n'.encode()
    problem = refused(db, "residents", unclosed)
    assert "第 3 行" in problem and "引号没有闭合" in problem and not any(w in problem for w in ENGLISH)
    huge = head + b"\r\n" + good + b"\r\n" + good + b"\r\n" + b'1,"' + b"x" * 140_000 + b"\r\n" + good
    problem = refused(db, "residents", huge)
    assert "第 4 行" in problem and "131072" in problem and not any(w in problem for w in ENGLISH), problem


def test_a_stray_quote_in_a_gbk_file_is_chinese_and_names_the_row(db):
    rows = [RESIDENT_HEAD, resident(), resident(), resident(name='"王"五')]
    problem = refused(db, "residents", csv_bytes(rows, "gbk"))
    assert "第 4 行" in problem and "引号" in problem and not any(w in problem for w in ENGLISH), problem


# --- boundaries ------------------------------------------------------------------------------------

def street_frame(engine, street: str) -> gpd.GeoDataFrame:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT code, name, ST_AsText(geom) FROM community WHERE street_code = :s"
                                 " ORDER BY code"), {"s": street}).all()
    return gpd.GeoDataFrame({"XZQDM": [r[0] for r in rows], "XZQMC": [r[1] for r in rows]},
                            geometry=[shapely_wkt.loads(r[2]) for r in rows], crs="EPSG:4326")


def displace(engine, codes: list[str]) -> None:
    """Move communities 0.02 degrees east, so an import has something to put right."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE community SET geom = ST_Translate(geom, 0.02, 0) WHERE code = ANY (:c)"),
                     {"c": codes})


def distance_metres(engine, codes: list[str], original: gpd.GeoDataFrame) -> float:
    with engine.connect() as conn:
        worst = 0.0
        for code, geom in zip(original["XZQDM"], original.geometry, strict=True):
            if code in codes:
                worst = max(worst, conn.execute(text(
                    "SELECT ST_HausdorffDistance(ST_Transform(geom, 4549), ST_Transform(ST_GeomFromText(:g, 4326),"
                    " 4549)) FROM community WHERE code = :c"), {"g": geom.wkt, "c": code}).scalar())
    return worst


def zipped_shapefile(frame: gpd.GeoDataFrame, folder: Path, encoding: str = "gb18030",
                     drop: tuple[str, ...] = ()) -> bytes:
    path = folder / "边界.shp"
    frame.to_file(path, engine="pyogrio", encoding=encoding)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in folder.iterdir():
            if part.suffix not in drop and part.stem == "边界":
                archive.write(part, part.name)
    return buffer.getvalue()


def test_a_shapefile_in_a_cgcs2000_gauss_kruger_zone_lands_where_it_should(db, tmp_path):
    original = street_frame(db, "330105005000")
    codes = list(original["XZQDM"])
    displace(db, codes)
    assert distance_metres(db, codes, original) > 1000
    projected = original.to_crs("EPSG:4549")
    content = zipped_shapefile(projected, tmp_path, drop=(".cpg",))  # GBK names, and no code page said
    result = load(db, "boundaries", content, name="gcq.zip")
    assert result.result == "loaded", (result.problem, result.errors)
    assert any("4549" in n for n in result.notes)
    assert distance_metres(db, codes, original) < 0.5
    assert list(street_frame(db, "330105005000")["XZQMC"]) == list(original["XZQMC"])  # names read right
    before = fingerprint(db)
    assert load(db, "boundaries", content, name="gcq-again.zip").result == "unchanged"
    assert fingerprint(db) == before


def test_a_datav_array_in_gcj02_is_converted_and_a_bowtie_is_repaired(db):
    original = street_frame(db, "330105001000").head(3)
    codes = list(original["XZQDM"])
    displace(db, codes)
    features = []
    for code, name, geom in zip(original["XZQDM"], original["XZQMC"], original.geometry, strict=True):
        ring = list(geom.geoms[0].exterior.coords)
        x, y = wgs84_to_gcj02([p[0] for p in ring], [p[1] for p in ring])
        shifted = Polygon(list(zip(x, y, strict=True)))
        features.append({"type": "Feature", "properties": {"adcode": int(code), "name": name},
                         "geometry": mapping(shifted)})
    result = load(db, "boundaries", json.dumps(features, ensure_ascii=False).encode(), name="datav.json",
                  gcj02=True)
    assert result.result == "loaded", (result.problem, result.errors)
    assert distance_metres(db, codes, original) < 0.5
    minx, miny, maxx, maxy = original.geometry.iloc[0].bounds
    bowtie = Polygon([(minx, miny), (maxx, maxy), (maxx, miny), (minx, maxy), (minx, miny)])
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": codes[0], "name": original["XZQMC"].iloc[0]},
         "geometry": mapping(bowtie)}]}
    repaired = load(db, "boundaries", json.dumps(collection, ensure_ascii=False).encode(), name="bowtie.geojson")
    assert repaired.result == "loaded" and any("已自动修复" in n for n in repaired.notes)
    with db.connect() as conn:
        assert conn.execute(text("SELECT ST_IsValid(geom) AND ST_Area(geom) > 0 FROM community WHERE code = :c"),
                            {"c": codes[0]}).scalar()


def test_bad_boundary_files_are_refused_whole(db, tmp_path):
    before = fingerprint(db)
    frame = street_frame(db, "330105007000").head(2)
    no_prj = zipped_shapefile(frame, tmp_path, drop=(".prj",))
    assert "坐标系" in load(db, "boundaries", no_prj, name="noprj.zip").problem
    metres = frame.to_crs("EPSG:4549")
    lying = json.loads(metres.to_json())
    lying.pop("crs", None)  # metres, but the file does not say so: GeoJSON is then read as WGS-84
    result = load(db, "boundaries", json.dumps(lying).encode(), name="metres.geojson")
    assert result.result == "rejected" and {e.reason for e in result.errors} == {"boundary_far"}
    elsewhere = json.loads(frame.to_json())
    elsewhere["features"][0]["properties"]["XZQDM"] = "330106001001"
    result = load(db, "boundaries", json.dumps(elsewhere).encode(), name="elsewhere.geojson")
    assert "division_elsewhere" in {e.reason for e in result.errors}
    assert load(db, "boundaries", b"{not json", name="x.geojson").result == "rejected"
    assert fingerprint(db) == before


def test_a_geopackage_in_cgcs2000_geographic_lands_where_it_should(db, tmp_path):
    original = street_frame(db, "330105008000").head(4)
    codes = list(original["XZQDM"])
    displace(db, codes)
    path = tmp_path / "上塘.gpkg"
    original.to_crs("EPSG:4490").to_file(path, engine="pyogrio", driver="GPKG")
    result = load(db, "boundaries", path.read_bytes(), name=path.name)
    assert result.result == "loaded", (result.problem, result.errors)
    assert any("4490" in n for n in result.notes)
    assert distance_metres(db, codes, original) < 0.5
