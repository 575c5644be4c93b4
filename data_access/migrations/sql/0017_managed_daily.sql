-- Today's managed persons kept per community and day (#12). Every drill step counted them live: the key-person
-- module's measures and the flat list's persons not under a measure there (managed_period), about 75 ms of a
-- step at the scale-10 city, growing with the list. Who is managed on a day follows from the rows alone (a
-- period covers its days whatever the date is now), so the counts of a span of days (a month back, three
-- ahead) are kept here, recounted for the communities a write touches; the map reads one row per community.
-- A day outside the span is counted live as before (same columns, same meaning): the day turning never makes
-- the map wrong, only slower, and the span moves forward with the next write or `setup-db`.
CREATE TABLE managed_daily (
  community_code char(12) NOT NULL REFERENCES community,
  day date NOT NULL,
  managed_total integer NOT NULL,
  managed_centralised_isolation integer NOT NULL,
  managed_home_isolation integer NOT NULL,
  managed_close_contact integer NOT NULL,
  managed_inbound integer NOT NULL,
  managed_key_area_returnee integer NOT NULL,
  PRIMARY KEY (community_code, day)
);
COMMENT ON TABLE managed_daily IS
  'Managed persons per community and Beijing day over managed_daily_span (rows only where some are managed).';
CREATE INDEX managed_daily_day_idx ON managed_daily (day);  -- a day's rows by a leakproof condition under RLS

CREATE TABLE managed_daily_span (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  first_day date NOT NULL,
  last_day date NOT NULL CHECK (last_day >= first_day)
);
COMMENT ON TABLE managed_daily_span IS 'The days managed_daily holds; other days are counted live.';

ALTER TABLE managed_daily ENABLE ROW LEVEL SECURITY;
CREATE POLICY managed_daily_scope ON managed_daily FOR SELECT TO sansetu_app
  USING (community_code LIKE (SELECT session_scope()) || '%');
GRANT SELECT ON managed_daily, managed_daily_span TO sansetu_app;

-- Recount the span's days of the given communities (NULL: all). One writer at a time: after the lock each
-- statement sees what the previous one committed (read committed), so two writers never keep stale counts.
CREATE FUNCTION managed_daily_refresh(codes char(12)[]) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
DECLARE
  span managed_daily_span;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('sansetu.managed_daily'));
  SELECT * INTO span FROM managed_daily_span;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  DELETE FROM managed_daily d WHERE codes IS NULL OR d.community_code = ANY (codes);
  INSERT INTO managed_daily (community_code, day, managed_total, managed_centralised_isolation,
                             managed_home_isolation, managed_close_contact, managed_inbound, managed_key_area_returnee)
  SELECT m.community_code, d.day::date, count(*),
         count(*) FILTER (WHERE m.kind = 'centralised_isolation'),
         count(*) FILTER (WHERE m.kind = 'home_isolation'),
         count(*) FILTER (WHERE m.kind = 'close_contact'),
         count(*) FILTER (WHERE m.kind = 'inbound'),
         count(*) FILTER (WHERE m.kind = 'key_area_returnee')
  FROM managed_period m
  CROSS JOIN LATERAL generate_series(greatest(m.start_date, span.first_day),
                                     least(coalesce(m.end_date, span.last_day), span.last_day),
                                     interval '1 day') d(day)
  WHERE (codes IS NULL OR m.community_code = ANY (codes))
    AND m.start_date <= span.last_day AND (m.end_date IS NULL OR m.end_date >= span.first_day)
  GROUP BY 1, 2;
END $$;

-- managed_period (0015_perf) names the flat list's row a period comes from (list_id; NULL for a measure), so the
-- days of new list rows are added by their ids, by index, with the view's own rule of who is hidden.
CREATE OR REPLACE VIEW managed_period AS
SELECT k.id_number, t.community_code,
       CASE t.measure WHEN 'centralised' THEN 'centralised_isolation' WHEN 'home' THEN 'home_isolation'
         ELSE CASE b.kind WHEN 'close_contact' THEN 'close_contact' WHEN 'inbound' THEN 'inbound'
                          WHEN 'port_check' THEN 'inbound' WHEN 'key_area' THEN 'key_area_returnee' END
       END AS kind,
       t.measure_start AS start_date,
       t.measure_end AS end_date,
       'keypersons'::text AS origin, NULL::bigint AS list_id
FROM kp_task t JOIN kp_batch b ON b.id = t.batch_id LEFT JOIN kp_person k ON k.id = t.person_id
WHERE t.measure IS NOT NULL
UNION ALL
SELECT m.id_number, m.community_code, m.kind, m.start_date, m.end_date, 'list'::text, m.id
FROM managed_person m
LEFT JOIN LATERAL (SELECT true AS found FROM kp_person k JOIN kp_task t ON t.person_id = k.id
                   WHERE k.id_number = m.id_number AND t.measure IS NOT NULL
                     AND t.measure_start <= coalesce(m.end_date, 'infinity'::date)
                     AND (t.measure_end IS NULL OR t.measure_end >= m.start_date)
                   LIMIT 1) measured ON true
WHERE measured.found IS NULL;

-- Add the days of new list rows that count (those no measure hides) to the kept counts.
CREATE FUNCTION managed_daily_add(ids bigint[]) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('sansetu.managed_daily'));
  INSERT INTO managed_daily AS k (community_code, day, managed_total, managed_centralised_isolation,
                                  managed_home_isolation, managed_close_contact, managed_inbound, managed_key_area_returnee)
  SELECT m.community_code, d.day::date, count(*),
         count(*) FILTER (WHERE m.kind = 'centralised_isolation'),
         count(*) FILTER (WHERE m.kind = 'home_isolation'),
         count(*) FILTER (WHERE m.kind = 'close_contact'),
         count(*) FILTER (WHERE m.kind = 'inbound'),
         count(*) FILTER (WHERE m.kind = 'key_area_returnee')
  FROM managed_daily_span s
  JOIN managed_period m ON m.origin = 'list' AND m.list_id = ANY (ids) AND m.start_date <= s.last_day
                       AND (m.end_date IS NULL OR m.end_date >= s.first_day)
  CROSS JOIN LATERAL generate_series(greatest(m.start_date, s.first_day),
                                     least(coalesce(m.end_date, s.last_day), s.last_day), interval '1 day') d(day)
  GROUP BY 1, 2
  ON CONFLICT (community_code, day) DO UPDATE SET
    managed_total = k.managed_total + excluded.managed_total,
    managed_centralised_isolation = k.managed_centralised_isolation + excluded.managed_centralised_isolation,
    managed_home_isolation = k.managed_home_isolation + excluded.managed_home_isolation,
    managed_close_contact = k.managed_close_contact + excluded.managed_close_contact,
    managed_inbound = k.managed_inbound + excluded.managed_inbound,
    managed_key_area_returnee = k.managed_key_area_returnee + excluded.managed_key_area_returnee;
END $$;

-- The span a month back and three ahead of today (Beijing), recounted whole, when less than a month is left
-- ahead (or none is kept yet). Returns whether it moved.
CREATE FUNCTION managed_daily_extend(force boolean DEFAULT false) RETURNS boolean LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public AS $$
DECLARE
  today date := (now() AT TIME ZONE 'Asia/Shanghai')::date;
BEGIN
  IF NOT force AND EXISTS (SELECT 1 FROM managed_daily_span WHERE last_day >= today + 31 AND first_day <= today) THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('sansetu.managed_daily'));
  INSERT INTO managed_daily_span (one, first_day, last_day) VALUES (true, today - 31, today + 92)
  ON CONFLICT (one) DO UPDATE SET first_day = excluded.first_day, last_day = excluded.last_day;
  PERFORM managed_daily_refresh(NULL);
  RETURN true;
END $$;

-- The communities a write of the base tables changes the counts of. A measure of a person also removes the
-- flat list's periods of the same ID number that it overlaps, wherever that list puts them.
CREATE FUNCTION managed_daily_touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
DECLARE
  codes char(12)[];
  persons bigint[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    IF NOT managed_daily_extend() THEN
      PERFORM managed_daily_refresh(NULL);
    END IF;
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'managed_person' THEN
    IF TG_OP = 'INSERT' THEN  -- a new list adds its counted rows' days (a list row hides no other row)
      IF NOT managed_daily_extend() THEN
        PERFORM managed_daily_add(array_agg(n.id)) FROM new_rows n;
      END IF;
      RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
      SELECT array_agg(DISTINCT community_code) INTO codes FROM old_rows;
    ELSE
      SELECT array_agg(DISTINCT c) INTO codes FROM (
        SELECT n.community_code, o.community_code FROM new_rows n JOIN old_rows o USING (id)
        WHERE (n.id_number, n.kind, n.community_code, n.start_date, n.end_date)
              IS DISTINCT FROM (o.id_number, o.kind, o.community_code, o.start_date, o.end_date)) x(a, b),
        LATERAL (VALUES (x.a), (x.b)) v(c);
    END IF;
  ELSIF TG_TABLE_NAME = 'kp_task' THEN  -- (a transition table is named only in the branch of its event)
    IF TG_OP = 'INSERT' THEN
      SELECT array_agg(community_code), array_agg(person_id) INTO codes, persons FROM new_rows
      WHERE measure IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
      SELECT array_agg(community_code), array_agg(person_id) INTO codes, persons FROM old_rows
      WHERE measure IS NOT NULL;
    ELSE  -- contacts, colours and notes change no count
      SELECT array_agg(v.code), array_agg(v.person) INTO codes, persons
      FROM new_rows n JOIN old_rows o USING (id),
           LATERAL (VALUES (n.community_code, n.person_id, n.measure), (o.community_code, o.person_id, o.measure))
             v(code, person, measure)
      WHERE (n.measure, n.measure_start, n.measure_end, n.community_code, n.person_id, n.batch_id)
            IS DISTINCT FROM (o.measure, o.measure_start, o.measure_end, o.community_code, o.person_id, o.batch_id)
        AND v.measure IS NOT NULL;
    END IF;
    IF persons IS NOT NULL THEN
      SELECT array_agg(DISTINCT c) INTO codes FROM (
        SELECT unnest(codes)
        UNION ALL
        SELECT m.community_code FROM managed_person m JOIN kp_person k ON k.id_number = m.id_number
        WHERE k.id = ANY (persons)) x(c);
    END IF;
  ELSIF TG_TABLE_NAME = 'kp_person' THEN  -- an ID number corrected: its measures now hide other list rows
    WITH moved AS (
      SELECT n.id, n.id_number AS new_id_number, o.id_number AS old_id_number
      FROM new_rows n JOIN old_rows o USING (id) WHERE n.id_number IS DISTINCT FROM o.id_number
    )
    SELECT array_agg(DISTINCT c) INTO codes FROM (
      SELECT t.community_code FROM kp_task t WHERE t.measure IS NOT NULL AND t.person_id IN (SELECT id FROM moved)
      UNION ALL
      SELECT m.community_code FROM managed_person m
      WHERE m.id_number IN (SELECT new_id_number FROM moved UNION SELECT old_id_number FROM moved)) x(c);
  ELSIF TG_TABLE_NAME = 'kp_batch' THEN  -- a batch's kind names the measures' kind
    SELECT array_agg(DISTINCT t.community_code) INTO codes
    FROM kp_task t WHERE t.measure IS NOT NULL AND t.batch_id IN (
      SELECT n.id FROM new_rows n JOIN old_rows o USING (id) WHERE n.kind IS DISTINCT FROM o.kind);
  END IF;
  IF codes IS NOT NULL AND NOT managed_daily_extend() THEN
    PERFORM managed_daily_refresh(codes);
  END IF;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION managed_daily_refresh(char(12)[]), managed_daily_extend(boolean), managed_daily_touch(),
  managed_daily_add(bigint[])
  FROM PUBLIC;

CREATE TRIGGER managed_person_daily_insert AFTER INSERT ON managed_person REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION managed_daily_touch();
CREATE TRIGGER managed_person_daily_update AFTER UPDATE ON managed_person
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION managed_daily_touch();
CREATE TRIGGER managed_person_daily_delete AFTER DELETE ON managed_person REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION managed_daily_touch();
CREATE TRIGGER managed_person_daily_truncate AFTER TRUNCATE ON managed_person
  FOR EACH STATEMENT EXECUTE FUNCTION managed_daily_touch();
CREATE TRIGGER kp_task_daily_insert AFTER INSERT ON kp_task REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION managed_daily_touch();
CREATE TRIGGER kp_task_daily_update AFTER UPDATE ON kp_task
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION managed_daily_touch();
CREATE TRIGGER kp_task_daily_delete AFTER DELETE ON kp_task REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION managed_daily_touch();
CREATE TRIGGER kp_task_daily_truncate AFTER TRUNCATE ON kp_task
  FOR EACH STATEMENT EXECUTE FUNCTION managed_daily_touch();
CREATE TRIGGER kp_person_daily_update AFTER UPDATE ON kp_person
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION managed_daily_touch();
CREATE TRIGGER kp_batch_daily_update AFTER UPDATE ON kp_batch
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION managed_daily_touch();

-- Is a day's count kept? (The span row is one; the planner runs this once per statement, as a one-time filter.)
CREATE FUNCTION managed_daily_kept(day date) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM managed_daily_span s WHERE day BETWEEN s.first_day AND s.last_day)
$$;
REVOKE EXECUTE ON FUNCTION managed_daily_kept(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION managed_daily_kept(date) TO sansetu_app;

SELECT managed_daily_extend(true);
