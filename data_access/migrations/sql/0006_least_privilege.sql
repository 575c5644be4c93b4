-- Least privilege. Three login roles, each with only what its job needs, none the owner:
--   sansetu_auth    the login page: reads password hashes, opens and ends sessions, counts failed logins;
--   sansetu_app     everything else the web application does, under row-level security;
--   sansetu_writer  imports and live colour batches, every row checked against the area of whoever sent them.
-- The area a transaction may see or write is no longer something the session says about itself: it comes
-- from the session table (a user's login) or the integration table (a system's token), which only the owner
-- and the login role can write. The application passes the session's secret token in sansetu.session; the
-- policies hash it and look the area up, once per statement (an InitPlan: `(SELECT session_scope())`).

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sansetu_auth') THEN
    CREATE ROLE sansetu_auth LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sansetu_writer') THEN
    CREATE ROLE sansetu_writer LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END $$;
GRANT USAGE ON SCHEMA public TO sansetu_auth, sansetu_writer;

-- What each role may do, by action: the same table as domain.permissions.PERMISSIONS, written there by
-- set-up after every migration, so PostgreSQL enforces what the application's gate enforces.
CREATE TABLE permission (
  action text NOT NULL,
  role text NOT NULL,
  PRIMARY KEY (action, role)
);

-- One row per login. The browser holds the token (in the signed session cookie); only its SHA-256 is
-- kept. Logout ends it; disabling a user, a new password, a new role or unit end all of that user's.
CREATE TABLE app_session (
  token_sha256 char(64) PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  user_id bigint NOT NULL REFERENCES app_user (id),
  username text NOT NULL,
  role text NOT NULL,
  scope text NOT NULL CHECK (scope ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'),
  started_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ended_at timestamptz,
  address text
);
CREATE INDEX app_session_user_idx ON app_session (user_id) WHERE ended_at IS NULL;

CREATE FUNCTION session_token_sha256() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(nullif(current_setting('sansetu.session', true), ''), 'UTF8')), 'hex')
$$;

-- The session this transaction was entered with, if it is live (not ended, not expired).
CREATE FUNCTION live_session() RETURNS SETOF app_session LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public AS $$
  SELECT * FROM app_session
  WHERE token_sha256 = session_token_sha256() AND ended_at IS NULL AND expires_at > now()
$$;

-- The active integration whose token this transaction was entered with (a system, district-wide).
CREATE FUNCTION live_integration() RETURNS SETOF integration LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public AS $$
  SELECT * FROM integration WHERE token_sha256 = session_token_sha256() AND active
$$;

-- The session's area (leading digits of its community codes), name and rights: a live user session, or
-- an active integration. NULL (false) for anything else, so no row is visible or writable.
CREATE OR REPLACE FUNCTION session_scope() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public AS $$
  SELECT scope FROM live_session()
  UNION ALL
  SELECT left(d.code, 6) FROM live_integration() CROSS JOIN district d
  LIMIT 1
$$;

CREATE OR REPLACE FUNCTION session_actor() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public AS $$
  SELECT username FROM live_session() UNION ALL SELECT 'api:' || name FROM live_integration() LIMIT 1
$$;

-- Whether the session's role may take an action (the permission table above).
CREATE FUNCTION session_may(wanted text) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM live_session() s JOIN permission p ON p.role = s.role AND p.action = wanted)
$$;

CREATE OR REPLACE FUNCTION in_scope(code text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT code LIKE session_scope() || '%'
$$;

CREATE OR REPLACE FUNCTION scope_covers_district() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM district d WHERE d.code LIKE (SELECT session_scope()) || '%')
$$;

-- A change to a user that takes away what their sessions were opened with ends them, for good.
CREATE FUNCTION end_user_sessions() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
  UPDATE app_session SET ended_at = now() WHERE user_id = NEW.id AND ended_at IS NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER app_user_sessions_end AFTER UPDATE ON app_user FOR EACH ROW
  WHEN (OLD.active IS DISTINCT FROM NEW.active OR OLD.password_hash IS DISTINCT FROM NEW.password_hash
        OR OLD.role IS DISTINCT FROM NEW.role OR OLD.org_code IS DISTINCT FROM NEW.org_code)
  EXECUTE FUNCTION end_user_sessions();

-- The registers' read policies, once per statement.
DROP POLICY community_scope ON community;
CREATE POLICY community_scope ON community FOR SELECT USING (code LIKE (SELECT session_scope()) || '%');
DROP POLICY street_scope ON street;
CREATE POLICY street_scope ON street FOR SELECT USING (code LIKE (SELECT session_scope()) || '%'
  OR (SELECT session_scope()) LIKE left(code, 9) || '%');
DROP POLICY person_scope ON person;
CREATE POLICY person_scope ON person FOR SELECT USING (
  community_code LIKE (SELECT session_scope()) || '%' OR EXISTS (
    SELECT 1 FROM employment em JOIN enterprise e ON e.credit_code = em.credit_code
    WHERE em.id_number = person.id_number));
DROP POLICY enterprise_scope ON enterprise;
CREATE POLICY enterprise_scope ON enterprise FOR SELECT USING (community_code LIKE (SELECT session_scope()) || '%');
DROP POLICY managed_person_scope ON managed_person;
CREATE POLICY managed_person_scope ON managed_person FOR SELECT
  USING (community_code LIKE (SELECT session_scope()) || '%');
DROP POLICY community_stats_scope ON community_stats;
CREATE POLICY community_stats_scope ON community_stats FOR SELECT
  USING (community_code LIKE (SELECT session_scope()) || '%');
DROP POLICY enterprise_stats_scope ON enterprise_stats;
CREATE POLICY enterprise_stats_scope ON enterprise_stats FOR SELECT
  USING (community_code LIKE (SELECT session_scope()) || '%');

-- Users: the application reads them without their password hashes; only an administrator's session writes
-- them, within its area, and never a user's role or unit once created (grants below).
DROP POLICY app_user_read ON app_user;
DROP POLICY app_user_insert ON app_user;
DROP POLICY app_user_update ON app_user;
CREATE POLICY app_user_read ON app_user FOR SELECT USING (true);
CREATE POLICY app_user_insert ON app_user FOR INSERT TO sansetu_app
  WITH CHECK ((SELECT session_may('users.manage')) AND org_code LIKE (SELECT session_scope()) || '%');
CREATE POLICY app_user_update ON app_user FOR UPDATE TO sansetu_app
  USING ((SELECT session_may('users.manage')) AND org_code LIKE (SELECT session_scope()) || '%')
  WITH CHECK (org_code LIKE (SELECT session_scope()) || '%');

-- Integration tokens: an administrator's district-wide session only.
DROP POLICY integration_read ON integration;
DROP POLICY integration_insert ON integration;
DROP POLICY integration_update ON integration;
CREATE POLICY integration_read ON integration FOR SELECT TO sansetu_app
  USING ((SELECT session_may('tokens.manage')) AND (SELECT scope_covers_district()));
CREATE POLICY integration_insert ON integration FOR INSERT TO sansetu_app
  WITH CHECK ((SELECT session_may('tokens.manage')) AND (SELECT scope_covers_district()));
CREATE POLICY integration_update ON integration FOR UPDATE TO sansetu_app
  USING ((SELECT session_may('tokens.manage')) AND (SELECT scope_covers_district()))
  WITH CHECK ((SELECT scope_covers_district()));

-- The audit log: read by whoever may read it (the login role: failed logins, for the throttle); written by
-- a session in its own name, and by the login role for logins (nobody is logged in yet).
DROP POLICY audit_log_read ON audit_log;
DROP POLICY audit_log_insert ON audit_log;
CREATE POLICY audit_log_read ON audit_log FOR SELECT TO sansetu_app USING ((SELECT session_may('audit.read')));
CREATE POLICY audit_log_insert ON audit_log FOR INSERT TO sansetu_app, sansetu_writer
  WITH CHECK (username = (SELECT session_actor()));
CREATE POLICY audit_log_login_read ON audit_log FOR SELECT TO sansetu_auth USING (action = 'login_failed');
CREATE POLICY audit_log_login_insert ON audit_log FOR INSERT TO sansetu_auth
  WITH CHECK (action IN ('login', 'login_failed', 'logout', 'refused'));

-- Sessions: the login role's alone.
ALTER TABLE app_session ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_session_login ON app_session TO sansetu_auth USING (true) WITH CHECK (true);
ALTER TABLE permission ENABLE ROW LEVEL SECURITY;

-- Import history: read within the session's area; written by the writer in the sender's name and area.
ALTER TABLE import_run ENABLE ROW LEVEL SECURITY;
CREATE POLICY import_run_read ON import_run FOR SELECT TO sansetu_app, sansetu_writer
  USING (org_code LIKE (SELECT session_scope()) || '%');
CREATE POLICY import_run_insert ON import_run FOR INSERT TO sansetu_writer
  WITH CHECK (username = (SELECT session_actor()) AND org_code LIKE (SELECT session_scope()) || '%');

-- The writer reads every register (an import checks its rows against the whole district: unknown,
-- ambiguous, someone else's) and writes only rows of the sender's area.
CREATE POLICY community_writer_read ON community FOR SELECT TO sansetu_writer USING (true);
CREATE POLICY community_writer_insert ON community FOR INSERT TO sansetu_writer
  WITH CHECK (code LIKE (SELECT session_scope()) || '%');
CREATE POLICY community_writer_update ON community FOR UPDATE TO sansetu_writer
  USING (code LIKE (SELECT session_scope()) || '%') WITH CHECK (code LIKE (SELECT session_scope()) || '%');
CREATE POLICY street_writer_read ON street FOR SELECT TO sansetu_writer USING (true);
CREATE POLICY street_writer_insert ON street FOR INSERT TO sansetu_writer
  WITH CHECK (code LIKE (SELECT session_scope()) || '%');
CREATE POLICY street_writer_update ON street FOR UPDATE TO sansetu_writer
  USING (code LIKE (SELECT session_scope()) || '%') WITH CHECK (code LIKE (SELECT session_scope()) || '%');
ALTER TABLE district ENABLE ROW LEVEL SECURITY;
CREATE POLICY district_read ON district FOR SELECT USING (true);
CREATE POLICY district_writer_update ON district FOR UPDATE TO sansetu_writer
  USING ((SELECT scope_covers_district())) WITH CHECK ((SELECT scope_covers_district()));
CREATE POLICY person_writer_read ON person FOR SELECT TO sansetu_writer USING (true);
-- A person without a community is a non-resident employee: added by an employment file, whose rows are
-- checked against the area; written later only by an area that employs them (as the import checks).
CREATE POLICY person_writer_insert ON person FOR INSERT TO sansetu_writer
  WITH CHECK (community_code IS NULL OR community_code LIKE (SELECT session_scope()) || '%');
CREATE POLICY person_writer_update ON person FOR UPDATE TO sansetu_writer
  USING (community_code LIKE (SELECT session_scope()) || '%' OR (community_code IS NULL AND EXISTS (
    SELECT 1 FROM employment em JOIN enterprise e USING (credit_code)
    WHERE em.id_number = person.id_number AND e.community_code LIKE (SELECT session_scope()) || '%')))
  WITH CHECK (community_code IS NULL OR community_code LIKE (SELECT session_scope()) || '%');
CREATE POLICY enterprise_writer_read ON enterprise FOR SELECT TO sansetu_writer USING (true);
CREATE POLICY enterprise_writer_insert ON enterprise FOR INSERT TO sansetu_writer
  WITH CHECK (community_code LIKE (SELECT session_scope()) || '%');
CREATE POLICY enterprise_writer_update ON enterprise FOR UPDATE TO sansetu_writer
  USING (community_code LIKE (SELECT session_scope()) || '%')
  WITH CHECK (community_code LIKE (SELECT session_scope()) || '%');
CREATE POLICY employment_writer_read ON employment FOR SELECT TO sansetu_writer USING (true);
CREATE POLICY employment_writer_write ON employment TO sansetu_writer
  USING (EXISTS (SELECT 1 FROM enterprise e WHERE e.credit_code = employment.credit_code
                 AND e.community_code LIKE (SELECT session_scope()) || '%'))
  WITH CHECK (EXISTS (SELECT 1 FROM enterprise e WHERE e.credit_code = employment.credit_code
                      AND e.community_code LIKE (SELECT session_scope()) || '%'));
CREATE POLICY health_code_writer_read ON health_code FOR SELECT TO sansetu_writer USING (true);
-- A colour: of a person of the area, or employed by one of its enterprises (as the import checks).
CREATE POLICY health_code_writer_write ON health_code TO sansetu_writer
  USING (EXISTS (SELECT 1 FROM person p WHERE p.id_number = health_code.id_number
                 AND (p.community_code LIKE (SELECT session_scope()) || '%' OR EXISTS (
                   SELECT 1 FROM employment em JOIN enterprise e USING (credit_code)
                   WHERE em.id_number = p.id_number AND e.community_code LIKE (SELECT session_scope()) || '%'))))
  WITH CHECK (EXISTS (SELECT 1 FROM person p WHERE p.id_number = health_code.id_number
                      AND (p.community_code LIKE (SELECT session_scope()) || '%' OR EXISTS (
                        SELECT 1 FROM employment em JOIN enterprise e USING (credit_code)
                        WHERE em.id_number = p.id_number
                          AND e.community_code LIKE (SELECT session_scope()) || '%'))));
CREATE POLICY health_code_history_writer_read ON health_code_history FOR SELECT TO sansetu_writer USING (true);
CREATE POLICY managed_person_writer_read ON managed_person FOR SELECT TO sansetu_writer USING (true);
CREATE POLICY managed_person_writer_write ON managed_person TO sansetu_writer
  USING (community_code LIKE (SELECT session_scope()) || '%')
  WITH CHECK (community_code LIKE (SELECT session_scope()) || '%');
CREATE POLICY community_stats_writer_read ON community_stats FOR SELECT TO sansetu_writer USING (true);
-- Managed persons are counted live: an import of them moves the version screens watch (updated_at only).
CREATE POLICY community_stats_writer_touch ON community_stats FOR UPDATE TO sansetu_writer
  USING (community_code LIKE (SELECT session_scope()) || '%')
  WITH CHECK (community_code LIKE (SELECT session_scope()) || '%');
CREATE POLICY enterprise_stats_writer_read ON enterprise_stats FOR SELECT TO sansetu_writer USING (true);

-- Grants. PostgreSQL lets everyone execute a new function: take that back from every function of ours
-- (not the extensions'), then give each role the functions it calls. Functions that run with the
-- caller's rights are harmless; of the SECURITY DEFINER ones (they run as the owner) only those made
-- for a role are granted to it: never the aggregates' maintenance.
DO $$
DECLARE f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public'
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
  END LOOP;
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND NOT p.prosecdef AND p.prorettype <> 'trigger'::regtype
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO sansetu_app, sansetu_auth, sansetu_writer', f);
  END LOOP;
END $$;
GRANT EXECUTE ON FUNCTION session_scope(), session_actor(), session_may(text)
  TO sansetu_app, sansetu_auth, sansetu_writer;
GRANT EXECUTE ON FUNCTION division_exists(text) TO sansetu_app;
GRANT EXECUTE ON FUNCTION integration_for_token(text) TO sansetu_app;

-- The web application: registers read-only; users without their hashes, written only in their state and
-- password; tokens created and revoked, never replaced; the import history read.
REVOKE ALL ON app_user, integration FROM sansetu_app;
GRANT SELECT (id, username, display_name, role, org_code, active, demo_password, created_at, password_changed_at)
  ON app_user TO sansetu_app;
GRANT INSERT (username, display_name, role, org_code, password_hash, demo_password) ON app_user TO sansetu_app;
GRANT UPDATE (active, password_hash, demo_password, password_changed_at) ON app_user TO sansetu_app;
GRANT SELECT (id, name, description, created_by, created_at, active, last_used_at) ON integration TO sansetu_app;
GRANT INSERT (name, description, token_sha256, created_by) ON integration TO sansetu_app;
GRANT UPDATE (active) ON integration TO sansetu_app;

-- The login role.
GRANT SELECT ON app_user TO sansetu_auth;
GRANT SELECT, INSERT ON app_session TO sansetu_auth;
GRANT UPDATE (ended_at) ON app_session TO sansetu_auth;
GRANT SELECT, INSERT ON audit_log TO sansetu_auth;

-- The writer.
GRANT SELECT ON district, street, community, person, enterprise, employment, health_code, health_code_history,
  managed_person, community_stats, enterprise_stats, import_kind, spatial_ref_sys TO sansetu_writer;
GRANT UPDATE ON district TO sansetu_writer;
GRANT INSERT, UPDATE ON street, community, person, enterprise, employment, health_code, managed_person
  TO sansetu_writer;

GRANT UPDATE (updated_at) ON community_stats TO sansetu_writer;
GRANT SELECT, INSERT ON import_run TO sansetu_writer;

GRANT INSERT ON audit_log TO sansetu_writer;
