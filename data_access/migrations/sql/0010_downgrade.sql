-- 0010_bulk undone: the definitions as 0006 left them (communities recounted whole for new residents; the
-- planner's own choices for the maintenance's joins).
CREATE OR REPLACE FUNCTION public.health_code_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
DECLARE ids char(18)[]; olds text[]; news text[];
BEGIN
  IF stats_maintenance_paused() THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    -- The history follows the current table: one row per real change of colour.
    INSERT INTO health_code_history (id_number, colour, previous_colour, changed_at, source)
    SELECT n.id_number, n.colour, NULL, n.changed_at, n.source FROM new_rows n;
    SELECT array_agg(id_number), array_agg(NULL::text), array_agg(colour) INTO ids, olds, news FROM new_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO health_code_history (id_number, colour, previous_colour, changed_at, source)
    SELECT n.id_number, n.colour, o.colour, n.changed_at, n.source
    FROM new_rows n JOIN old_rows o ON o.id_number = n.id_number WHERE o.colour <> n.colour;
    SELECT array_agg(n.id_number), array_agg(o.colour), array_agg(n.colour) INTO ids, olds, news
    FROM new_rows n JOIN old_rows o ON o.id_number = n.id_number WHERE o.colour <> n.colour;
  ELSE
    SELECT array_agg(id_number), array_agg(colour), array_agg(NULL::text) INTO ids, olds, news FROM old_rows;
  END IF;
  IF ids IS NOT NULL THEN PERFORM apply_colour_changes(ids, olds, news); END IF;
  RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.person_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
DECLARE comms char(12)[];
BEGIN
  IF stats_maintenance_paused() THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT community_code) INTO comms FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT community_code) INTO comms FROM old_rows;
  ELSE
    SELECT array_agg(DISTINCT c) INTO comms
    FROM new_rows n JOIN old_rows o ON o.id_number = n.id_number
    CROSS JOIN LATERAL unnest(ARRAY[n.community_code, o.community_code]) AS c
    WHERE n.community_code IS DISTINCT FROM o.community_code
       OR n.residence_type IS DISTINCT FROM o.residence_type;
  END IF;
  PERFORM refresh_stats_for(NULL, comms);
  RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.apply_colour_changes(ids character[], olds text[], news text[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
 SET random_page_cost TO '1.1'
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
