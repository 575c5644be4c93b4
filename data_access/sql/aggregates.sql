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
-- Transition tables have no statistics, so the planner guesses joins of them 500 times too large: for a
-- file of 100,000 changes it compiled them with JIT (0.7 s a statement) and sorted both sides on disk for
-- a merge join; hash joins in memory take a tenth of that.
CREATE OR REPLACE FUNCTION public.health_code_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
 SET enable_mergejoin TO 'off'
 SET jit TO 'off'
 SET work_mem TO '64MB'
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

-- Residents added or moved (to another community or residence type) move their communities' counts by
-- deltas instead of a recount of every resident there (3.7 s of 8 for 100,000 new residents). Deltas, not
-- recounts, for both: an INSERT ... ON CONFLICT fires both triggers, and a recount by one would already
-- include the other's rows. A person just inserted has no colour yet (health_code's key to person); a
-- resident's employers do not depend on where they live. Deleted persons are recounted (their colours are
-- gone by then, with their health_code rows).
CREATE OR REPLACE FUNCTION public.person_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
 SET enable_mergejoin TO 'off'
 SET jit TO 'off'
 SET work_mem TO '64MB'
AS $function$
DECLARE comms char(12)[]; kinds text[]; colours text[]; signs int[];
BEGIN
  IF stats_maintenance_paused() THEN RETURN NULL; END IF;
  IF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT community_code) INTO comms FROM old_rows;
    PERFORM refresh_stats_for(NULL, comms);
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
    SELECT array_agg(community_code), array_agg(residence_type), array_agg(NULL::text), array_agg(1)
    INTO comms, kinds, colours, signs FROM new_rows WHERE community_code IS NOT NULL;
  ELSE
    SELECT array_agg(m.community_code), array_agg(m.residence_type), array_agg(h.colour), array_agg(m.sign)
    INTO comms, kinds, colours, signs
    FROM new_rows n JOIN old_rows o ON o.id_number = n.id_number
    LEFT JOIN health_code h ON h.id_number = n.id_number
    CROSS JOIN LATERAL (VALUES (o.community_code, o.residence_type, -1), (n.community_code, n.residence_type, 1))
      AS m(community_code, residence_type, sign)
    WHERE (n.community_code IS DISTINCT FROM o.community_code OR n.residence_type IS DISTINCT FROM o.residence_type)
      AND m.community_code IS NOT NULL;
  END IF;
  IF comms IS NOT NULL THEN PERFORM move_residents(comms, kinds, colours, signs); END IF;
  RETURN NULL;
END $function$;

-- Residents counted in (sign 1) or out of (-1) communities, each with its residence type and colour (NULL:
-- no record). A community without its row is recounted whole.
CREATE OR REPLACE FUNCTION public.move_residents(comms character[], kinds text[], colours text[], signs integer[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
 SET jit TO 'off'
AS $function$
DECLARE missing char(12)[];
BEGIN
  PERFORM lock_stats();
  WITH d AS (
    SELECT community, sum(sign) FILTER (WHERE kind = 'permanent') AS permanent,
           sum(sign) FILTER (WHERE kind = 'temporary') AS temporary,
           sum(sign) FILTER (WHERE colour = 'green') AS green, sum(sign) FILTER (WHERE colour = 'yellow') AS yellow,
           sum(sign) FILTER (WHERE colour = 'red') AS red, sum(sign) FILTER (WHERE colour IS NULL) AS none
    FROM unnest(comms, kinds, colours, signs) AS r(community, kind, colour, sign)
    GROUP BY community
  ), moved AS (
    UPDATE community_stats s SET
      residents_permanent = s.residents_permanent + coalesce(d.permanent, 0),
      residents_temporary = s.residents_temporary + coalesce(d.temporary, 0),
      residents_green = s.residents_green + coalesce(d.green, 0),
      residents_yellow = s.residents_yellow + coalesce(d.yellow, 0),
      residents_red = s.residents_red + coalesce(d.red, 0),
      residents_none = s.residents_none + coalesce(d.none, 0), updated_at = now()
    FROM d WHERE s.community_code = d.community
    RETURNING s.community_code
  )
  SELECT array_agg(community) INTO missing FROM d WHERE community NOT IN (SELECT community_code FROM moved);
  IF missing IS NOT NULL THEN PERFORM refresh_community_stats(missing); END IF;
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
