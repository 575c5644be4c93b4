-- A batch of colour changes applied to the aggregates. Current definition: migrations apply this file.
-- Live batches and imports change thousands of colours at once: the enterprises employing the changed
-- persons move by deltas (as the residents' counts do), instead of being recounted from all their
-- employees, and the statuses follow (a generated column). The planner is told the storage is
-- solid-state, so a few thousand keys are looked up by index rather than by scanning a million rows; a
-- file of 100,000 changes is hashed against the registers in memory (no JIT, no merge join walking the whole
-- person index in key order: 4.9 s of a 100,000-change file's 12).
CREATE OR REPLACE FUNCTION public.apply_colour_changes(ids character[], olds text[], news text[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
 SET enable_mergejoin TO 'off'
 SET jit TO 'off'
 SET random_page_cost TO '1.1'
 SET work_mem TO '64MB'
AS $function$
DECLARE comms char(12)[];
BEGIN
  PERFORM lock_stats();
  UPDATE community_stats s SET
    residents_green = s.residents_green + d.green, residents_yellow = s.residents_yellow + d.yellow,
    residents_red = s.residents_red + d.red, residents_none = s.residents_none + d.none,
    updated_at = now()
  FROM (
    SELECT p.community_code,
           count(*) FILTER (WHERE c.new = 'green') - count(*) FILTER (WHERE c.old = 'green') AS green,
           count(*) FILTER (WHERE c.new = 'yellow') - count(*) FILTER (WHERE c.old = 'yellow') AS yellow,
           count(*) FILTER (WHERE c.new = 'red') - count(*) FILTER (WHERE c.old = 'red') AS red,
           count(*) FILTER (WHERE c.new IS NULL) - count(*) FILTER (WHERE c.old IS NULL) AS none
    FROM unnest(ids, olds, news) AS c(id, old, new)
    JOIN person p ON p.id_number = c.id
    WHERE p.community_code IS NOT NULL
    GROUP BY p.community_code
  ) d
  WHERE s.community_code = d.community_code;
  WITH d AS (
    SELECT em.credit_code,
           count(*) FILTER (WHERE c.new = 'green') - count(*) FILTER (WHERE c.old = 'green') AS green,
           count(*) FILTER (WHERE c.new = 'yellow') - count(*) FILTER (WHERE c.old = 'yellow') AS yellow,
           count(*) FILTER (WHERE c.new = 'red') - count(*) FILTER (WHERE c.old = 'red') AS red,
           count(*) FILTER (WHERE c.new IS NULL) - count(*) FILTER (WHERE c.old IS NULL) AS none
    FROM unnest(ids, olds, news) AS c(id, old, new)
    JOIN employment em ON em.id_number = c.id
    GROUP BY em.credit_code
  ), moved AS (
    UPDATE enterprise_stats s SET
      employees_green = s.employees_green + d.green, employees_yellow = s.employees_yellow + d.yellow,
      employees_red = s.employees_red + d.red, employees_none = s.employees_none + d.none
    FROM d WHERE s.credit_code = d.credit_code
    RETURNING s.community_code
  )
  SELECT array_agg(DISTINCT community_code) INTO comms FROM moved WHERE community_code IS NOT NULL;
  IF comms IS NOT NULL THEN PERFORM refresh_community_enterprises(comms); END IF;
END $function$;
