-- Proxy applications (帮办代办): the people who need someone to apply for their health code (the city's
-- list and the register's age rule, reconciled), the agents (代办员) who phone or visit them, every contact,
-- and the citizen-card (市民卡) binding. PostgreSQL checks the area, the role and the name of every write.

-- A new role: the agent, scoped to one community.
ALTER TABLE app_user DROP CONSTRAINT app_user_role_check;
ALTER TABLE app_user ADD CONSTRAINT app_user_role_check CHECK (role IN
  ('leader', 'official', 'community_worker', 'data_operator', 'auditor', 'administrator', 'proxy_agent'));
ALTER TABLE app_user ADD CONSTRAINT app_user_agent_in_community
  CHECK (role <> 'proxy_agent' OR org_code !~ '000$');

-- One row per person on the list. on_city_list: the city sent them; on_register: residents aged 70 or
-- more, or under 14, by the birth date in their ID number, when the list was reconciled. The outcome is the
-- latest contact's (kept by the contact trigger); the card number is shown only to the person's agent.
CREATE TABLE proxy_person (
  id_number char(18) PRIMARY KEY REFERENCES person ON DELETE CASCADE,
  id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,  -- what pages hold, never the ID number
  community_code char(12) NOT NULL REFERENCES community,
  on_city_list boolean NOT NULL DEFAULT false,
  on_register boolean NOT NULL DEFAULT false,
  listed_at timestamptz NOT NULL DEFAULT now(),
  agent text REFERENCES app_user (username),
  assigned_at timestamptz,
  assigned_by text,
  outcome text CHECK (outcome IN ('applied', 'own_phone', 'moved_out', 'deceased', 'refused', 'not_reached')),
  last_contact_at timestamptz,
  applied_at timestamptz,
  card_number text CHECK (card_number ~ '^[0-9]{8,20}$'),
  card_bound_at timestamptz,
  CHECK (on_city_list OR on_register),
  CHECK ((outcome = 'applied') = (applied_at IS NOT NULL)),
  CHECK ((card_number IS NULL) = (card_bound_at IS NULL))
);
CREATE INDEX proxy_person_community_idx ON proxy_person (community_code, outcome);
CREATE INDEX proxy_person_agent_idx ON proxy_person (agent);

CREATE TABLE proxy_contact (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id_number char(18) NOT NULL REFERENCES proxy_person ON DELETE CASCADE,
  community_code char(12) NOT NULL,  -- the person's, set by the trigger (the policies check it)
  agent text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('phone', 'visit')),
  contacted_at timestamptz NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('applied', 'own_phone', 'moved_out', 'deceased', 'refused',
                                           'not_reached')),
  note text CHECK (length(note) <= 200),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK (contacted_at <= recorded_at + interval '10 minutes')
);
CREATE INDEX proxy_contact_person_idx ON proxy_contact (id_number, contacted_at);
CREATE INDEX proxy_contact_community_idx ON proxy_contact (community_code, contacted_at);
CREATE TRIGGER proxy_contact_append_only BEFORE UPDATE OR DELETE ON proxy_contact
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- A contact belongs to the person's community (the policy checks it and the agent); the person follows it.
CREATE FUNCTION proxy_contact_check() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
DECLARE p proxy_person;
BEGIN
  SELECT * INTO p FROM proxy_person WHERE id_number = NEW.id_number FOR UPDATE;
  NEW.community_code := p.community_code;
  RETURN NEW;
END $$;
CREATE TRIGGER proxy_contact_check BEFORE INSERT ON proxy_contact
  FOR EACH ROW EXECUTE FUNCTION proxy_contact_check();

CREATE FUNCTION proxy_contact_apply() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
  UPDATE proxy_person SET outcome = NEW.outcome, last_contact_at = NEW.contacted_at,
    applied_at = CASE WHEN NEW.outcome = 'applied' THEN coalesce(applied_at, NEW.contacted_at) END
  WHERE id_number = NEW.id_number AND (last_contact_at IS NULL OR last_contact_at <= NEW.contacted_at);
  RETURN NULL;
END $$;
CREATE TRIGGER proxy_contact_apply AFTER INSERT ON proxy_contact
  FOR EACH ROW EXECUTE FUNCTION proxy_contact_apply();

-- Who changes what of a listed person: the community (proxy.assign) the agent, to an agent of the person's
-- community; the agent (proxy.work) the card binding of their own people. Column grants cannot tell the
-- two apart, so the trigger does.
CREATE FUNCTION proxy_person_update_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_user NOT IN ('sansetu_app', 'sansetu_writer') THEN
    RETURN NEW;
  END IF;
  IF NEW.agent IS DISTINCT FROM OLD.agent THEN
    IF NOT coalesce((SELECT session_may('proxy.assign')), false) THEN
      RAISE EXCEPTION 'only the community assigns an agent' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.agent IS NOT NULL AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.username = NEW.agent
         AND u.role = 'proxy_agent' AND u.active AND u.org_code = NEW.community_code) THEN
      RAISE EXCEPTION 'an agent of the person''s community' USING ERRCODE = 'check_violation';
    END IF;
    NEW.assigned_at := now();
    NEW.assigned_by := (SELECT session_actor());
  END IF;
  IF (NEW.card_number, NEW.card_bound_at) IS DISTINCT FROM (OLD.card_number, OLD.card_bound_at)
     AND NOT (coalesce((SELECT session_may('proxy.work')), false) AND OLD.agent = (SELECT session_actor())) THEN
    RAISE EXCEPTION 'only the person''s agent binds the card' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER proxy_person_update_check BEFORE UPDATE ON proxy_person
  FOR EACH ROW EXECUTE FUNCTION proxy_person_update_check();

-- The register's side of the list, for an area: residents aged 70 or more, or under 14, today.
CREATE FUNCTION proxy_register_candidates(prefix text) RETURNS TABLE (id_number char(18), community_code char(12))
LANGUAGE sql STABLE AS $$
  SELECT p.id_number, p.community_code FROM person p
  WHERE p.community_code LIKE prefix || '%'
    AND (substr(p.id_number, 7, 8)::date <= (current_date - interval '70 years')::date
         OR substr(p.id_number, 7, 8)::date > (current_date - interval '14 years')::date)
$$;

-- Row-level security.
ALTER TABLE proxy_person ENABLE ROW LEVEL SECURITY;
ALTER TABLE proxy_contact ENABLE ROW LEVEL SECURITY;
CREATE POLICY proxy_person_read ON proxy_person FOR SELECT TO sansetu_app
  USING ((SELECT session_may('proxy.read')) AND community_code LIKE (SELECT session_scope()) || '%');
CREATE POLICY proxy_person_change ON proxy_person FOR UPDATE TO sansetu_app
  USING (((SELECT session_may('proxy.assign')) OR (SELECT session_may('proxy.work')))
         AND community_code LIKE (SELECT session_scope()) || '%')
  WITH CHECK (community_code LIKE (SELECT session_scope()) || '%');
-- The city list arrives by the import path (the writer role), rows of the sender's area only.
CREATE POLICY proxy_person_writer_read ON proxy_person FOR SELECT TO sansetu_writer USING (true);
CREATE POLICY proxy_person_writer_insert ON proxy_person FOR INSERT TO sansetu_writer
  WITH CHECK (community_code LIKE (SELECT session_scope()) || '%');
CREATE POLICY proxy_person_writer_update ON proxy_person FOR UPDATE TO sansetu_writer
  USING (community_code LIKE (SELECT session_scope()) || '%')
  WITH CHECK (community_code LIKE (SELECT session_scope()) || '%');
CREATE POLICY proxy_contact_read ON proxy_contact FOR SELECT TO sansetu_app
  USING ((SELECT session_may('proxy.read')) AND community_code LIKE (SELECT session_scope()) || '%');
-- A contact: by an agent, in their own name, in their own community (the trigger sets the community from
-- the person, so a person of another community is refused here).
CREATE POLICY proxy_contact_insert ON proxy_contact FOR INSERT TO sansetu_app
  WITH CHECK ((SELECT session_may('proxy.work')) AND agent = (SELECT session_actor())
              AND community_code LIKE (SELECT session_scope()) || '%'
              AND EXISTS (SELECT 1 FROM proxy_person p WHERE p.id_number = proxy_contact.id_number
                          AND p.agent = (SELECT session_actor())));

GRANT SELECT ON proxy_person, proxy_contact TO sansetu_app;
GRANT UPDATE (agent, card_number, card_bound_at) ON proxy_person TO sansetu_app;
GRANT INSERT (id_number, agent, channel, contacted_at, outcome, note) ON proxy_contact TO sansetu_app;
GRANT SELECT, INSERT ON proxy_person TO sansetu_writer;
GRANT UPDATE (on_city_list, on_register, community_code) ON proxy_person TO sansetu_writer;

REVOKE EXECUTE ON FUNCTION proxy_contact_check(), proxy_contact_apply(), proxy_person_update_check(),
  proxy_register_candidates(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION proxy_register_candidates(text) TO sansetu_writer;

-- Audit actions and the import kind.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN ('login', 'login_failed',
  'logout', 'export', 'reveal', 'user_created', 'user_disabled', 'user_enabled', 'password_reset', 'refused',
  'import', 'live_batch', 'token_created', 'token_revoked', 'appeal_step', 'appeal_proposed', 'appeal_reviewed',
  'appeal_converted', 'appeal_rejected', 'appeal_reassigned', 'appeal_configured', 'proxy_assigned',
  'proxy_contact', 'proxy_card_bound', 'proxy_list_printed'));
INSERT INTO import_kind (name) VALUES ('proxy_list');
