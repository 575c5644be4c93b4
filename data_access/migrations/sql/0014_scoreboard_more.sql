-- The scoreboard (晾晒台), continued: the rankings the issue names that were missing (enterprise applications
-- overdue, 亲清在线; people due a payment and not yet paid, 民生直达), the daily snapshot of the figures (so
-- the page and the brief state the day's changes), and the brief made on a schedule exactly once a day.

-- The Beijing day, as the database's clock has it (snapshots and scheduled briefs are kept by it).
CREATE FUNCTION scoreboard_today() RETURNS date LANGUAGE sql STABLE AS $$
  SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- The role of this transaction's live session (NULL for anything else): a snapshot of headlines is kept per
-- area and role, since a role's rights decide what its headlines count.
CREATE FUNCTION session_role() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT role FROM live_session() LIMIT 1
$$;
-- Neither is anyone's but the web role's (no function of ours is executable by everyone).
REVOKE EXECUTE ON FUNCTION scoreboard_today(), session_role() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION scoreboard_today(), session_role() TO sansetu_app;

-- 亲清在线: enterprise applications whose current step has gone past its time limit (policy_step_limit), per
-- community, now and a week ago (the step each application stood at then, against that step's limit).
CREATE VIEW work_measure_policies AS
WITH apps AS (
  SELECT id, community_code FROM policy_application WHERE target = 'enterprise'),
now_at AS (
  SELECT DISTINCT ON (n.application_id) n.application_id, n.due_at
  FROM policy_application_node n JOIN apps a ON a.id = n.application_id
  ORDER BY n.application_id, n.at DESC, n.id DESC),
week_at AS (
  SELECT DISTINCT ON (n.application_id) n.application_id, n.due_at
  FROM policy_application_node n JOIN apps a ON a.id = n.application_id
  WHERE n.at <= now() - interval '7 days'
  ORDER BY n.application_id, n.at DESC, n.id DESC),
per AS (
  SELECT a.community_code,
         count(*) FILTER (WHERE x.due_at < now()) AS overdue,
         count(*) FILTER (WHERE w.due_at < now() - interval '7 days') AS overdue_ago
  FROM apps a LEFT JOIN now_at x ON x.application_id = a.id LEFT JOIN week_at w ON w.application_id = a.id
  GROUP BY a.community_code)
SELECT c.code AS community_code, 'applications_overdue'::text AS measure, coalesce(p.overdue, 0)::numeric AS value,
       'low'::text AS good, coalesce(p.overdue_ago, 0)::numeric AS week_ago
FROM community c LEFT JOIN per p ON p.community_code = c.code
WHERE EXISTS (SELECT 1 FROM apps);

-- 民生直达: people due a payment (approved, or put on the 直达 list by the district) who have not been paid it
-- yet: a (policy, person, period) none of whose payment lines is paid (a failed line is re-queued under the same
-- three). Per community, now and a week ago (lines made by then, none paid by then). The few lines not paid
-- each look their three up in the payments' unique index (a count, not NOT EXISTS: the planner would hash
-- every paid line instead, some 0.5 s at full demo scale against some 50 ms).
CREATE VIEW work_measure_livelihood AS
WITH unpaid AS (
  SELECT y.community_code, count(DISTINCT y.id_number) AS people FROM policy_payment y
  WHERE y.target = 'person' AND y.status <> 'paid'
    AND (SELECT count(*) FROM policy_payment z WHERE z.policy_id = y.policy_id AND z.beneficiary = y.beneficiary
         AND z.period = y.period AND z.status = 'paid') = 0
  GROUP BY y.community_code),
unpaid_ago AS (
  SELECT y.community_code, count(DISTINCT y.id_number) AS people FROM policy_payment y
  WHERE y.target = 'person' AND y.created_at <= now() - interval '7 days'
    AND (y.paid_at IS NULL OR y.paid_at > now() - interval '7 days')
    AND (SELECT count(*) FROM policy_payment z WHERE z.policy_id = y.policy_id AND z.beneficiary = y.beneficiary
         AND z.period = y.period AND z.status = 'paid' AND z.paid_at <= now() - interval '7 days') = 0
  GROUP BY y.community_code)
SELECT c.code AS community_code, 'unpaid_people'::text AS measure, coalesce(u.people, 0)::numeric AS value,
       'low'::text AS good, coalesce(w.people, 0)::numeric AS week_ago
FROM community c LEFT JOIN unpaid u ON u.community_code = c.code LEFT JOIN unpaid_ago w ON w.community_code = c.code
WHERE EXISTS (SELECT 1 FROM policy_payment WHERE target = 'person');

UPDATE scoreboard_source SET measure_view = 'work_measure_' || module WHERE module IN ('policies', 'livelihood');
INSERT INTO scoreboard_summed (module, measure) VALUES ('policies', 'applications_overdue'),
  ('livelihood', 'unpaid_people');

-- The day's snapshot of every community's measures: taken once a Beijing day (the first read of the day, or
-- the day's brief), for every community (areas are applied when it is read). Yesterday's row gives the
-- day's change.
CREATE TABLE scoreboard_day_measure (
  day date NOT NULL,
  community_code char(12) NOT NULL REFERENCES community,
  module text NOT NULL,
  measure text NOT NULL,
  value numeric,
  taken_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, community_code, module, measure)
);

-- The day's snapshot of the headlines an area and role see (their row-level security decides the figures):
-- written by that session, read by that area and role only.
CREATE TABLE scoreboard_day_headline (
  day date NOT NULL,
  area text NOT NULL CHECK (area ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'),
  role text NOT NULL,
  module text NOT NULL,
  key text NOT NULL,
  value numeric,
  as_of timestamptz,
  taken_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, area, role, module, key)
);
ALTER TABLE scoreboard_day_headline ENABLE ROW LEVEL SECURITY;
CREATE POLICY scoreboard_day_headline_read ON scoreboard_day_headline FOR SELECT TO sansetu_app
  USING ((SELECT session_may('scoreboard.read')) AND area = (SELECT session_scope())
         AND role = (SELECT session_role()));
CREATE POLICY scoreboard_day_headline_take ON scoreboard_day_headline FOR INSERT TO sansetu_app
  WITH CHECK ((SELECT session_may('scoreboard.read')) AND area = (SELECT session_scope())
              AND role = (SELECT session_role()) AND day = scoreboard_today());
GRANT SELECT, INSERT ON scoreboard_day_headline TO sansetu_app;

-- Today's snapshot: the communities' measures (once, whoever comes first; two server processes at once wait
-- for each other) and the session's headlines. Returns whether this call took the measures.
CREATE FUNCTION scoreboard_take_day() RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public SET jit = off AS $$
DECLARE
  taken boolean := false;
BEGIN
  IF NOT coalesce(session_may('scoreboard.read'), false) THEN
    RAISE EXCEPTION 'scoreboard_not_allowed' USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('sansetu.scoreboard_day'));
  IF NOT EXISTS (SELECT 1 FROM scoreboard_day_measure WHERE day = scoreboard_today()) THEN
    INSERT INTO scoreboard_day_measure (day, community_code, module, measure, value)
    SELECT scoreboard_today(), m.community_code, m.module, m.measure, m.value
    FROM scoreboard_measure_all m JOIN community c ON c.code = m.community_code
    ON CONFLICT DO NOTHING;
    taken := true;
  END IF;
  RETURN taken;
END $$;
REVOKE EXECUTE ON FUNCTION scoreboard_take_day() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION scoreboard_take_day() TO sansetu_app;

-- The scoped measure views of 0013, with yesterday's value (day_ago) from the snapshot.
CREATE OR REPLACE VIEW scoreboard_community_measure WITH (security_barrier = true) AS
SELECT m.module, m.community_code, c.name, c.street_code, s.name AS street_name, m.measure, m.value, m.good,
       m.week_ago, d.value AS day_ago
FROM scoreboard_measure_all m JOIN community c ON c.code = m.community_code JOIN street s ON s.code = c.street_code
LEFT JOIN scoreboard_day_measure d ON d.day = scoreboard_today() - 1 AND d.community_code = m.community_code
     AND d.module = m.module AND d.measure = m.measure
WHERE (SELECT session_may('scoreboard.read')) AND m.community_code LIKE (SELECT session_scope()) || '%';

CREATE OR REPLACE VIEW scoreboard_street_measure WITH (security_barrier = true) AS
SELECT m.module, s.code AS street_code, s.name, m.measure,
       CASE WHEN k.measure IS NULL THEN round(avg(m.value), 2) ELSE sum(m.value) END AS value, min(m.good) AS good,
       CASE WHEN k.measure IS NULL THEN round(avg(m.week_ago), 2) ELSE sum(m.week_ago) END AS week_ago,
       count(m.value)::int AS communities,
       CASE WHEN k.measure IS NULL THEN round(avg(d.value), 2) ELSE sum(d.value) END AS day_ago
FROM scoreboard_measure_all m JOIN community c ON c.code = m.community_code JOIN street s ON s.code = c.street_code
LEFT JOIN scoreboard_summed k ON k.module = m.module AND k.measure = m.measure
LEFT JOIN scoreboard_day_measure d ON d.day = scoreboard_today() - 1 AND d.community_code = m.community_code
     AND d.module = m.module AND d.measure = m.measure
WHERE (SELECT session_may('scoreboard.read'))
GROUP BY m.module, s.code, s.name, m.measure, k.measure;

-- Both of the above from one reading of the modules' views (the board needs both; each reading is most of
-- its time): kind 'community' (the session's area) and 'street' (every street).
CREATE FUNCTION scoreboard_measures() RETURNS TABLE (kind text, module text, code char(12), name text,
  street_code char(12), street_name text, measure text, value numeric, good text, week_ago numeric,
  day_ago numeric, communities int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public SET jit = off AS $$
  WITH m AS MATERIALIZED (
    SELECT m.module, m.community_code, c.name, c.street_code, s.name AS street_name, m.measure, m.value, m.good,
           m.week_ago, d.value AS day_ago
    FROM scoreboard_measure_all m JOIN community c ON c.code = m.community_code
    JOIN street s ON s.code = c.street_code
    LEFT JOIN scoreboard_day_measure d ON d.day = scoreboard_today() - 1 AND d.community_code = m.community_code
         AND d.module = m.module AND d.measure = m.measure
    WHERE session_may('scoreboard.read'))
  SELECT 'community', m.module, m.community_code, m.name, m.street_code, m.street_name, m.measure, m.value, m.good,
         m.week_ago, m.day_ago, NULL::int
  FROM m WHERE m.community_code LIKE session_scope() || '%'
  UNION ALL
  SELECT 'street', m.module, m.street_code, m.street_name, m.street_code, m.street_name, m.measure,
         CASE WHEN k.measure IS NULL THEN round(avg(m.value), 2) ELSE sum(m.value) END, min(m.good),
         CASE WHEN k.measure IS NULL THEN round(avg(m.week_ago), 2) ELSE sum(m.week_ago) END,
         CASE WHEN k.measure IS NULL THEN round(avg(m.day_ago), 2) ELSE sum(m.day_ago) END, count(m.value)::int
  FROM m LEFT JOIN scoreboard_summed k ON k.module = m.module AND k.measure = m.measure
  GROUP BY m.module, m.street_code, m.street_name, m.measure, k.measure
$$;
REVOKE EXECUTE ON FUNCTION scoreboard_measures() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION scoreboard_measures() TO sansetu_app;

-- A brief made on the schedule: at most one per area and Beijing day, whichever server process comes first.
ALTER TABLE scoreboard_brief ADD COLUMN scheduled boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX scoreboard_brief_scheduled_idx ON scoreboard_brief (area, day) WHERE scheduled;
GRANT INSERT (scheduled) ON scoreboard_brief TO sansetu_app;
