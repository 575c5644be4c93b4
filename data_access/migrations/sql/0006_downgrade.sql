-- Undo 0006: the area and the actor read from what the session sets, the policies and grants of 0002-0005.
CREATE OR REPLACE FUNCTION session_scope() RETURNS text LANGUAGE sql STABLE SECURITY INVOKER AS $$
  SELECT nullif(current_setting('sansetu.scope', true), '')
$$;
CREATE OR REPLACE FUNCTION session_actor() RETURNS text LANGUAGE sql STABLE SECURITY INVOKER AS $$
  SELECT nullif(current_setting('sansetu.actor', true), '')
$$;
ALTER FUNCTION session_scope() RESET search_path;
ALTER FUNCTION session_actor() RESET search_path;
CREATE OR REPLACE FUNCTION scope_covers_district() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM district d WHERE in_scope(d.code))
$$;

DROP POLICY community_scope ON community;
CREATE POLICY community_scope ON community FOR SELECT USING (in_scope(code));
DROP POLICY street_scope ON street;
CREATE POLICY street_scope ON street FOR SELECT
  USING (in_scope(code) OR session_scope() LIKE left(code, 9) || '%');
DROP POLICY person_scope ON person;
CREATE POLICY person_scope ON person FOR SELECT USING (
  in_scope(community_code) OR EXISTS (
    SELECT 1 FROM employment em JOIN enterprise e ON e.credit_code = em.credit_code
    WHERE em.id_number = person.id_number));
DROP POLICY enterprise_scope ON enterprise;
CREATE POLICY enterprise_scope ON enterprise FOR SELECT USING (in_scope(community_code));
DROP POLICY managed_person_scope ON managed_person;
CREATE POLICY managed_person_scope ON managed_person FOR SELECT USING (in_scope(community_code));
DROP POLICY community_stats_scope ON community_stats;
CREATE POLICY community_stats_scope ON community_stats FOR SELECT USING (in_scope(community_code));
DROP POLICY enterprise_stats_scope ON enterprise_stats;
CREATE POLICY enterprise_stats_scope ON enterprise_stats FOR SELECT USING (in_scope(community_code));

DROP POLICY app_user_read ON app_user;
DROP POLICY app_user_insert ON app_user;
DROP POLICY app_user_update ON app_user;
CREATE POLICY app_user_read ON app_user FOR SELECT USING (true);
CREATE POLICY app_user_insert ON app_user FOR INSERT WITH CHECK (in_scope(org_code));
CREATE POLICY app_user_update ON app_user FOR UPDATE USING (in_scope(org_code)) WITH CHECK (in_scope(org_code));
DROP POLICY integration_read ON integration;
DROP POLICY integration_insert ON integration;
DROP POLICY integration_update ON integration;
CREATE POLICY integration_read ON integration FOR SELECT USING (scope_covers_district());
CREATE POLICY integration_insert ON integration FOR INSERT WITH CHECK (scope_covers_district());
CREATE POLICY integration_update ON integration FOR UPDATE USING (scope_covers_district())
  WITH CHECK (scope_covers_district());
DROP POLICY audit_log_read ON audit_log;
DROP POLICY audit_log_insert ON audit_log;
CREATE POLICY audit_log_read ON audit_log FOR SELECT USING (true);
CREATE POLICY audit_log_insert ON audit_log FOR INSERT
  WITH CHECK (session_actor() IS NULL OR username = session_actor());

DO $$
DECLARE f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public'
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO PUBLIC', f);
  END LOOP;
END $$;
REVOKE ALL ON app_user, integration FROM sansetu_app;
GRANT SELECT, INSERT, UPDATE ON app_user, integration TO sansetu_app;
