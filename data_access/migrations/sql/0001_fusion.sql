-- The fusion rules, in one place. README.md ("Fusion rules") explains them in words.
--
-- Rule 1: an enterprise's reopening status follows from its employees' current colours:
--   warned     (警告)   any employee red;
--   caution    (关注)   no red, any yellow;
--   incomplete (待核实) no red or yellow, but someone without a health-code record, or no employee at all;
--   cleared    (可复工) every employee green.
-- Rule 2: residents count in the community they are registered to; employees count in the community
--   of the enterprise that insures them (one person working for two enterprises counts in both).
-- Rule 3: a person without a health_code row counts as "none" (no record), never as green.
-- Managed persons are counted at read time (see managed_counts), because "currently managed" depends on
-- today's date, which a stored aggregate could not follow.

CREATE FUNCTION enterprise_status(red int, yellow int, missing int, total int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN red > 0 THEN 'warned'
    WHEN yellow > 0 THEN 'caution'
    WHEN missing > 0 OR total = 0 THEN 'incomplete'
    ELSE 'cleared'
  END
$$;

-- Per enterprise, from the base tables (the slow, obviously right way).
CREATE VIEW fusion_enterprise AS
SELECT e.credit_code,
       e.community_code,
       count(*) FILTER (WHERE h.colour = 'green')::int AS employees_green,
       count(*) FILTER (WHERE h.colour = 'yellow')::int AS employees_yellow,
       count(*) FILTER (WHERE h.colour = 'red')::int AS employees_red,
       count(em.id_number) FILTER (WHERE h.colour IS NULL)::int AS employees_none
FROM enterprise e
LEFT JOIN employment em ON em.credit_code = e.credit_code
LEFT JOIN health_code h ON h.id_number = em.id_number
GROUP BY e.credit_code, e.community_code;

-- Per community, residents by colour, from the base tables.
CREATE VIEW fusion_community_residents AS
SELECT p.community_code,
       count(*) FILTER (WHERE p.residence_type = 'permanent')::int AS residents_permanent,
       count(*) FILTER (WHERE p.residence_type = 'temporary')::int AS residents_temporary,
       count(*) FILTER (WHERE h.colour = 'green')::int AS residents_green,
       count(*) FILTER (WHERE h.colour = 'yellow')::int AS residents_yellow,
       count(*) FILTER (WHERE h.colour = 'red')::int AS residents_red,
       count(*) FILTER (WHERE h.colour IS NULL)::int AS residents_none
FROM person p
LEFT JOIN health_code h ON h.id_number = p.id_number
WHERE p.community_code IS NOT NULL
GROUP BY p.community_code;

-- Maintained aggregates: what the map reads. Kept current by the triggers below, in the same
-- transaction as the change, so a reader never sees base data and aggregates disagree.
CREATE TABLE enterprise_stats (
  credit_code char(18) PRIMARY KEY REFERENCES enterprise ON DELETE CASCADE,
  community_code char(12) REFERENCES community ON DELETE CASCADE,
  employees_green int NOT NULL,
  employees_yellow int NOT NULL,
  employees_red int NOT NULL,
  employees_none int NOT NULL,
  employees_total int GENERATED ALWAYS AS
    (employees_green + employees_yellow + employees_red + employees_none) STORED,
  status text GENERATED ALWAYS AS (enterprise_status(employees_red, employees_yellow, employees_none,
    employees_green + employees_yellow + employees_red + employees_none)) STORED
);
CREATE INDEX enterprise_stats_community_idx ON enterprise_stats (community_code, status);

-- Per community, enterprises and their employees rolled up, from maintained or from live enterprise rows.
CREATE FUNCTION fusion_community_enterprises(live boolean) RETURNS TABLE (
  community_code char(12),
  employees_green int, employees_yellow int, employees_red int, employees_none int,
  enterprises_cleared int, enterprises_caution int, enterprises_warned int, enterprises_incomplete int
) LANGUAGE sql STABLE AS $$
  WITH ent AS (
    SELECT community_code, employees_green, employees_yellow, employees_red, employees_none,
           enterprise_status(employees_red, employees_yellow, employees_none,
             employees_green + employees_yellow + employees_red + employees_none) AS status
    FROM fusion_enterprise WHERE live
    UNION ALL
    SELECT community_code, employees_green, employees_yellow, employees_red, employees_none, status
    FROM enterprise_stats WHERE NOT live
  )
  SELECT community_code,
         sum(employees_green)::int, sum(employees_yellow)::int, sum(employees_red)::int,
         sum(employees_none)::int,
         count(*) FILTER (WHERE status = 'cleared')::int, count(*) FILTER (WHERE status = 'caution')::int,
         count(*) FILTER (WHERE status = 'warned')::int, count(*) FILTER (WHERE status = 'incomplete')::int
  FROM ent WHERE community_code IS NOT NULL GROUP BY community_code
$$;

CREATE FUNCTION fusion_community(live boolean) RETURNS TABLE (
  community_code char(12),
  residents_permanent int, residents_temporary int,
  residents_green int, residents_yellow int, residents_red int, residents_none int,
  employees_green int, employees_yellow int, employees_red int, employees_none int,
  enterprises_cleared int, enterprises_caution int, enterprises_warned int, enterprises_incomplete int
) LANGUAGE sql STABLE AS $$
  SELECT c.code,
         coalesce(r.residents_permanent, 0), coalesce(r.residents_temporary, 0),
         coalesce(r.residents_green, 0), coalesce(r.residents_yellow, 0),
         coalesce(r.residents_red, 0), coalesce(r.residents_none, 0),
         coalesce(e.employees_green, 0), coalesce(e.employees_yellow, 0),
         coalesce(e.employees_red, 0), coalesce(e.employees_none, 0),
         coalesce(e.enterprises_cleared, 0), coalesce(e.enterprises_caution, 0),
         coalesce(e.enterprises_warned, 0), coalesce(e.enterprises_incomplete, 0)
  FROM community c
  LEFT JOIN fusion_community_residents r ON r.community_code = c.code
  LEFT JOIN fusion_community_enterprises(live) e ON e.community_code = c.code
$$;

CREATE TABLE community_stats (
  community_code char(12) PRIMARY KEY REFERENCES community ON DELETE CASCADE,
  residents_permanent int NOT NULL,
  residents_temporary int NOT NULL,
  residents_green int NOT NULL,
  residents_yellow int NOT NULL,
  residents_red int NOT NULL,
  residents_none int NOT NULL,
  employees_green int NOT NULL,
  employees_yellow int NOT NULL,
  employees_red int NOT NULL,
  employees_none int NOT NULL,
  enterprises_cleared int NOT NULL,
  enterprises_caution int NOT NULL,
  enterprises_warned int NOT NULL,
  enterprises_incomplete int NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- How the aggregates follow the base tables, by what changed:
--   a colour:               residents' counts move by deltas (cost: the changed rows), and the
--                           enterprises employing the people are recomputed, then their communities'
--                           enterprise columns;
--   employment, enterprise: those enterprises are recomputed, then their communities' enterprise columns;
--   a person, a community:  those communities are recomputed whole.
-- Writers serialise on one advisory lock held to commit, so a recount always starts from everything
-- committed before it and deltas never interleave.
CREATE FUNCTION lock_stats() RETURNS void LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(hashtext('sansetu.stats'))
$$;

-- Recompute the given keys (NULL: all).
CREATE FUNCTION refresh_enterprise_stats(codes char(18)[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM lock_stats();
  DELETE FROM enterprise_stats s WHERE codes IS NULL OR s.credit_code = ANY (codes);
  INSERT INTO enterprise_stats (credit_code, community_code,
                                employees_green, employees_yellow, employees_red, employees_none)
  SELECT f.credit_code, f.community_code,
         f.employees_green, f.employees_yellow, f.employees_red, f.employees_none
  FROM fusion_enterprise f WHERE codes IS NULL OR f.credit_code = ANY (codes);
END $$;

CREATE FUNCTION refresh_community_stats(codes char(12)[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM lock_stats();
  DELETE FROM community_stats s WHERE codes IS NULL OR s.community_code = ANY (codes);
  INSERT INTO community_stats (community_code, residents_permanent, residents_temporary,
    residents_green, residents_yellow, residents_red, residents_none,
    employees_green, employees_yellow, employees_red, employees_none,
    enterprises_cleared, enterprises_caution, enterprises_warned, enterprises_incomplete)
  SELECT * FROM fusion_community(false) f WHERE codes IS NULL OR f.community_code = ANY (codes);
END $$;

-- Only the enterprise and employee columns of the given communities, from enterprise_stats.
CREATE FUNCTION refresh_community_enterprises(codes char(12)[]) RETURNS void LANGUAGE plpgsql AS $$
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
END $$;

CREATE FUNCTION refresh_all_stats() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_enterprise_stats(NULL);
  PERFORM refresh_community_stats(NULL);
END $$;

-- Bulk loaders set sansetu.bulk_load = 'on' for their transaction and call refresh_all_stats() at the end.
CREATE FUNCTION stats_maintenance_paused() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('sansetu.bulk_load', true), '') = 'on'
$$;

-- Enterprises changed: recompute them, then the enterprise columns of their communities (old and new),
-- and recompute whole the communities whose residents changed.
CREATE FUNCTION refresh_stats_for(enterprises char(18)[], resident_communities char(12)[])
RETURNS void LANGUAGE plpgsql AS $$
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
END $$;

-- Colour changes, as parallel arrays (old or new NULL: no record before or after).
CREATE FUNCTION apply_colour_changes(ids char(18)[], olds text[], news text[]) RETURNS void
LANGUAGE plpgsql AS $$
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
  PERFORM refresh_stats_for(ARRAY(SELECT credit_code FROM employment WHERE id_number = ANY (ids)), NULL);
END $$;

-- One trigger function per base table; each is attached once per event because PostgreSQL allows
-- transition tables only on single-event triggers. Branches read only the transition tables their event has.
CREATE FUNCTION health_code_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
END $$;

CREATE FUNCTION person_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
END $$;

CREATE FUNCTION employment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
END $$;

CREATE FUNCTION enterprise_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
END $$;

CREATE FUNCTION community_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE comms char(12)[];
BEGIN
  IF stats_maintenance_paused() THEN RETURN NULL; END IF;
  SELECT array_agg(code) INTO comms FROM new_rows;
  PERFORM refresh_stats_for(NULL, comms);
  RETURN NULL;
END $$;

CREATE TRIGGER health_code_inserted AFTER INSERT ON health_code REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION health_code_changed();
CREATE TRIGGER health_code_updated AFTER UPDATE ON health_code
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION health_code_changed();
CREATE TRIGGER health_code_deleted AFTER DELETE ON health_code REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION health_code_changed();

CREATE TRIGGER person_inserted AFTER INSERT ON person REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION person_changed();
CREATE TRIGGER person_updated AFTER UPDATE ON person
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION person_changed();
CREATE TRIGGER person_deleted AFTER DELETE ON person REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION person_changed();

CREATE TRIGGER employment_inserted AFTER INSERT ON employment REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION employment_changed();
CREATE TRIGGER employment_updated AFTER UPDATE ON employment
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION employment_changed();
CREATE TRIGGER employment_deleted AFTER DELETE ON employment REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION employment_changed();

CREATE TRIGGER enterprise_inserted AFTER INSERT ON enterprise REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION enterprise_changed();
CREATE TRIGGER enterprise_updated AFTER UPDATE ON enterprise
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION enterprise_changed();
CREATE TRIGGER enterprise_deleted AFTER DELETE ON enterprise REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION enterprise_changed();

CREATE TRIGGER community_inserted AFTER INSERT ON community REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION community_changed();

-- Managed persons currently under management, per community: read live (a few thousand rows).
CREATE VIEW managed_counts AS
SELECT community_code,
       count(*)::int AS managed_total,
       count(*) FILTER (WHERE kind = 'centralised_isolation')::int AS managed_centralised_isolation,
       count(*) FILTER (WHERE kind = 'home_isolation')::int AS managed_home_isolation,
       count(*) FILTER (WHERE kind = 'close_contact')::int AS managed_close_contact,
       count(*) FILTER (WHERE kind = 'inbound')::int AS managed_inbound,
       count(*) FILTER (WHERE kind = 'key_area_returnee')::int AS managed_key_area_returnee
FROM managed_person
WHERE start_date <= current_date AND (end_date IS NULL OR end_date >= current_date)
GROUP BY community_code;
