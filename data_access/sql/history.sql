-- Looking back in time: the map's figures as they stood at the end of a Beijing day of the history. The
-- current definitions (migration 0009_warnings applies this file; a test compares it with the database).
-- The same method as the 30-day trend and the live batches: today's maintained counts, moved back by the
-- colour changes recorded after that day (a person's colour then is the previous colour of their first
-- change after it), so only the changes since the day are read. Registrations, employment and residence
-- are today's: the history records colours only.
-- The area: the two figures functions run as their owner (checking every history row against row-level
-- security made a day of the full district take 10 s instead of well under one) and return only the rows of
-- the session's area, taken from the session as the policies take it; colours_changed_after, which names
-- persons, is granted to no role and is called only by them.

-- The end of a Beijing day, as a point in time.
CREATE OR REPLACE FUNCTION public.beijing_day_end(day date)
 RETURNS timestamp with time zone
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT (day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
$function$;

-- Everyone whose colour changed after the day: their colour then and now (NULL: no record).
CREATE OR REPLACE FUNCTION public.colours_changed_after(day date)
 RETURNS TABLE(id_number character, colour_then text, colour_now text)
 LANGUAGE sql
 STABLE
AS $function$
  SELECT first.id_number, first.previous_colour, now.colour
  FROM (
    SELECT DISTINCT ON (h.id_number) h.id_number, h.previous_colour
    FROM health_code_history h
    WHERE h.changed_at >= beijing_day_end(day)
    ORDER BY h.id_number, h.changed_at, h.id
  ) first
  LEFT JOIN health_code now ON now.id_number = first.id_number
$function$;

-- Every enterprise with its staff by colour and its status at the end of the day.
CREATE OR REPLACE FUNCTION public.enterprise_stats_as_of(day date)
 RETURNS TABLE(credit_code character, community_code character, employees_green integer, employees_yellow integer, employees_red integer, employees_none integer, employees_total integer, status text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'public'
 SET random_page_cost TO '1.1'
AS $function$
BEGIN
  -- planned with the day's value (a generic plan cannot tell a day's few changes from a month's), and told
  -- the storage is solid-state, so the changed persons are looked up by index, not by scanning a million
  RETURN QUERY EXECUTE $query$
  WITH moved AS (
    SELECT em.credit_code,
           count(*) FILTER (WHERE c.colour_then = 'green') - count(*) FILTER (WHERE c.colour_now = 'green') AS green,
           count(*) FILTER (WHERE c.colour_then = 'yellow') - count(*) FILTER (WHERE c.colour_now = 'yellow') AS yellow,
           count(*) FILTER (WHERE c.colour_then = 'red') - count(*) FILTER (WHERE c.colour_now = 'red') AS red,
           count(*) FILTER (WHERE c.colour_then IS NULL) - count(*) FILTER (WHERE c.colour_now IS NULL) AS none
    FROM colours_changed_after($1) c JOIN employment em ON em.id_number = c.id_number
    GROUP BY em.credit_code
  ), counts AS (
    SELECT s.credit_code, s.community_code,
           (s.employees_green + coalesce(m.green, 0))::int AS green,
           (s.employees_yellow + coalesce(m.yellow, 0))::int AS yellow,
           (s.employees_red + coalesce(m.red, 0))::int AS red,
           (s.employees_none + coalesce(m.none, 0))::int AS none
    FROM enterprise_stats s LEFT JOIN moved m ON m.credit_code = s.credit_code
    WHERE s.community_code LIKE (SELECT session_scope()) || '%'
  )
  SELECT credit_code, community_code, green, yellow, red, none, green + yellow + red + none,
         enterprise_status(red, yellow, none, green + yellow + red + none)
  FROM counts
  $query$ USING day;
END $function$;

-- Per community, the same columns as community_stats, at the end of the day.
CREATE OR REPLACE FUNCTION public.community_stats_as_of(day date)
 RETURNS TABLE(community_code character, residents_permanent integer, residents_temporary integer, residents_green integer, residents_yellow integer, residents_red integer, residents_none integer, employees_green integer, employees_yellow integer, employees_red integer, employees_none integer, enterprises_cleared integer, enterprises_caution integer, enterprises_warned integer, enterprises_incomplete integer, updated_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'public'
 SET random_page_cost TO '1.1'
AS $function$
BEGIN
  -- planned with the day's value (a generic plan cannot tell a day's few changes from a month's), and told
  -- the storage is solid-state, so the changed persons are looked up by index, not by scanning a million
  RETURN QUERY EXECUTE $query$
  WITH residents AS (
    SELECT p.community_code,
           count(*) FILTER (WHERE c.colour_then = 'green') - count(*) FILTER (WHERE c.colour_now = 'green') AS green,
           count(*) FILTER (WHERE c.colour_then = 'yellow') - count(*) FILTER (WHERE c.colour_now = 'yellow') AS yellow,
           count(*) FILTER (WHERE c.colour_then = 'red') - count(*) FILTER (WHERE c.colour_now = 'red') AS red,
           count(*) FILTER (WHERE c.colour_then IS NULL) - count(*) FILTER (WHERE c.colour_now IS NULL) AS none
    FROM colours_changed_after($1) c JOIN person p ON p.id_number = c.id_number
    WHERE p.community_code LIKE (SELECT session_scope()) || '%'
    GROUP BY p.community_code
  ), enterprises AS (
    SELECT e.community_code,
           sum(e.employees_green) AS green, sum(e.employees_yellow) AS yellow, sum(e.employees_red) AS red,
           sum(e.employees_none) AS none,
           count(*) FILTER (WHERE e.status = 'cleared') AS cleared, count(*) FILTER (WHERE e.status = 'caution') AS caution,
           count(*) FILTER (WHERE e.status = 'warned') AS warned,
           count(*) FILTER (WHERE e.status = 'incomplete') AS incomplete
    FROM enterprise_stats_as_of($1) e WHERE e.community_code IS NOT NULL
    GROUP BY e.community_code
  )
  SELECT s.community_code, s.residents_permanent, s.residents_temporary,
         (s.residents_green + coalesce(r.green, 0))::int, (s.residents_yellow + coalesce(r.yellow, 0))::int,
         (s.residents_red + coalesce(r.red, 0))::int, (s.residents_none + coalesce(r.none, 0))::int,
         coalesce(e.green, 0)::int, coalesce(e.yellow, 0)::int, coalesce(e.red, 0)::int, coalesce(e.none, 0)::int,
         coalesce(e.cleared, 0)::int, coalesce(e.caution, 0)::int, coalesce(e.warned, 0)::int,
         coalesce(e.incomplete, 0)::int, s.updated_at
  FROM community_stats s
  LEFT JOIN residents r ON r.community_code = s.community_code
  LEFT JOIN enterprises e ON e.community_code = s.community_code
  WHERE s.community_code LIKE (SELECT session_scope()) || '%'
  $query$ USING day;
END $function$;

-- Managed persons under management on the day, per community (the same columns as managed_counts).
CREATE OR REPLACE FUNCTION public.managed_counts_as_of(day date)
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
  FROM managed_person m
  WHERE m.start_date <= day AND (m.end_date IS NULL OR m.end_date >= day)
  GROUP BY m.community_code
$function$;
