-- Back to 0013: the scoped measure views without day_ago, no snapshot, no scheduled briefs, no measures of
-- the policies' two platforms.
DROP INDEX scoreboard_brief_scheduled_idx;
ALTER TABLE scoreboard_brief DROP COLUMN scheduled;
DROP VIEW scoreboard_street_measure, scoreboard_community_measure;
CREATE VIEW scoreboard_community_measure WITH (security_barrier = true) AS
SELECT m.module, m.community_code, c.name, c.street_code, s.name AS street_name, m.measure, m.value, m.good,
       m.week_ago
FROM scoreboard_measure_all m JOIN community c ON c.code = m.community_code JOIN street s ON s.code = c.street_code
WHERE (SELECT session_may('scoreboard.read')) AND m.community_code LIKE (SELECT session_scope()) || '%';
CREATE VIEW scoreboard_street_measure WITH (security_barrier = true) AS
SELECT m.module, s.code AS street_code, s.name, m.measure,
       CASE WHEN k.measure IS NULL THEN round(avg(m.value), 2) ELSE sum(m.value) END AS value, min(m.good) AS good,
       CASE WHEN k.measure IS NULL THEN round(avg(m.week_ago), 2) ELSE sum(m.week_ago) END AS week_ago,
       count(m.value)::int AS communities
FROM scoreboard_measure_all m JOIN community c ON c.code = m.community_code JOIN street s ON s.code = c.street_code
LEFT JOIN scoreboard_summed k ON k.module = m.module AND k.measure = m.measure
WHERE (SELECT session_may('scoreboard.read'))
GROUP BY m.module, s.code, s.name, m.measure, k.measure;
GRANT SELECT ON scoreboard_community_measure, scoreboard_street_measure TO sansetu_app;
DROP FUNCTION scoreboard_take_day(), scoreboard_measures();
DROP TABLE scoreboard_day_headline, scoreboard_day_measure;
DELETE FROM scoreboard_summed WHERE module IN ('policies', 'livelihood');
UPDATE scoreboard_source SET measure_view = NULL WHERE module IN ('policies', 'livelihood');
DROP VIEW work_measure_policies, work_measure_livelihood;
DROP FUNCTION session_role(), scoreboard_today();
