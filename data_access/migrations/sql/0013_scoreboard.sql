-- The scoreboard (晾晒台): every module's headline figures and measures of work, joined by SQL views only.
--
-- The contract a module joins by, in its own migration (no module imports another's Python):
--   * a view headline_<module> (module text, key text, value numeric, as_of timestamptz), with
--     security_invoker = true so the base tables' row-level security scopes it; no rows while the module holds
--     no data (the scoreboard then says 暂无数据, never 0); GRANT SELECT ON it TO sansetu_app;
--   * optionally a view work_measure_<module> (community_code char(12), measure text, value numeric,
--     good text 'high'|'low', week_ago numeric): one row per community and measure of work done, of every
--     community (an owner's view, granted to no role: the scoreboard's own views below apply the session's
--     area to the communities and give every street's mean, so a street sees its place among the streets);
--   * a row INSERT INTO scoreboard_source (module, headline_view, measure_view); the trigger below rebuilds the
--     scoreboard's union views from the registry. A downgrade deletes its row first, then drops its views.
-- The names are fixed by the module's name (CHECKs below) and quoted with format('%I'): no unchecked name is
-- ever formatted into SQL.

CREATE TABLE scoreboard_source (
  module text PRIMARY KEY CHECK (module ~ '^[a-z][a-z0-9_]{0,40}$'),
  headline_view text NOT NULL CHECK (headline_view = 'headline_' || module),
  measure_view text CHECK (measure_view = 'work_measure_' || module),
  position integer NOT NULL DEFAULT 100  -- the order of the sentences (the seed's)
);

-- The union of the registered headline views, read by the web role under its own row-level security.
CREATE VIEW scoreboard_headline WITH (security_invoker = true) AS
SELECT NULL::text AS module, NULL::text AS key, NULL::numeric AS value, NULL::timestamptz AS as_of WHERE false;

-- The union of the registered measure views, all communities (the owner's view; no role reads it directly).
CREATE VIEW scoreboard_measure_all AS
SELECT NULL::text AS module, NULL::char(12) AS community_code, NULL::text AS measure, NULL::numeric AS value,
       NULL::text AS good, NULL::numeric AS week_ago WHERE false;

CREATE FUNCTION scoreboard_rebuild() RETURNS trigger LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
  heads text;
  measures text;
BEGIN
  SELECT string_agg(format('SELECT module::text AS module, key::text AS key, value::numeric AS value,'
                           ' as_of::timestamptz AS as_of FROM %I',
                           headline_view), ' UNION ALL ' ORDER BY position, module),
         string_agg(format('SELECT %L::text AS module, community_code::char(12) AS community_code,'
                           ' measure::text AS measure, value::numeric AS value, good::text AS good,'
                           ' week_ago::numeric AS week_ago FROM %I', module, measure_view), ' UNION ALL ' ORDER BY module)
           FILTER (WHERE measure_view IS NOT NULL)
    INTO heads, measures FROM scoreboard_source;
  EXECUTE 'CREATE OR REPLACE VIEW scoreboard_headline WITH (security_invoker = true) AS '
    || coalesce(heads, 'SELECT NULL::text AS module, NULL::text AS key, NULL::numeric AS value,'
                       ' NULL::timestamptz AS as_of WHERE false');
  EXECUTE 'CREATE OR REPLACE VIEW scoreboard_measure_all AS '
    || coalesce(measures, 'SELECT NULL::text AS module, NULL::char(12) AS community_code, NULL::text AS measure,'
                          ' NULL::numeric AS value, NULL::text AS good, NULL::numeric AS week_ago WHERE false');
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION scoreboard_rebuild() FROM PUBLIC;
CREATE TRIGGER scoreboard_source_rebuild AFTER INSERT OR UPDATE OR DELETE ON scoreboard_source
  FOR EACH STATEMENT EXECUTE FUNCTION scoreboard_rebuild();

-- The measures of the communities of the session's area (a street official: his street's communities).
CREATE VIEW scoreboard_community_measure WITH (security_barrier = true) AS
SELECT m.module, m.community_code, c.name, c.street_code, s.name AS street_name, m.measure, m.value, m.good,
       m.week_ago
FROM scoreboard_measure_all m JOIN community c ON c.code = m.community_code JOIN street s ON s.code = c.street_code
WHERE (SELECT session_may('scoreboard.read')) AND m.community_code LIKE (SELECT session_scope()) || '%';

-- The measures that count things (requests waiting, contacts overdue): a street's value is the sum of its
-- communities'. Every other measure (times, rates) is their mean. A module lists its counts here.
CREATE TABLE scoreboard_summed (
  module text NOT NULL REFERENCES scoreboard_source ON DELETE CASCADE,
  measure text NOT NULL,
  PRIMARY KEY (module, measure)
);

-- Every street (its communities' sum or mean, above), so a street official sees his street's place among the
-- streets: places and measures of work only, nothing about a person.
CREATE VIEW scoreboard_street_measure WITH (security_barrier = true) AS
SELECT m.module, s.code AS street_code, s.name, m.measure,
       CASE WHEN k.measure IS NULL THEN round(avg(m.value), 2) ELSE sum(m.value) END AS value, min(m.good) AS good,
       CASE WHEN k.measure IS NULL THEN round(avg(m.week_ago), 2) ELSE sum(m.week_ago) END AS week_ago,
       count(m.value)::int AS communities
FROM scoreboard_measure_all m JOIN community c ON c.code = m.community_code JOIN street s ON s.code = c.street_code
LEFT JOIN scoreboard_summed k ON k.module = m.module AND k.measure = m.measure
WHERE (SELECT session_may('scoreboard.read'))
GROUP BY m.module, s.code, s.name, m.measure, k.measure;

GRANT SELECT ON scoreboard_source, scoreboard_headline, scoreboard_community_measure, scoreboard_street_measure
  TO sansetu_app;

-- The modules on main today. ------------------------------------------------------------------------------

-- The three-colour map: streets, communities and enterprises it covers, as of the data's time.
CREATE VIEW headline_map WITH (security_invoker = true) AS
SELECT 'map'::text AS module, k.key, k.value, coalesce(data_time(), now()) AS as_of
FROM (SELECT (SELECT count(*) FROM street) AS streets, (SELECT count(*) FROM community) AS communities,
             (SELECT count(*) FROM enterprise) AS enterprises) c
CROSS JOIN LATERAL (VALUES ('streets', c.streets::numeric), ('communities', c.communities::numeric),
                           ('enterprises', c.enterprises::numeric)) k (key, value)
WHERE c.communities > 0;

-- Appeals: received, review rate (decided ÷ received, %), converted to a better colour.
CREATE VIEW headline_appeals WITH (security_invoker = true) AS
SELECT 'appeals'::text AS module, k.key, k.value, c.as_of
FROM (SELECT count(*) AS received, count(decided_at) AS decided, count(*) FILTER (WHERE status = 'converted')
               AS converted, greatest(max(received_at), max(decided_at)) AS as_of FROM appeal) c
CROSS JOIN LATERAL (VALUES ('received', c.received::numeric),
                           ('review_rate', round(100.0 * c.decided / c.received, 2)),
                           ('converted', c.converted::numeric)) k (key, value)
WHERE c.received > 0;

-- Proxy applications: people applied for, application rate (applied ÷ needing, %, as the proxy page counts).
CREATE VIEW headline_proxy WITH (security_invoker = true) AS
SELECT 'proxy'::text AS module, k.key, k.value, c.as_of
FROM (SELECT count(*) FILTER (WHERE outcome = 'applied') AS applied,
             count(*) FILTER (WHERE coalesce(outcome, '') NOT IN ('own_phone', 'moved_out', 'deceased')) AS needing,
             greatest(max(listed_at), max(last_contact_at)) AS as_of, count(*) AS listed FROM proxy_person) c
CROSS JOIN LATERAL (VALUES ('applied', c.applied::numeric),
                           ('rate', round(100.0 * c.applied / nullif(c.needing, 0), 2))) k (key, value)
WHERE c.listed > 0;

-- Key persons: records processed, by the kind of their batch.
CREATE VIEW headline_keypersons WITH (security_invoker = true) AS
WITH counted AS (SELECT b.kind, count(*) AS n, max(r.matched_at) AS at
                 FROM kp_record r JOIN kp_batch b ON b.id = r.batch_id GROUP BY b.kind)
SELECT 'keypersons'::text AS module, k.kind AS key, coalesce(c.n, 0)::numeric AS value,
       (SELECT max(at) FROM counted) AS as_of
FROM (VALUES ('key_area'), ('inbound'), ('port_check'), ('close_contact')) k (kind)
LEFT JOIN counted c ON c.kind = k.kind
WHERE EXISTS (SELECT 1 FROM counted);

-- Appeals' work per community: median hours to a decision (decided in the last 7 days; the 7 before), and the
-- backlog (received, not decided) now and a week ago.
CREATE VIEW work_measure_appeals AS
WITH per AS (
  SELECT c.code AS community_code,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.decided_at - a.submitted_at) / 3600)
           FILTER (WHERE a.decided_at > now() - interval '7 days') AS hours,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.decided_at - a.submitted_at) / 3600)
           FILTER (WHERE a.decided_at > now() - interval '14 days' AND a.decided_at <= now() - interval '7 days')
           AS hours_ago,
         count(a.id) FILTER (WHERE a.decided_at IS NULL) AS backlog,
         count(a.id) FILTER (WHERE a.submitted_at <= now() - interval '7 days'
                             AND (a.decided_at IS NULL OR a.decided_at > now() - interval '7 days')) AS backlog_ago
  FROM community c LEFT JOIN appeal a ON a.community_code = c.code
  WHERE EXISTS (SELECT 1 FROM appeal)
  GROUP BY c.code)
SELECT community_code, 'review_hours'::text AS measure, round(hours::numeric, 2) AS value, 'low'::text AS good,
       round(hours_ago::numeric, 2) AS week_ago FROM per
UNION ALL
SELECT community_code, 'backlog', backlog, 'low', backlog_ago FROM per;

-- Proxy coverage per community: applied ÷ needing (%), now and a week ago (applied by then, listed by then).
CREATE VIEW work_measure_proxy AS
SELECT community_code, 'coverage'::text AS measure,
       round(100.0 * count(*) FILTER (WHERE outcome = 'applied')
             / nullif(count(*) FILTER (WHERE coalesce(outcome, '') NOT IN ('own_phone', 'moved_out', 'deceased')), 0),
             2) AS value,
       'high'::text AS good,
       round(100.0 * count(*) FILTER (WHERE applied_at <= now() - interval '7 days')
             / nullif(count(*) FILTER (WHERE listed_at <= now() - interval '7 days'
                                       AND coalesce(outcome, '') NOT IN ('own_phone', 'moved_out', 'deceased')), 0),
             2) AS week_ago
FROM proxy_person GROUP BY community_code;

-- Key persons per community: median minutes from dispatch to first contact (tasks dispatched in the last 7
-- days; the 7 before), and first contacts overdue now and a week ago.
CREATE VIEW work_measure_keypersons AS
WITH per AS (
  SELECT community_code,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM contacted_at - dispatched_at) / 60)
           FILTER (WHERE dispatched_at > now() - interval '7 days') AS minutes,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM contacted_at - dispatched_at) / 60)
           FILTER (WHERE dispatched_at > now() - interval '14 days' AND dispatched_at <= now() - interval '7 days')
           AS minutes_ago,
         count(*) FILTER (WHERE contacted_at IS NULL AND contact_due < now()) AS overdue,
         count(*) FILTER (WHERE contact_due < now() - interval '7 days'
                          AND (contacted_at IS NULL OR contacted_at > now() - interval '7 days')) AS overdue_ago
  FROM kp_task GROUP BY community_code)
SELECT community_code, 'first_contact_minutes'::text AS measure, round(minutes::numeric, 1) AS value,
       'low'::text AS good, round(minutes_ago::numeric, 1) AS week_ago FROM per
UNION ALL
SELECT community_code, 'contact_overdue', overdue, 'low', overdue_ago FROM per;

GRANT SELECT ON headline_map, headline_appeals, headline_proxy, headline_keypersons TO sansetu_app;

INSERT INTO scoreboard_source (module, headline_view, measure_view, position) VALUES
  ('appeals', 'headline_appeals', 'work_measure_appeals', 10),
  ('proxy', 'headline_proxy', 'work_measure_proxy', 20),
  ('map', 'headline_map', NULL, 30),
  ('keypersons', 'headline_keypersons', 'work_measure_keypersons', 40);
INSERT INTO scoreboard_summed (module, measure) VALUES ('appeals', 'backlog'), ('keypersons', 'contact_overdue');

-- The leaders' daily briefs (每日简报): each PDF as made, kept so leaders can reopen it; read and written
-- within the session's area, in the maker's name, by scoreboard.read only.
CREATE TABLE scoreboard_brief (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  area char(12) NOT NULL CHECK (area ~ '^[0-9]{12}$'),
  day date NOT NULL,
  made_at timestamptz NOT NULL DEFAULT now(),
  made_by text NOT NULL,
  pdf bytea NOT NULL CHECK (substr(pdf, 1, 5) = '\x255044462d'::bytea),  -- %PDF-
  sha256 char(64) NOT NULL,
  CHECK (sha256 = encode(sha256(pdf), 'hex'))
);
CREATE INDEX scoreboard_brief_area_idx ON scoreboard_brief (area, made_at DESC);
CREATE TRIGGER scoreboard_brief_append_only BEFORE UPDATE OR DELETE ON scoreboard_brief
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
ALTER TABLE scoreboard_brief ENABLE ROW LEVEL SECURITY;
CREATE POLICY scoreboard_brief_read ON scoreboard_brief FOR SELECT TO sansetu_app
  USING ((SELECT session_may('scoreboard.read')) AND area LIKE (SELECT session_scope()) || '%');
CREATE POLICY scoreboard_brief_insert ON scoreboard_brief FOR INSERT TO sansetu_app
  WITH CHECK ((SELECT session_may('scoreboard.read')) AND area LIKE (SELECT session_scope()) || '%'
              AND made_by = (SELECT session_actor()));
GRANT SELECT ON scoreboard_brief TO sansetu_app;
GRANT INSERT (area, day, made_by, pdf, sha256) ON scoreboard_brief TO sansetu_app;
