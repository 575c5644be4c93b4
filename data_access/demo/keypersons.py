"""Demo key persons (精密智控), consistent with the register already loaded: the seed's year of upstream
batches (63,553 key-area, 4,017 inbound, 1,483 port-check and 928 close-contact records) at the demo's scale.

- batches: each kind in deliveries spread over the year before today, the latest of each kind received
  today (the inbound one a few hours ago: its deadline has passed and some first contacts are overdue);
- persons: residents of the register (placed by the register), a few hundred foreigners with passports at
  scale 1 (placed by the address text), and new Chinese IDs whose address no community could be found for
  (the district's queue: about 2% of today's and yesterday's records); a person named by two batches is one
  key person with two records;
- addresses as departments write them: the province and city or not, full-width digits, roads by old names
  (the gazetteer's aliases), a character miswritten, no house number; placed by the module's own gazetteer;
- tasks: first contact within the batch's deadline (a few late), then the kind's measure (inbound and close
  contacts: centralised quarantine at a named hotel; port checks: home isolation or monitoring; key areas:
  monitoring), 14 days, daily follow-ups (a few missed), release at the end; measures still in force today
  fall on residents whose register colour is already the one the measure orders (red, or yellow for
  monitoring), so the three-colour map's numbers are the register's and the module explains them;
- chains: each close contact linked to a case (a resident named as the case), one contact a case onwards.

Loaded by load_demo into a new demo, and into an existing demo database whose key-person tables are empty.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from data_access.bulk import copy_frame
from data_access.demo.identities import id_numbers
from data_access.keypersons.gazetteer import gazetteer
from domain.keypersons import DEADLINE_HOURS, DEFAULT_DAYS, MEASURE_COLOUR

TOTALS = {"key_area": 63_553, "inbound": 4_017, "port_check": 1_483, "close_contact": 928}  # at scale 1
BATCH_SIZE = {"key_area": 700, "inbound": 160, "port_check": 45, "close_contact": 12}  # a delivery, scale 1
SOURCES = {
    "key_area": "省防控办（重点地区来杭）",
    "inbound": "市卫健委（入境逐浙）",
    "port_check": "市口岸办（口岸核查）",
    "close_contact": "区疾控中心流调组",
}
TODAY_HOURS_AGO = {"key_area": 6.0, "inbound": 3.0, "port_check": 1.0, "close_contact": 1.5}
FOREIGNERS = 300
DEMO_COMMUNITY = "330105005052"  # 台州路社区, the demo worker's
FLIGHT = 246  # the seed's inbound flight from Egypt
NATIONALITIES = ["埃及", "韩国", "日本", "美国", "俄罗斯", "巴基斯坦", "意大利", "德国"]
GIVEN = ["AHMED", "MOHAMED", "SARA", "KIM", "JOHN", "ANNA", "OMAR", "IVAN", "YUKI", "MARIA"]
FAMILY = ["HASSAN", "ALI", "LEE", "SMITH", "SATO", "PETROV", "KHAN", "ROSSI", "MULLER", "PARK"]
HOTELS = ["拱墅区运河宾馆（集中隔离点）", "拱墅区湖墅大酒店（集中隔离点）", "拱墅区半山商务酒店（集中隔离点）"]
UNPLACEABLE = [
    "杭州市",
    "浙江省杭州市区",
    "西湖区文三路{n}号",
    "上城区解放路{n}号",
    "滨江区江南大道{n}号",
    "暂住朋友家",
    "莫干山路",
    "湖墅南路附近",
    "拱墅区（具体不详）",
]
QUEUE_SHARE = 0.02  # records of today's and yesterday's batches no community could be found for
WRITINGS = ("浙江省杭州市拱墅区{a}", "杭州市拱墅区{a}", "拱墅区{a}", "{a}", "杭州{a}")


def keypersons_empty(conn: Connection) -> bool:
    return not conn.execute(text("SELECT EXISTS (SELECT 1 FROM kp_batch)")).scalar()


def scaled_totals(scale: float) -> dict[str, int]:
    return {kind: max(round(total * scale), 3) for kind, total in TOTALS.items()}  # three deliveries at least


def _batches(scale: float, now: datetime, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for kind, total in scaled_totals(scale).items():
        count = int(min(total, max(3, round(total / BATCH_SIZE[kind]))))
        # today's delivery and one within the last ten days hold about two weeks of the year's records (the
        # measures in force today); today's inbound one at scale 1 is the seed's flight of 246
        recent = [max(3, round(total * 7 / 365))] * 2
        if kind == "inbound":
            recent[1] = max(10, round(FLIGHT * scale))
        recent = [min(r, (total - (count - 2)) // 2) for r in recent]  # each older delivery keeps a record
        rest = total - sum(recent)
        sizes = list(rng.multinomial(rest - (count - 2), rng.dirichlet(np.ones(count - 2) * 4)) + 1) + recent
        ages = [*list(np.sort(rng.uniform(10, 365, count - 2))[::-1]), rng.uniform(1, 10), TODAY_HOURS_AGO[kind] / 24]
        for size, age in zip(sizes, ages, strict=True):
            rows.append((kind, int(size), now - timedelta(days=float(age))))
    frame = pd.DataFrame(rows, columns=["kind", "records", "received_at"]).sort_values("received_at", ignore_index=True)
    frame["id"] = np.arange(1, len(frame) + 1)
    frame["received_at"] = frame.received_at.dt.floor("s")
    frame["deadline"] = frame.received_at + pd.to_timedelta(frame.kind.map(DEADLINE_HOURS), unit="h")
    frame["source"] = frame.kind.map(SOURCES)
    frame["file_name"] = [
        f"{SOURCES[k][:3]}{t:%Y%m%d%H%M}.xlsx" for k, t in zip(frame.kind, frame.received_at, strict=True)
    ]
    frame["received_by"] = np.where(frame.kind == "key_area", "operator", "official")
    return frame


def _records(batches: pd.DataFrame, now: datetime, rng: np.random.Generator) -> pd.DataFrame:
    """One row per record: its batch, its fate (queue, foreigner, resident) and its task's timeline."""
    frame = batches.loc[batches.index.repeat(batches.records)].reset_index(drop=True)
    frame = frame.rename(columns={"id": "batch_id"})[["batch_id", "kind", "received_at", "deadline"]]
    frame["row_no"] = frame.groupby("batch_id").cumcount() + 2
    n = len(frame)
    recent = frame.received_at > now - timedelta(days=2)
    frame["queued"] = recent & (rng.random(n) < QUEUE_SHARE)
    frame.loc[recent[recent].index[:1], "queued"] = True  # at least one in the queue
    return frame.assign(**_timeline(frame, now, rng))


def _timeline(f: pd.DataFrame, now: datetime, rng: np.random.Generator) -> dict:
    n = len(f)
    hours = pd.to_timedelta(f.kind.map(DEADLINE_HOURS), unit="h")
    dispatched = f.received_at + pd.to_timedelta(rng.uniform(2, 12, n), unit="min")
    late = rng.random(n) < 0.04
    contacted = dispatched + hours * np.where(late, rng.uniform(1.1, 2.5, n), rng.uniform(0.1, 0.9, n))
    today_s = f.received_at > now - timedelta(days=1)
    waiting = today_s & ((rng.random(n) < 0.15) | (f.row_no == 2))  # today's: some not yet reached
    contacted = contacted.where((contacted < now - timedelta(minutes=5)) & ~waiting)
    hotel = f.kind.isin(["inbound", "close_contact"])
    draw = rng.random(n)
    measure = np.where(
        hotel,
        "centralised",
        np.where(
            f.kind == "port_check",
            np.where(draw < 0.6, "home", "monitoring"),
            np.where(draw < 0.15, "home", "monitoring"),
        ),
    )
    # an inbound record names its hotel: quarantined from the bus; the others once contacted
    measured = pd.Series(np.where(hotel, dispatched, contacted), index=f.index)
    measured = pd.to_datetime(measured.where(hotel | contacted.notna()), utc=True)
    start = measured.dt.tz_convert("Asia/Shanghai").dt.date
    end = pd.to_datetime(start) + pd.Timedelta(days=DEFAULT_DAYS)
    today = pd.Timestamp(now.astimezone(tz=None).date())
    released = ((end < today - pd.Timedelta(days=1)) | (rng.random(n) < 0.5)) & (end <= today)
    released &= contacted.notna()
    release_at = end.dt.tz_localize("Asia/Shanghai") + pd.to_timedelta(rng.uniform(9, 11, n), unit="h")
    return {
        "dispatched_at": dispatched.dt.floor("s"),
        "contacted_at": contacted.dt.floor("s"),
        "measure": pd.Series(measure, index=f.index).where(measured.notna()),
        "hotel": pd.Series(rng.choice(HOTELS, n), index=f.index).where(hotel),
        "measured_at": measured.dt.floor("s"),
        "measure_start": start,
        "released_at": release_at.where(released).dt.floor("s"),
    }


def _residents(conn: Connection, records: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Register persons for the records, by the colour their measure orders today (green when released or
    not yet measured): the register's colours stand."""
    people = pd.read_sql(
        text("""
        SELECT p.id_number, p.name, p.phone, p.community_code, p.address, coalesce(h.colour, 'green') AS colour,
               h.changed_at FROM person p LEFT JOIN health_code h USING (id_number)
        WHERE p.community_code IS NOT NULL"""),
        conn,
    )
    want = records.measure.map(MEASURE_COLOUR).where(records.released_at.isna(), "green").fillna("green")
    chosen = pd.Series(index=records.index, dtype=object)
    for colour, group in want.groupby(want):
        pool = rng.permutation(people.index[people.colour == colour].to_numpy())
        if colour != "green":  # a few of the measures in force in the demo worker's community, first in line
            first = people.community_code.loc[pool].to_numpy() == DEMO_COMMUNITY
            pool = np.concatenate([pool[first][:3], pool[~first], pool[first][3:]])
        take = min(len(group), len(pool))
        chosen[group.index[rng.permutation(len(group))[:take]]] = pool[:take]
        # too few of that colour: the rest become foreigners (left NaN)
    # a few persons named again by a later batch (one key person, two records), released in between
    green = chosen.notna() & (want == "green")
    repeat = green & (rng.random(len(chosen)) < 0.02)
    chosen[repeat] = rng.choice(chosen[green & ~repeat].to_numpy(), repeat.sum())
    picked = people.loc[chosen.dropna().astype(int)].set_index(chosen.dropna().index)
    return picked


def _address(
    rng: np.random.Generator, written: str, roads: list[tuple[str, int, int, str]], code: str, aliases: dict[str, str]
) -> str:
    """An address as a department writes it: the register's, or a road and number in the community."""
    on_road = [r for r in roads if r[3] == code]
    if on_road and rng.random() < 0.4:
        road, low, high, _ = on_road[rng.integers(len(on_road))]
        old = [a for a, r in aliases.items() if r == road]
        if old and rng.random() < 0.5:
            road = old[0]
        elif rng.random() < 0.15:  # one character miswritten
            at = int(rng.integers(0, len(road) - 1))
            road = road[:at] + "三" + road[at + 1 :] if road[at] != "三" else road
        written = (
            f"{road}{rng.integers(low, high + 1)}号{rng.integers(1, 12)}幢{rng.integers(1, 6)}0{rng.integers(1, 4)}室"
        )
    if rng.random() < 0.2:  # digits typed full-width
        written = written.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return WRITINGS[rng.integers(len(WRITINGS))].format(a=written)


def generate_keypersons(conn: Connection, scale: float, seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed + 17)
    now = datetime.now().astimezone()
    batches = _batches(scale, now, rng)
    records = _records(batches, now, rng)
    places = gazetteer(conn)
    roads = [(name, low, high, code) for name, segs in places.roads.items() for low, high, code in segs]
    inbound = records.kind.isin(["inbound", "port_check"]) & ~records.queued
    foreign = pd.Series(False, index=records.index)
    foreign[
        rng.choice(records.index[inbound], min(inbound.sum(), max(round(FOREIGNERS * scale), 3)), replace=False)
    ] = True
    residents = _residents(conn, records[~records.queued & ~foreign], rng)
    foreign |= ~records.queued & ~records.index.isin(residents.index)
    records = records.join(residents)
    codes = list(places.communities.values())
    for i in records.index[~records.queued]:
        code = records.at[i, "community_code"] if not foreign[i] else codes[rng.integers(len(codes))]
        base = records.at[i, "address"] if not foreign[i] else f"{_compound(places, code, rng)}{rng.integers(1, 30)}幢"
        records.at[i, "address"] = _address(rng, base, roads, code, places.aliases)
    records.loc[records.queued, "address"] = [
        rng.choice(UNPLACEABLE).format(n=rng.integers(1, 400)) for _ in range(records.queued.sum())
    ]
    return _persons(records, foreign, places, rng) | {"batches": batches}


def _compound(places, code: str, rng: np.random.Generator) -> str:
    names = [n for n, c in places.compounds.items() if c == code] or ["某某小区"]
    return names[rng.integers(len(names))]


def _persons(records: pd.DataFrame, foreign: pd.Series, places, rng: np.random.Generator) -> dict:
    n = len(records)
    records["passport"] = None
    records["nationality"] = None
    records["birth_date"] = None
    births = np.datetime64("1960-01-01") + rng.integers(0, 40 * 365, n).astype("timedelta64[D]")
    fo = records.index[foreign]
    records.loc[fo, "passport"] = [f"{rng.choice(list('AEGPK'))}{rng.integers(10**7, 10**8)}" for _ in fo]
    records.loc[fo, "name"] = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in fo]
    records.loc[fo, "nationality"] = rng.choice(NATIONALITIES, len(fo))
    records.loc[fo, "birth_date"] = births[foreign.to_numpy()].astype(str)
    records.loc[fo, "phone"] = None
    records.loc[fo, "community_code"] = None
    q = records.index[records.queued]
    new_ids = id_numbers(
        rng,
        births[records.queued.to_numpy()],
        rng.random(len(q)) < 0.5,
        np.zeros(len(q), dtype=int),
        [("41", "51", "34")],
    )
    records.loc[q, "id_number"] = new_ids
    records.loc[q, "name"] = [rng.choice(list("王李张刘陈杨黄赵")) + rng.choice(list("伟芳娜敏静强磊洋")) for _ in q]
    records.loc[q, "phone"] = [f"13{rng.integers(10**8, 10**9)}" for _ in q]
    # placing: the register's community for residents, the address text for the others
    records["placed_by"] = np.where(records.community_code.notna(), "register", None)
    records["confidence"] = np.where(records.community_code.notna(), 1.0, np.nan)
    records["place_how"] = records.placed_by
    for i in records.index[records.community_code.isna()]:
        placed = places.place(records.at[i, "address"])
        records.loc[i, ["confidence", "place_how"]] = [placed.confidence, placed.how]
        if placed.placed:
            records.loc[i, ["community_code", "placed_by"]] = [placed.community_code, "address"]
        elif not records.at[i, "queued"]:  # a foreigner placed by hand long since
            records.loc[i, ["community_code", "placed_by", "confidence", "place_how"]] = [
                list(places.communities.values())[rng.integers(len(places.communities))],
                "hand",
                1.0,
                "hand",
            ]
    records["queued"] = records.community_code.isna()
    return {"records": records}


def _cases(conn: Connection, records: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The cases the close contacts were traced from: residents named as cases, about three contacts each;
    one contact of the first case is a case onwards (a later contact names them)."""
    contacts = records.index[(records.kind == "close_contact") & records.id_number.notna() & ~records.queued]
    taken = set(records.id_number.dropna())
    pool = pd.read_sql(
        text("""SELECT id_number, name, phone FROM person WHERE community_code IS NOT NULL
                               ORDER BY id_number LIMIT 5000"""),
        conn,
    )
    pool = pool[~pool.id_number.isin(taken)]
    cases = pool.sample(n=min(len(pool), max(len(contacts) // 3, 1)), random_state=int(rng.integers(1 << 31)))
    refs = cases.id_number.to_numpy()[rng.integers(0, len(cases), len(contacts))]
    records["case_ref"] = None
    records.loc[contacts, "case_ref"] = refs
    if len(contacts) >= 3:  # the first contact of the first batch is a case onwards
        ordered = records.loc[contacts].sort_values("received_at")
        onwards, later = ordered.index[0], ordered.index[-1]
        records.loc[later, "case_ref"] = records.at[onwards, "id_number"]
    return cases


def _tables(records: pd.DataFrame, cases: pd.DataFrame, now: datetime, rng: np.random.Generator) -> dict:
    key = records.id_number.fillna(records.passport.fillna("") + records.name.fillna(""))
    first = records.assign(key=key).sort_values(["received_at", "row_no"]).drop_duplicates("key")
    people = pd.concat(
        [
            first[["key", "id_number", "passport", "nationality", "name", "birth_date", "phone"]].assign(is_case=False),
            cases.assign(key=cases.id_number, is_case=True)[["key", "id_number", "name", "phone", "is_case"]],
        ],
        ignore_index=True,
    ).drop_duplicates("key")
    people["id"] = np.arange(1, len(people) + 1)
    people["created_at"] = people.key.map(first.set_index("key").received_at).fillna(records.received_at.min())
    ids = people.set_index("key").id
    records["person_id"] = key.map(ids).astype("Int64")
    onwards = set(records.case_ref.dropna()) & set(records.id_number.dropna())
    people.loc[people.id_number.isin(onwards), "is_case"] = True
    records["id"] = np.arange(1, len(records) + 1)
    firsts = records.index.isin(first.index)
    records["matched_by"] = np.where(records.placed_by == "register", "register", np.where(firsts, "new", "key_person"))
    records["matched_at"] = records.received_at + pd.Timedelta(seconds=30)
    records["placed_at"] = (records.received_at + pd.Timedelta(minutes=1)).where(records.community_code.notna())
    records.loc[records.placed_by == "hand", "placed_at"] += pd.Timedelta(hours=3)
    links = records[records.case_ref.notna()].assign(case_id=records.case_ref.map(ids))
    links = links.rename(columns={"person_id": "contact_id"})[["case_id", "contact_id", "batch_id"]]
    tasks = records[firsts & records.community_code.notna()].copy()
    tasks = tasks[~tasks.queued]
    tasks["record_id"] = tasks.id
    tasks["id"] = np.arange(1, len(tasks) + 1)
    tasks["contact_due"] = tasks.deadline
    tasks["contacted_by"] = np.where(
        tasks.contacted_at.notna(), np.where(tasks.community_code == DEMO_COMMUNITY, "tzl.worker", "demo"), None
    )
    tasks["measure_days"] = np.where(tasks.measure.notna(), DEFAULT_DAYS, np.nan)
    tasks["measured_by"] = np.where(tasks.measure.notna(), tasks.contacted_by.fillna("official"), None)
    tasks["released_by"] = np.where(tasks.released_at.notna(), tasks.contacted_by, None)
    resident = tasks.placed_by == "register"
    colour = tasks.measure.map(MEASURE_COLOUR).where(tasks.released_at.isna(), "green")
    tasks["colour_written"] = colour.where(resident & tasks.measure.notna())
    tasks["colour_written_at"] = tasks.released_at.fillna(tasks.measured_at).where(tasks.colour_written.notna())
    return {
        "people": people,
        "records": records,
        "links": links.drop_duplicates(["case_id", "contact_id"]),
        "tasks": tasks,
        "followups": _followups(tasks, now, rng),
    }


def _followups(tasks: pd.DataFrame, now: datetime, rng: np.random.Generator) -> pd.DataFrame:
    """Each day of a measure in force before today, temperature and symptoms (a few days missed)."""
    today = pd.Timestamp(now.date())
    open_ = tasks[tasks.measure.notna() & tasks.released_at.isna() & tasks.contacted_at.notna()]
    rows = [
        (t.id, t.community_code, day)
        for t in open_.itertuples()
        for day in pd.date_range(
            pd.Timestamp(t.measure_start),
            min(pd.Timestamp(t.measure_start) + pd.Timedelta(days=DEFAULT_DAYS - 1), today - pd.Timedelta(days=1)),
        )
    ]
    frame = pd.DataFrame(rows, columns=["task_id", "community_code", "day"])
    frame = frame[rng.random(len(frame)) > 0.03]
    n = len(frame)
    return frame.assign(
        day=frame.day.dt.strftime("%Y-%m-%d"),
        temperature=rng.normal(36.5, 0.25, n).round(1).clip(35.5, 37.6),
        symptoms=rng.random(n) < 0.01,
        test_result=np.where(rng.random(n) < 0.3, "negative", None),
        recorded_by="demo",
        recorded_at=(frame.day.dt.tz_localize("Asia/Shanghai") + pd.Timedelta(hours=10)).dt.floor("s"),
    )


def load_demo_keypersons(conn: Connection, scale: float, seed: int) -> dict[str, int]:
    """Generate and COPY the demo batches, key persons, records, chains, tasks and follow-ups (in the
    caller's transaction); nothing when a batch exists."""
    if not keypersons_empty(conn):
        return {}
    rng = np.random.default_rng(seed + 18)
    made = generate_keypersons(conn, scale, seed)
    records = made["records"]
    cases = _cases(conn, records, rng)
    t = _tables(records, cases, datetime.now().astimezone(), rng)
    b = made["batches"]
    rows = {
        "kp_batch": copy_frame(
            conn,
            "kp_batch",
            b[["id", "kind", "source", "file_name", "received_at", "deadline", "received_by", "records"]],
        )
    }
    rows["kp_person"] = copy_frame(
        conn,
        "kp_person",
        t["people"][
            ["id", "id_number", "passport", "nationality", "name", "birth_date", "phone", "is_case", "created_at"]
        ],
    )
    rows["kp_record"] = copy_frame(
        conn,
        "kp_record",
        t["records"][
            [
                "id",
                "batch_id",
                "row_no",
                "person_id",
                "matched_by",
                "matched_at",
                "address",
                "hotel",
                "case_ref",
                "community_code",
                "placed_by",
                "confidence",
                "placed_at",
                "place_how",
            ]
        ],
    )
    rows["kp_link"] = copy_frame(conn, "kp_link", t["links"].astype("Int64"))
    tasks = t["tasks"].astype({"measure_days": "Int64"})
    rows["kp_task"] = copy_frame(
        conn,
        "kp_task",
        tasks[
            [
                "id",
                "person_id",
                "record_id",
                "batch_id",
                "community_code",
                "dispatched_at",
                "contact_due",
                "contacted_at",
                "contacted_by",
                "measure",
                "hotel",
                "measure_start",
                "measure_days",
                "measured_at",
                "measured_by",
                "released_at",
                "released_by",
                "colour_written",
                "colour_written_at",
            ]
        ],
    )
    # The follow-ups arrive with their community: the trigger that takes it from a live task stays out of the way.
    conn.execute(text("ALTER TABLE kp_followup DISABLE TRIGGER kp_followup_community"))
    rows["kp_followup"] = copy_frame(conn, "kp_followup", t["followups"])
    conn.execute(text("ALTER TABLE kp_followup ENABLE TRIGGER kp_followup_community"))
    for table in ("kp_batch", "kp_person", "kp_record", "kp_task"):
        # never backwards: a sequence is not rolled back with a transaction that loaded and was undone
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest((SELECT max(id)"
                          f" FROM {table}), nextval(pg_get_serial_sequence('{table}', 'id'))))"))
    return rows
