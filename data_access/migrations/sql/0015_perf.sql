-- The drill step's fixed cost (#12): who is managed today, read by index. Every drill step counts the managed persons of the day twice (the
--    communities shown and the area's totals). managed_period's end day was an expression of released_at, so
--    "still managed today" filtered every measure the module ever took (68,638 at scale 1): 180-250 ms a
--    count on a busy machine. The end day is now a stored column with a partial index, and a list person's
--    check against the module's measures is a lookup per person (LATERAL ... LIMIT 1) instead of a hash of
--    every measure: 23 ms. Same rows, same meaning as 0014_fixes.sql. (The drill step's growth with the city
--    is the other half of #12's fix: data_access/areas.in_scope reads an area by a range of codes.)
ALTER TABLE kp_task ADD COLUMN measure_end date GENERATED ALWAYS AS (
  CASE WHEN released_at IS NOT NULL THEN (released_at AT TIME ZONE 'Asia/Shanghai')::date - 1 END) STORED;
COMMENT ON COLUMN kp_task.measure_end IS
  'The last Beijing day under the measure (the day before its release); NULL while it is not released.';
CREATE INDEX kp_task_measure_end_idx ON kp_task (measure_end) WHERE measure IS NOT NULL;

CREATE OR REPLACE VIEW managed_period AS
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
