-- Room for modules: the scoped write path. Every table the web application writes gets row-level-security
-- policies for INSERT and UPDATE (WITH CHECK), so a user's unit of work (data_access.session.writing, which
-- sets sansetu.scope to the user's area and sansetu.actor to the user's name) can write only rows of its
-- own area, in its own name: PostgreSQL checks it, not only the application.

-- The session's acting user ('' or NULL: nobody logged in, e.g. a login attempt).
CREATE FUNCTION session_actor() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('sansetu.actor', true), '')
$$;

-- Whether the session's area is the whole district (district-wide settings such as integration tokens).
CREATE FUNCTION scope_covers_district() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM district d WHERE in_scope(d.code))
$$;

-- Users: everyone may be looked up (login needs it); an administrator writes users of his area only.
ALTER TABLE app_user ENABLE ROW LEVEL SECURITY;
CREATE POLICY app_user_read ON app_user FOR SELECT USING (true);
CREATE POLICY app_user_insert ON app_user FOR INSERT WITH CHECK (in_scope(org_code));
CREATE POLICY app_user_update ON app_user FOR UPDATE USING (in_scope(org_code)) WITH CHECK (in_scope(org_code));

-- Integration tokens are district-wide: read and written only by a district-level user.
ALTER TABLE integration ENABLE ROW LEVEL SECURITY;
CREATE POLICY integration_read ON integration FOR SELECT USING (scope_covers_district());
CREATE POLICY integration_insert ON integration FOR INSERT WITH CHECK (scope_covers_district());
CREATE POLICY integration_update ON integration FOR UPDATE USING (scope_covers_district())
  WITH CHECK (scope_covers_district());

-- The audit log: a logged-in user's unit of work writes rows in his own name only; the log stays readable
-- for the login throttle (failed logins by name and address) and append-only (trigger, no grants).
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_log_read ON audit_log FOR SELECT USING (true);
CREATE POLICY audit_log_insert ON audit_log FOR INSERT
  WITH CHECK (session_actor() IS NULL OR username = session_actor());

-- A system's token is checked (and its last use noted) without giving the web role the token table:
-- the function runs as its owner and returns only the integration's name.
CREATE FUNCTION integration_for_token(digest text) RETURNS text LANGUAGE sql SECURITY DEFINER
SET search_path = public AS $$
  UPDATE integration SET last_used_at = now() WHERE token_sha256 = digest AND active RETURNING name
$$;
REVOKE EXECUTE ON FUNCTION integration_for_token(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION integration_for_token(text) TO sansetu_app;
