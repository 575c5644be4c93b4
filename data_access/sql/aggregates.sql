-- Keeping the maintained aggregates (enterprise_stats, community_stats) current: the recount functions and
-- the trigger functions on the base tables. Current definitions: migrations apply this file.
CREATE OR REPLACE FUNCTION public.lock_stats()
 RETURNS void
 LANGUAGE sql
AS $function$
  SELECT pg_advisory_xact_lock(hashtext('sansetu.stats'))
$function$;

-- Recompute the given keys (NULL: all).
CREATE OR REPLACE FUNCTION public.refresh_enterprise_stats(codes character[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
BEGIN
  PERFORM lock_stats();
  DELETE FROM enterprise_stats s WHERE codes IS NULL OR s.credit_code = ANY (codes);
  INSERT INTO enterprise_stats (credit_code, community_code,
                                employees_green, employees_yellow, employees_red, employees_none)
  SELECT f.credit_code, f.community_code,
         f.employees_green, f.employees_yellow, f.employees_red, f.employees_none
  FROM fusion_enterprise f WHERE codes IS NULL OR f.credit_code = ANY (codes);
END $function$;

CREATE OR REPLACE FUNCTION public.refresh_community_stats(codes character[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
BEGIN
  PERFORM lock_stats();
  DELETE FROM community_stats s WHERE codes IS NULL OR s.community_code = ANY (codes);
  INSERT INTO community_stats (community_code, residents_permanent, residents_temporary,
    residents_green, residents_yellow, residents_red, residents_none,
    employees_green, employees_yellow, employees_red, employees_none,
    enterprises_cleared, enterprises_caution, enterprises_warned, enterprises_incomplete)
  SELECT * FROM fusion_community(false) f WHERE codes IS NULL OR f.community_code = ANY (codes);
END $function$;

-- Only the enterprise and employee columns of the given communities, from enterprise_stats.
CREATE OR REPLACE FUNCTION public.refresh_community_enterprises(codes character[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
BEGIN
  PERFORM lock_stats();
  UPDATE community_stats s SET
    employees_green = coalesce(e.employees_green, 0), employees_yellow = coalesce(e.employees_yellow, 0),
    employees_red = coalesce(e.employees_red, 0), employees_none = coalesce(e.employees_none, 0),
    enterprises_cleared = coalesce(e.enterprises_cleared, 0),
    enterprises_caution = coalesce(e.enterprises_caution, 0),
    enterprises_warned = coalesce(e.enterprises_warned, 0),
    enterprises_incomplete = coalesce(e.enterprises_incomplete, 0),
    updated_at = now()
  FROM unnest(codes) AS c(code)
  LEFT JOIN fusion_community_enterprises(false) e ON e.community_code = c.code
  WHERE s.community_code = c.code;
END $function$;

CREATE OR REPLACE FUNCTION public.refresh_all_stats()
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
BEGIN
  PERFORM refresh_enterprise_stats(NULL);
  PERFORM refresh_community_stats(NULL);
END $function$;

-- Bulk loaders set sansetu.bulk_load = 'on' for their transaction and call refresh_all_stats() at the end.
-- Only the owner's loaders may: a service role (the web, the login, the writer) setting it changes nothing.
CREATE OR REPLACE FUNCTION public.stats_maintenance_paused()
 RETURNS boolean
 LANGUAGE sql
 STABLE
AS $function$
  SELECT coalesce(current_setting('sansetu.bulk_load', true), '') = 'on'
     AND session_user NOT IN ('sansetu_app', 'sansetu_auth', 'sansetu_writer')
$function$;

-- Enterprises changed: recompute them, then the enterprise columns of their communities (old and new),
-- and recompute whole the communities whose residents changed.
CREATE OR REPLACE FUNCTION public.refresh_stats_for(enterprises character[], resident_communities character[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
DECLARE
  ents char(18)[] := ARRAY(SELECT DISTINCT x FROM unnest(enterprises) x WHERE x IS NOT NULL);
  whole char(12)[] := ARRAY(SELECT DISTINCT x FROM unnest(resident_communities) x WHERE x IS NOT NULL);
  partly char(12)[];
BEGIN
  IF cardinality(ents) > 0 THEN
    partly := ARRAY(SELECT community_code FROM enterprise_stats WHERE credit_code = ANY (ents));
    PERFORM refresh_enterprise_stats(ents);
    partly := ARRAY(
      SELECT DISTINCT x FROM unnest(partly || ARRAY(
        SELECT community_code FROM enterprise WHERE credit_code = ANY (ents))) x
      WHERE x IS NOT NULL AND x <> ALL (whole));
    IF cardinality(partly) > 0 THEN PERFORM refresh_community_enterprises(partly); END IF;
  END IF;
  IF cardinality(whole) > 0 THEN PERFORM refresh_community_stats(whole); END IF;
END $function$;

-- One trigger function per base table; each is attached once per event because PostgreSQL allows
-- transition tables only on single-event triggers. Branches read only the transition tables their event has.
-- They run as their owner, whoever changed the table (a service role may not call the maintenance itself).
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

CREATE OR REPLACE FUNCTION public.employment_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
DECLARE ents char(18)[];
BEGIN
  IF stats_maintenance_paused() THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT credit_code) INTO ents FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT credit_code) INTO ents FROM old_rows;
  ELSE
    SELECT array_agg(DISTINCT c) INTO ents
    FROM (SELECT credit_code FROM new_rows UNION SELECT credit_code FROM old_rows) t(c);
  END IF;
  PERFORM refresh_stats_for(ents, NULL);
  RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.enterprise_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
DECLARE ents char(18)[]; comms char(12)[];
BEGIN
  IF stats_maintenance_paused() THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(credit_code) INTO ents FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    -- enterprise_stats rows went by cascade; recount their communities' enterprise columns.
    SELECT array_agg(DISTINCT community_code) INTO comms FROM old_rows WHERE community_code IS NOT NULL;
    IF comms IS NOT NULL THEN PERFORM refresh_community_enterprises(comms); END IF;
    RETURN NULL;
  ELSE
    SELECT array_agg(n.credit_code) INTO ents
    FROM new_rows n JOIN old_rows o ON o.credit_code = n.credit_code
    WHERE n.community_code IS DISTINCT FROM o.community_code;
  END IF;
  PERFORM refresh_stats_for(ents, NULL);
  RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.community_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
DECLARE comms char(12)[];
BEGIN
  IF stats_maintenance_paused() THEN RETURN NULL; END IF;
  SELECT array_agg(code) INTO comms FROM new_rows;
  PERFORM refresh_stats_for(NULL, comms);
  RETURN NULL;
END $function$;

-- The history's persons exist, checked once per statement instead of by a foreign key, which locked each
-- person row one at a time (most of the cost of a batch of 10,000 changes). Rows health_code's trigger
-- writes come from health_code rows, whose own key to person PostgreSQL checks: only rows written
-- directly (by a loader, at trigger depth 1) are looked up here.
CREATE OR REPLACE FUNCTION public.history_persons_exist()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
DECLARE missing char(18);
BEGIN
  IF pg_trigger_depth() > 1 THEN RETURN NULL; END IF;
  SELECT n.id_number INTO missing FROM new_rows n
  WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id_number = n.id_number) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'health_code_history: no person %', missing USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $function$;

-- A person with a colour history stays, under the same ID number (the history is append-only).
CREATE OR REPLACE FUNCTION public.person_history_kept()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
DECLARE kept char(18);
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    kept := (SELECT OLD.id_number WHERE EXISTS (
      SELECT 1 FROM health_code_history h WHERE h.id_number = OLD.id_number));
  ELSE
    SELECT o.id_number INTO kept FROM old_rows o
    WHERE EXISTS (SELECT 1 FROM health_code_history h WHERE h.id_number = o.id_number) LIMIT 1;
  END IF;
  IF kept IS NOT NULL THEN
    RAISE EXCEPTION 'person % has a colour history', kept USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $function$;
