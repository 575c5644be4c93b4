-- Key persons (精密智控), the rest of #15: batches from upstream systems over the API (an integration's
-- token, written as the writer role like a file), and the three-colour map's managed persons read from this
-- module's measures (with today's flat list kept).

-- An upstream system (an integration token: session_actor() is 'api:<name>', which no user name can be)
-- loads a batch as the operator's file does: the writer's policies take either.
CREATE FUNCTION kp_may_receive() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT session_may('keypersons.receive')), false)
      OR coalesce((SELECT session_actor()) LIKE 'api:%', false)
$$;
REVOKE EXECUTE ON FUNCTION kp_may_receive() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kp_may_receive() TO sansetu_app, sansetu_writer;

DROP POLICY kp_batch_insert ON kp_batch;
CREATE POLICY kp_batch_insert ON kp_batch FOR INSERT TO sansetu_writer
  WITH CHECK ((SELECT kp_may_receive()) AND received_by = (SELECT session_actor()));
DROP POLICY kp_batch_count ON kp_batch;
CREATE POLICY kp_batch_count ON kp_batch FOR UPDATE TO sansetu_writer
  USING ((SELECT kp_may_receive()) AND received_by = (SELECT session_actor()))
  WITH CHECK (received_by = (SELECT session_actor()));
DROP POLICY kp_person_insert ON kp_person;
CREATE POLICY kp_person_insert ON kp_person FOR INSERT TO sansetu_writer WITH CHECK ((SELECT kp_may_receive()));
DROP POLICY kp_person_update ON kp_person;
CREATE POLICY kp_person_update ON kp_person FOR UPDATE TO sansetu_writer
  USING ((SELECT kp_may_receive())) WITH CHECK (true);
DROP POLICY kp_record_insert ON kp_record;
CREATE POLICY kp_record_insert ON kp_record FOR INSERT TO sansetu_writer
  WITH CHECK ((SELECT kp_may_receive())
              AND (community_code IS NULL OR community_code LIKE (SELECT session_scope()) || '%'));
DROP POLICY kp_link_insert ON kp_link;
CREATE POLICY kp_link_insert ON kp_link FOR INSERT TO sansetu_writer WITH CHECK ((SELECT kp_may_receive()));
DROP POLICY kp_task_insert ON kp_task;
CREATE POLICY kp_task_insert ON kp_task FOR INSERT TO sansetu_writer
  WITH CHECK (((SELECT kp_may_receive()) OR (SELECT session_may('keypersons.place')))
              AND community_code LIKE (SELECT session_scope()) || '%');
DROP POLICY kp_task_colour ON kp_task;
CREATE POLICY kp_task_colour ON kp_task FOR UPDATE TO sansetu_writer
  USING (((SELECT kp_may_receive()) OR (SELECT session_may('keypersons.place')))
         AND community_code LIKE (SELECT session_scope()) || '%')
  WITH CHECK (community_code LIKE (SELECT session_scope()) || '%');

-- The managed persons of the three-colour map, one row per person and period, no personal data: the persons
-- under one of this module's measures (centralised quarantine, shown as orange; home isolation; health
-- monitoring, as the batch's kind), and the flat list's persons not under a measure here (today's managed
-- persons kept). Runs as its owner, so every role that sees the map counts the same persons; for the service
-- roles (the only ones granted it) the session's area is applied here, as the policies would (no session:
-- nothing); the owner, as with the tables, sees every row.
CREATE VIEW keyperson_managed AS
SELECT t.community_code,
       CASE t.measure WHEN 'centralised' THEN 'centralised_isolation' WHEN 'home' THEN 'home_isolation'
         ELSE CASE b.kind WHEN 'close_contact' THEN 'close_contact' WHEN 'inbound' THEN 'inbound'
                          WHEN 'port_check' THEN 'inbound' WHEN 'key_area' THEN 'key_area_returnee' END
       END AS kind,
       t.measure_start AS start_date,
       CASE WHEN t.released_at IS NOT NULL
            THEN (t.released_at AT TIME ZONE 'Asia/Shanghai')::date - 1 END AS end_date,
       'keypersons'::text AS origin
FROM kp_task t JOIN kp_batch b ON b.id = t.batch_id
WHERE t.measure IS NOT NULL
  AND (t.community_code LIKE (SELECT session_scope()) || '%' OR current_user NOT IN ('sansetu_app', 'sansetu_writer'))
UNION ALL
SELECT m.community_code, m.kind, m.start_date, m.end_date, 'list'::text
FROM managed_person m
WHERE (m.community_code LIKE (SELECT session_scope()) || '%' OR current_user NOT IN ('sansetu_app', 'sansetu_writer'))
  AND NOT EXISTS (SELECT 1 FROM kp_person k JOIN kp_task t ON t.person_id = k.id
                  WHERE k.id_number = m.id_number AND t.measure IS NOT NULL
                    AND t.measure_start <= coalesce(m.end_date, 'infinity'::date)
                    AND (t.released_at IS NULL OR (t.released_at AT TIME ZONE 'Asia/Shanghai')::date > m.start_date));
GRANT SELECT ON keyperson_managed TO sansetu_app, sansetu_writer;
CREATE INDEX kp_task_measure_idx ON kp_task (person_id) WHERE measure IS NOT NULL;
-- A record's task: the batches' oversight joins them (without it, a nested loop over every pair: 5.8 s for
-- 3,900 records at demo scale 0.02).
CREATE INDEX kp_task_record_idx ON kp_task (record_id);
