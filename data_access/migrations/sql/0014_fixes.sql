-- One truth for who is managed, and over which days: the key-person module's measures (精密智控) and the flat
-- list's persons not under a measure there, each with its person's ID number. Owner-only (no grant): the map
-- reads it through keyperson_managed (no personal data, the session's area), an appeal's case page through
-- appeal_person (one person, for whoever may read the appeal). The LEFT JOIN to kp_person is removed by the
-- planner when the ID number is not asked for (the map's counts): kp_person.id is its key.
CREATE VIEW managed_period AS
SELECT k.id_number, t.community_code,
       CASE t.measure WHEN 'centralised' THEN 'centralised_isolation' WHEN 'home' THEN 'home_isolation'
         ELSE CASE b.kind WHEN 'close_contact' THEN 'close_contact' WHEN 'inbound' THEN 'inbound'
                          WHEN 'port_check' THEN 'inbound' WHEN 'key_area' THEN 'key_area_returnee' END
       END AS kind,
       t.measure_start AS start_date,
       CASE WHEN t.released_at IS NOT NULL
            THEN (t.released_at AT TIME ZONE 'Asia/Shanghai')::date - 1 END AS end_date,
       'keypersons'::text AS origin
FROM kp_task t JOIN kp_batch b ON b.id = t.batch_id LEFT JOIN kp_person k ON k.id = t.person_id
WHERE t.measure IS NOT NULL
UNION ALL
SELECT m.id_number, m.community_code, m.kind, m.start_date, m.end_date, 'list'::text
FROM managed_person m
WHERE NOT EXISTS (SELECT 1 FROM kp_person k JOIN kp_task t ON t.person_id = k.id
                  WHERE k.id_number = m.id_number AND t.measure IS NOT NULL
                    AND t.measure_start <= coalesce(m.end_date, 'infinity'::date)
                    AND (t.released_at IS NULL OR (t.released_at AT TIME ZONE 'Asia/Shanghai')::date > m.start_date));
REVOKE ALL ON managed_period FROM PUBLIC;

-- The map's managed persons: the same rows without the person, within the session's area for the service
-- roles (as before: runs as its owner, so every role that sees the map counts the same persons).
CREATE OR REPLACE VIEW keyperson_managed AS
SELECT p.community_code, p.kind, p.start_date, p.end_date, p.origin
FROM managed_period p
WHERE p.community_code LIKE (SELECT session_scope()) || '%' OR current_user NOT IN ('sansetu_app', 'sansetu_writer');

-- An appeal's person as the registers know them (0013_services_more), the managed periods now from
-- managed_period (the map's truth; the case page said 管控记录 无 beside the key-person section's 集中隔离),
-- each with where it comes from, and "current" on the Beijing day, not the database server's date.
CREATE OR REPLACE FUNCTION appeal_person(appeal_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  today date := (now() AT TIME ZONE 'Asia/Shanghai')::date;
BEGIN
  IF NOT coalesce(session_may('appeals.read'), false) THEN
    RETURN NULL;
  END IF;
  RETURN (SELECT jsonb_build_object(
    'name', p.name, 'residence_type', p.residence_type, 'home_code', p.community_code,
    'colour_now', h.colour, 'colour_since', h.changed_at,
    'history', coalesce((SELECT jsonb_agg(x ORDER BY x.changed_at DESC, x.id DESC) FROM (
        SELECT y.id, y.changed_at, y.previous_colour, y.colour, y.source FROM health_code_history y
        WHERE y.id_number = a.id_number ORDER BY y.changed_at DESC, y.id DESC LIMIT 20) x), '[]'),
    'managed', coalesce((SELECT jsonb_agg(jsonb_build_object('kind', m.kind, 'start_date', m.start_date,
        'end_date', m.end_date, 'origin', m.origin,
        'current', m.start_date <= today AND (m.end_date IS NULL OR m.end_date >= today))
        ORDER BY m.start_date DESC, m.origin) FROM managed_period m WHERE m.id_number = a.id_number), '[]'),
    'employers', coalesce((SELECT jsonb_agg(jsonb_build_object('credit_code', e.credit_code, 'name', e.name,
        'status', es.status) ORDER BY e.name) FROM employment em JOIN enterprise e ON e.credit_code = em.credit_code
        LEFT JOIN enterprise_stats es ON es.credit_code = e.credit_code WHERE em.id_number = a.id_number), '[]'))
  FROM appeal a JOIN person p ON p.id_number = a.id_number LEFT JOIN health_code h ON h.id_number = a.id_number
  WHERE a.id = appeal_person.appeal_id AND a.community_code LIKE session_scope() || '%');
END $$;
