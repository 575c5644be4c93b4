-- The managed persons the three-colour map counts, per community, by kind: the key-persons module's measures
-- and the flat list's persons not under a measure there (view keyperson_managed), today (the Beijing day: a
-- person released at 00:05 is no longer counted, whatever the server's time zone) or at the end of a past day.
-- A day the kept counts hold (managed_daily, migration 0017) is read from them, one row per community; any
-- other day is counted live, with the same result. The same columns as managed_counts (the flat list alone).
CREATE OR REPLACE VIEW map_managed_counts WITH (security_invoker = true) AS
SELECT d.community_code, d.managed_total, d.managed_centralised_isolation, d.managed_home_isolation,
       d.managed_close_contact, d.managed_inbound, d.managed_key_area_returnee
FROM managed_daily d
WHERE d.day = (now() AT TIME ZONE 'Asia/Shanghai')::date
  AND managed_daily_kept((now() AT TIME ZONE 'Asia/Shanghai')::date)
UNION ALL
SELECT m.community_code, count(*)::integer,
       count(*) FILTER (WHERE m.kind = 'centralised_isolation')::integer,
       count(*) FILTER (WHERE m.kind = 'home_isolation')::integer,
       count(*) FILTER (WHERE m.kind = 'close_contact')::integer,
       count(*) FILTER (WHERE m.kind = 'inbound')::integer,
       count(*) FILTER (WHERE m.kind = 'key_area_returnee')::integer
FROM keyperson_managed m
WHERE NOT managed_daily_kept((now() AT TIME ZONE 'Asia/Shanghai')::date)
  AND m.start_date <= (now() AT TIME ZONE 'Asia/Shanghai')::date
  AND (m.end_date IS NULL OR m.end_date >= (now() AT TIME ZONE 'Asia/Shanghai')::date)
GROUP BY m.community_code;

CREATE OR REPLACE FUNCTION map_managed_counts_as_of(day date)
 RETURNS TABLE(community_code character, managed_total integer, managed_centralised_isolation integer,
               managed_home_isolation integer, managed_close_contact integer, managed_inbound integer,
               managed_key_area_returnee integer)
 LANGUAGE sql STABLE AS $$
  SELECT d.community_code, d.managed_total, d.managed_centralised_isolation, d.managed_home_isolation,
         d.managed_close_contact, d.managed_inbound, d.managed_key_area_returnee
  FROM managed_daily d WHERE d.day = map_managed_counts_as_of.day AND managed_daily_kept(map_managed_counts_as_of.day)
  UNION ALL
  SELECT m.community_code, count(*)::int,
         count(*) FILTER (WHERE m.kind = 'centralised_isolation')::int,
         count(*) FILTER (WHERE m.kind = 'home_isolation')::int,
         count(*) FILTER (WHERE m.kind = 'close_contact')::int,
         count(*) FILTER (WHERE m.kind = 'inbound')::int,
         count(*) FILTER (WHERE m.kind = 'key_area_returnee')::int
  FROM keyperson_managed m
  WHERE NOT managed_daily_kept(map_managed_counts_as_of.day)
    AND m.start_date <= map_managed_counts_as_of.day
    AND (m.end_date IS NULL OR m.end_date >= map_managed_counts_as_of.day)
  GROUP BY m.community_code
$$;

