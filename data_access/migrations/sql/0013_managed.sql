-- The map's managed-person view and function as migration 0013 made them (counted live); the current
-- definitions are in data_access/sql/managed.sql.
-- The managed persons the three-colour map counts, per community, by kind: read from the key-persons
-- module's view keyperson_managed (its measures, and the flat list's persons not under a measure there),
-- today (the Beijing day: a person released at 00:05 is no longer counted, whatever the server's time zone)
-- or at the end of a past day. The same columns as managed_counts (the flat list alone, kept).
CREATE OR REPLACE VIEW map_managed_counts WITH (security_invoker = true) AS
 SELECT keyperson_managed.community_code,
    count(*)::integer AS managed_total,
    count(*) FILTER (WHERE keyperson_managed.kind = 'centralised_isolation'::text)::integer AS managed_centralised_isolation,
    count(*) FILTER (WHERE keyperson_managed.kind = 'home_isolation'::text)::integer AS managed_home_isolation,
    count(*) FILTER (WHERE keyperson_managed.kind = 'close_contact'::text)::integer AS managed_close_contact,
    count(*) FILTER (WHERE keyperson_managed.kind = 'inbound'::text)::integer AS managed_inbound,
    count(*) FILTER (WHERE keyperson_managed.kind = 'key_area_returnee'::text)::integer AS managed_key_area_returnee
   FROM keyperson_managed
  WHERE keyperson_managed.start_date <= (now() AT TIME ZONE 'Asia/Shanghai'::text)::date AND (keyperson_managed.end_date IS NULL OR keyperson_managed.end_date >= (now() AT TIME ZONE 'Asia/Shanghai'::text)::date)
  GROUP BY keyperson_managed.community_code;

CREATE OR REPLACE FUNCTION public.map_managed_counts_as_of(day date)
 RETURNS TABLE(community_code character, managed_total integer, managed_centralised_isolation integer, managed_home_isolation integer, managed_close_contact integer, managed_inbound integer, managed_key_area_returnee integer)
 LANGUAGE sql
 STABLE
AS $function$
  SELECT m.community_code, count(*)::int,
         count(*) FILTER (WHERE m.kind = 'centralised_isolation')::int,
         count(*) FILTER (WHERE m.kind = 'home_isolation')::int,
         count(*) FILTER (WHERE m.kind = 'close_contact')::int,
         count(*) FILTER (WHERE m.kind = 'inbound')::int,
         count(*) FILTER (WHERE m.kind = 'key_area_returnee')::int
  FROM keyperson_managed m
  WHERE m.start_date <= day AND (m.end_date IS NULL OR m.end_date >= day)
  GROUP BY m.community_code
$function$;
