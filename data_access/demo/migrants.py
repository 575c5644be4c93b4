"""Demo new residents (新拱墅人一码通), consistent with the register already loaded, in set-based SQL:

- rental houses: about 60,000 at scale 1, in each community in proportion to its temporary residents, at
  points inside the community's polygon (PostGIS), 2–6 rooms (two persons a room), a sticker code each
  (a bijection of the house's number onto the code alphabet, so no two collide); about one house in twenty
  has no tenant;
- landlords: permanent residents of the house's community, about one for every 1.5 houses;
- migrants: 95% of the register's temporary residents (about 380,000 at scale 1), each in a house of their
  community, with an origin, an employer where the register has one, an arrival date, a current stay (3% with
  a past stay in another house) and a live QR token;
- registration over time: the four pilot communities (台州路, 温州路, 德胜, 翠玉) from 150 days ago, the rest of
  the district from 110 days ago, so the roll-out shows the pilots first;
- declarations in every state: the accepted one behind each migrant and landlord (3% corrected), and from the
  rest of the temporary residents waiting (a third of them more than a day), rejected with a reason, plus
  returning-overseas, returnee and test registrations on some migrants.

Loaded by load_demo into a new demo, and into an existing demo database whose migrant tables are empty.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from data_access.bulk import foreign_keys_deferred
from domain.migrants import HOUSE_CODE_ALPHABET, PILOT_NAMES

TABLES = ("mg_landlord", "mg_house", "mg_migrant", "mg_residence", "mg_declaration", "mg_qr")
HOUSES = 60_000  # at scale 1
TEMPORARY = 400_000  # the register's temporary residents at scale 1

STEPS = [
    # one house per ~6.7 temporary residents, numbered within each community
    """CREATE TEMP TABLE demo_mg_houses ON COMMIT DROP AS
       SELECT c.code AS community_code, c.name, g.n, row_number() OVER (ORDER BY c.code, g.n) AS seq
       FROM community c
       JOIN (SELECT community_code, count(*) AS temps FROM person WHERE residence_type = 'temporary'
             GROUP BY community_code) p ON p.community_code = c.code
       CROSS JOIN LATERAL generate_series(1, greatest(1, round(p.temps * :houses / :temporary)::int)) AS g(n)""",
    "ANALYZE demo_mg_houses",
    # landlords: the community's permanent residents, one for every 1.5 houses
    """CREATE TEMP TABLE demo_mg_landlords ON COMMIT DROP AS
       SELECT p.community_code, p.id_number, p.name, p.phone,
              row_number() OVER (PARTITION BY p.community_code ORDER BY md5(p.id_number || :seed)) AS k
       FROM person p WHERE p.residence_type = 'permanent'""",
    "ANALYZE demo_mg_landlords",
    """INSERT INTO mg_landlord (community_code, id_number, name, phone, created_at)
       SELECT l.community_code, l.id_number, l.name, l.phone, now() - interval '150 days'
       FROM demo_mg_landlords l
       JOIN (SELECT community_code, ceil(max(n) / 1.5) AS needed FROM demo_mg_houses GROUP BY community_code) h
         ON h.community_code = l.community_code AND l.k <= h.needed""",
    """CREATE TEMP TABLE demo_mg_points ON COMMIT DROP AS
       SELECT h.community_code, row_number() OVER (PARTITION BY h.community_code) AS n, (d).geom AS location
       FROM (SELECT community_code, max(n) AS houses FROM demo_mg_houses GROUP BY community_code) h
       JOIN community c ON c.code = h.community_code
       CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(c.geom, h.houses::int, CAST(:seedn AS int))) AS d""",
    "ANALYZE demo_mg_points",
    """INSERT INTO mg_house (community_code, house_code, landlord_id, address, rooms, capacity, location, created_at)
       SELECT h.community_code,
              (SELECT string_agg(substr(:alphabet, ((x.v / (34::bigint ^ i)::bigint) % 34)::int + 1, 1), ''
                                 ORDER BY i DESC)
               FROM (SELECT ((h.seq + 1000) * 1000003::bigint) % (34::bigint ^ 8)::bigint AS v) x,
                    generate_series(0, 7) AS i),
              l.id, regexp_replace(h.name, '社区$', '') || '新村' || (h.n / 24 + 1) || '幢' || (h.n % 24 / 6 + 1)
                    || '单元' || (h.n % 6 / 2 + 1) || '0' || (h.n % 2 + 1) || '室',
              r.rooms, r.rooms * 2, pt.location, now() - interval '150 days'
       FROM demo_mg_houses h
       JOIN demo_mg_points pt ON pt.community_code = h.community_code AND pt.n = h.n
       JOIN mg_landlord l ON l.community_code = h.community_code
       JOIN demo_mg_landlords dl ON dl.community_code = h.community_code AND dl.k = ceil(h.n / 1.5)
                                  AND dl.id_number = l.id_number
       CROSS JOIN LATERAL (SELECT 2 + abs(hashtext(h.community_code || h.n || :seed)) % 5 AS rooms) r""",
    # the communities' houses with a tenant-to-be (about 95% of them), numbered
    """CREATE TEMP TABLE demo_mg_let ON COMMIT DROP AS
       SELECT id, community_code, row_number() OVER (PARTITION BY community_code ORDER BY id) - 1 AS k,
              count(*) OVER (PARTITION BY community_code) AS houses
       FROM mg_house WHERE abs(hashtext(house_code || :seed)) % 20 <> 0""",
    """CREATE TEMP TABLE demo_mg_people ON COMMIT DROP AS
       SELECT p.*, p.k % l.houses AS slot
       FROM (SELECT p.id_number, p.name, p.phone, p.community_code, c.name = ANY (:pilots) AS pilot,
                    abs(hashtext(p.id_number || :seed)) % 100 AS roll,
                    row_number() OVER (PARTITION BY p.community_code ORDER BY p.id_number) - 1 AS k
             FROM person p JOIN community c ON c.code = p.community_code WHERE p.residence_type = 'temporary') p
       JOIN (SELECT community_code, count(*) AS houses FROM demo_mg_let GROUP BY community_code) l
         ON l.community_code = p.community_code""",
    "ANALYZE demo_mg_let",
    "ANALYZE demo_mg_people",
    """INSERT INTO mg_migrant (community_code, id_number, name, phone, origin, employer, arrival_date, house_id,
                              registered_at, updated_at)
       SELECT p.community_code, p.id_number, p.name, p.phone,
              (ARRAY['安徽省阜阳市', '河南省信阳市', '江西省上饶市', '四川省达州市', '湖北省黄冈市', '贵州省毕节市',
                     '浙江省衢州市', '江苏省徐州市', '湖南省邵阳市', '山东省菏泽市'])[1 + p.roll % 10],
              emp.name,
              (w.at - (p.roll % 40) * interval '1 day')::date, h.id, w.at, w.at
       FROM demo_mg_people p
       JOIN demo_mg_let h ON h.community_code = p.community_code AND h.k = p.slot
       LEFT JOIN (SELECT DISTINCT ON (em.id_number) em.id_number, e.name FROM employment em
                  JOIN enterprise e USING (credit_code) ORDER BY em.id_number, em.credit_code) emp
         ON emp.id_number = p.id_number
       CROSS JOIN LATERAL (SELECT now() - (CASE WHEN p.pilot THEN 150 ELSE 110 END) * interval '1 day'
                           + (CASE WHEN p.pilot THEN 150 ELSE 110 END - 2) * interval '1 day'
                             * power((abs(hashtext(p.id_number || 'at' || :seed)) % 1000) / 1000.0, 0.75) AS at) w
       WHERE p.roll < 95""",
    # a past stay for 3%: they lived in the community's next house first
    """INSERT INTO mg_residence (migrant_id, house_id, community_code, moved_in, moved_out)
       SELECT m.id, o.id, m.community_code, (m.registered_at - interval '30 days')::date, m.registered_at::date
       FROM mg_migrant m JOIN demo_mg_let h ON h.id = m.house_id
       JOIN demo_mg_let o ON o.community_code = h.community_code AND o.k = (h.k + 1) % h.houses
       WHERE abs(hashtext(m.id_number || 'moved' || :seed)) % 100 < 3 AND o.id <> h.id""",
    """INSERT INTO mg_residence (migrant_id, house_id, community_code, moved_in)
       SELECT id, house_id, community_code, registered_at::date FROM mg_migrant""",
    """INSERT INTO mg_qr (migrant_id, community_code, nonce, issued_at, issued_by)
       SELECT id, community_code, md5(id_number || 'qr' || :seed), registered_at, 'demo' FROM mg_migrant""",
    # the accepted declaration behind each migrant (3% corrected) and each landlord's houses
    """INSERT INTO mg_declaration (community_code, kind, state, id_number, name, phone, house_id, fields,
                                  declared_at, reviewed_by, reviewed_at, corrected, migrant_id)
       SELECT m.community_code, 'migrant', CASE WHEN c.corrected THEN 'corrected' ELSE 'accepted' END, m.id_number,
              m.name, m.phone, m.house_id,
              jsonb_build_object('origin', m.origin, 'arrival_date', m.arrival_date, 'employer', m.employer),
              m.registered_at - interval '5 hours', 'demo.reviewer', m.registered_at,
              CASE WHEN c.corrected THEN jsonb_build_object('origin', m.origin) END, m.id
       FROM mg_migrant m CROSS JOIN LATERAL (SELECT abs(hashtext(m.id_number || 'fix')) % 100 < 3 AS corrected) c""",
    """INSERT INTO mg_declaration (community_code, kind, state, id_number, name, phone, fields, declared_at,
                                  reviewed_by, reviewed_at)
       SELECT h.community_code, 'landlord', 'accepted', l.id_number, l.name, l.phone,
              jsonb_build_object('address', h.address, 'rooms', h.rooms), h.created_at - interval '1 day',
              'demo.reviewer', h.created_at
       FROM mg_house h JOIN mg_landlord l ON l.id = h.landlord_id""",
    # the other registrations on some migrants
    """INSERT INTO mg_declaration (community_code, kind, state, id_number, name, phone, house_id, fields,
                                  declared_at, reviewed_by, reviewed_at, migrant_id)
       SELECT m.community_code, k.kind, 'accepted', m.id_number, m.name, m.phone, m.house_id,
              CASE k.kind WHEN 'overseas' THEN jsonb_build_object('country', '意大利', 'arrival_date',
                                                                  m.arrival_date)
                          WHEN 'returnee' THEN jsonb_build_object('city', '武汉市', 'arrival_date', m.arrival_date)
                          ELSE jsonb_build_object('test_kind', 'nucleic', 'test_date', m.registered_at::date,
                                                  'result', 'negative') END,
              m.registered_at + interval '1 day', 'demo.reviewer', m.registered_at + interval '2 days', m.id
       FROM mg_migrant m CROSS JOIN LATERAL (SELECT CASE abs(hashtext(m.id_number || 'kind')) % 100
                                              WHEN 0 THEN 'overseas' WHEN 1 THEN 'returnee' WHEN 2 THEN 'test'
                                              WHEN 3 THEN 'test' END AS kind) k
       WHERE k.kind IS NOT NULL""",
    # the rest of the temporary residents: waiting (a fifth more than a day), or rejected with a reason
    """INSERT INTO mg_declaration (community_code, kind, state, id_number, name, phone, house_id, fields,
                                  declared_at, reviewed_by, reviewed_at, reason)
       SELECT p.community_code, 'migrant', CASE WHEN p.roll >= 98 THEN 'rejected' ELSE 'waiting' END,
              p.id_number, p.name, p.phone, h.id,
              jsonb_build_object('origin', '河南省信阳市', 'arrival_date', (now() - interval '3 days')::date),
              now() - CASE WHEN p.roll = 95 THEN interval '40 hours' ELSE interval '3 hours' END
                    - (p.k % 60) * interval '1 minute',
              CASE WHEN p.roll >= 98 THEN 'demo.reviewer' END,
              CASE WHEN p.roll >= 98 THEN now() - interval '1 hour' END,
              CASE WHEN p.roll >= 98 THEN '上门核实查无此人' END
       FROM demo_mg_people p JOIN demo_mg_let h ON h.community_code = p.community_code AND h.k = p.slot
       WHERE p.roll >= 95""",
]


def migrants_empty(conn: Connection) -> bool:
    return not conn.execute(text("SELECT EXISTS (SELECT 1 FROM mg_house) OR EXISTS (SELECT 1 FROM mg_migrant)")
                            ).scalar()


def load_demo_migrants(conn: Connection, scale: float, seed: int) -> dict[str, int]:
    """The demo's rental houses, landlords, migrants, stays, QR tokens and declarations (in the caller's
    transaction); nothing when the module's tables hold any house or migrant. `scale` is the register's."""
    if not migrants_empty(conn):
        return {}
    values = {"houses": HOUSES, "temporary": TEMPORARY, "seed": str(seed), "seedn": seed,
              "alphabet": HOUSE_CODE_ALPHABET, "pilots": list(PILOT_NAMES)}
    with foreign_keys_deferred(conn, list(TABLES)):  # each key checked once, in bulk, at the end
        for step in STEPS:
            conn.execute(text(step), {k: v for k, v in values.items() if f":{k}" in step})
    return {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in TABLES}
