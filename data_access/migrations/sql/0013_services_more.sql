-- What the registers know of the person of an appeal, for its case page and queue: name, residence, the
-- colour now, the colour history, managed-person records, employers and their status, as one jsonb (one round
-- trip for the case page). It runs as its owner: the registers' policies show a reader only the persons of
-- their area, but an appeal the district moved to another community (or one routed to a workplace) names a
-- person who lives elsewhere, and the worker who now holds it must see whom they are judging, and whether the
-- person is under isolation. It answers only for an appeal the session may read (the appeal_read policy's own
-- terms), and only about that appeal's person.
-- PL/pgSQL (both functions): its statements' plans are kept by the pooled connection, where a SQL function
-- that cannot be inlined (SECURITY DEFINER) is planned again at every call (1-1.5 ms of 1.5 at full scale).
CREATE FUNCTION appeal_person(appeal_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
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
        'end_date', m.end_date, 'current', m.start_date <= current_date
                                           AND (m.end_date IS NULL OR m.end_date >= current_date))
        ORDER BY m.start_date DESC) FROM managed_person m WHERE m.id_number = a.id_number), '[]'),
    'employers', coalesce((SELECT jsonb_agg(jsonb_build_object('credit_code', e.credit_code, 'name', e.name,
        'status', es.status) ORDER BY e.name) FROM employment em JOIN enterprise e ON e.credit_code = em.credit_code
        LEFT JOIN enterprise_stats es ON es.credit_code = e.credit_code WHERE em.id_number = a.id_number), '[]'))
  FROM appeal a JOIN person p ON p.id_number = a.id_number LEFT JOIN health_code h ON h.id_number = a.id_number
  WHERE a.id = appeal_person.appeal_id AND a.community_code LIKE session_scope() || '%');
END $$;
REVOKE EXECUTE ON FUNCTION appeal_person(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION appeal_person(bigint) TO sansetu_app;

-- What the key-person data (精密智控, migration 0008_keypersons) says about the person of an appeal, for the
-- appeal's case page (健康码服务): each batch that names the person, its kind, the community's task on it
-- (first contact, measure, release) and whether the person is a case or linked to one.
--
-- It runs as its owner, like data_time(): the key-person tables show a community worker only the tasks of
-- their own community, but the person of an appeal in their queue may have been placed elsewhere (an
-- address, a hotel), and whoever judges the appeal must know it ("those who should be red are not green").
-- It answers only for an appeal the session may read (appeals.read, the appeal's community in the session's
-- area: the appeal_read policy's own terms) and only about that appeal's person.
CREATE FUNCTION keyperson_of_appeal(appeal_id bigint)
RETURNS TABLE (batch_id bigint, batch_kind text, received_at timestamptz, matched_by text,
               community_code char(12), community text, dispatched_at timestamptz, contacted_at timestamptz,
               measure text, measure_start date, measure_days integer, released_at timestamptz,
               is_case boolean, linked_to_case boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
#variable_conflict use_column
BEGIN
  IF NOT coalesce(session_may('appeals.read'), false) THEN
    RETURN;
  END IF;
  RETURN QUERY SELECT b.id, b.kind, b.received_at, r.matched_by, coalesce(t.community_code, r.community_code), c.name,
         t.dispatched_at, t.contacted_at, t.measure, t.measure_start, t.measure_days, t.released_at, k.is_case,
         EXISTS (SELECT 1 FROM kp_link l WHERE l.contact_id = k.id AND l.batch_id = b.id)
  FROM appeal a
  JOIN kp_person k ON k.id_number = a.id_number
  JOIN kp_record r ON r.person_id = k.id
  JOIN kp_batch b ON b.id = r.batch_id
  LEFT JOIN kp_task t ON t.record_id = r.id
  LEFT JOIN community c ON c.code = coalesce(t.community_code, r.community_code)
  WHERE a.id = keyperson_of_appeal.appeal_id AND a.community_code LIKE session_scope() || '%'
  ORDER BY b.received_at DESC, r.id DESC;
END $$;
REVOKE EXECUTE ON FUNCTION keyperson_of_appeal(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION keyperson_of_appeal(bigint) TO sansetu_app;

-- The name the request was made under, kept on the request when it arrives (file, counter, API, demo): the
-- queue lists it without looking up each person through the register's policies (326 lookups, most of the
-- district queue's database time at full scale), and names a person who lives outside the reader's area.
ALTER TABLE appeal ADD COLUMN name text;
UPDATE appeal a SET name = p.name FROM person p WHERE p.id_number = a.id_number;
CREATE FUNCTION appeal_name() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  SELECT p.name INTO NEW.name FROM person p WHERE p.id_number = NEW.id_number;
  RETURN NEW;
END $$;
CREATE TRIGGER appeal_name BEFORE INSERT ON appeal FOR EACH ROW EXECUTE FUNCTION appeal_name();
REVOKE EXECUTE ON FUNCTION appeal_name() FROM PUBLIC;

-- A task by its record, and a person's managed records (the functions above: both were scans).
CREATE INDEX managed_person_person_idx ON managed_person (id_number);
