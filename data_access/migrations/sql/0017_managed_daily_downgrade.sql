-- Undo 0017_managed_daily: the map counts its managed persons live again. managed_period loses the list_id column
-- 0017 added (a view drops a column only by being made again, and with it the two views that read it).
DROP TRIGGER managed_person_daily_insert ON managed_person;
DROP TRIGGER managed_person_daily_update ON managed_person;
DROP TRIGGER managed_person_daily_delete ON managed_person;
DROP TRIGGER managed_person_daily_truncate ON managed_person;
DROP TRIGGER kp_task_daily_insert ON kp_task;
DROP TRIGGER kp_task_daily_update ON kp_task;
DROP TRIGGER kp_task_daily_delete ON kp_task;
DROP TRIGGER kp_task_daily_truncate ON kp_task;
DROP TRIGGER kp_person_daily_update ON kp_person;
DROP TRIGGER kp_batch_daily_update ON kp_batch;
DROP FUNCTION managed_daily_touch(), managed_daily_extend(boolean), managed_daily_refresh(char(12)[]),
  managed_daily_add(bigint[]);

DROP VIEW managed_period CASCADE;  -- and keyperson_managed, map_managed_counts
-- as 0015_perf.sql made it
CREATE VIEW managed_period AS
SELECT k.id_number, t.community_code,
       CASE t.measure WHEN 'centralised' THEN 'centralised_isolation' WHEN 'home' THEN 'home_isolation'
         ELSE CASE b.kind WHEN 'close_contact' THEN 'close_contact' WHEN 'inbound' THEN 'inbound'
                          WHEN 'port_check' THEN 'inbound' WHEN 'key_area' THEN 'key_area_returnee' END
       END AS kind,
       t.measure_start AS start_date,
       t.measure_end AS end_date,
       'keypersons'::text AS origin
FROM kp_task t JOIN kp_batch b ON b.id = t.batch_id LEFT JOIN kp_person k ON k.id = t.person_id
WHERE t.measure IS NOT NULL
UNION ALL
SELECT m.id_number, m.community_code, m.kind, m.start_date, m.end_date, 'list'::text
FROM managed_person m
LEFT JOIN LATERAL (SELECT true AS found FROM kp_person k JOIN kp_task t ON t.person_id = k.id
                   WHERE k.id_number = m.id_number AND t.measure IS NOT NULL
                     AND t.measure_start <= coalesce(m.end_date, 'infinity'::date)
                     AND (t.measure_end IS NULL OR t.measure_end >= m.start_date)
                   LIMIT 1) measured ON true
WHERE measured.found IS NULL;
REVOKE ALL ON managed_period FROM PUBLIC;
-- as 0014_fixes.sql made it
CREATE VIEW keyperson_managed AS
SELECT p.community_code, p.kind, p.start_date, p.end_date, p.origin
FROM managed_period p
WHERE p.community_code LIKE (SELECT session_scope()) || '%' OR current_user NOT IN ('sansetu_app', 'sansetu_writer');
GRANT SELECT ON keyperson_managed TO sansetu_app, sansetu_writer;
