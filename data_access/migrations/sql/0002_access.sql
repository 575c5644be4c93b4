-- Who sees what. The application connects as sansetu_app: not a superuser, cannot bypass row-level
-- security, owns nothing. Every table holding people, enterprises, colours or managed persons has a
-- policy restricting rows to the area in the transaction's setting sansetu.scope (the leading digits of
-- the community codes the user may see, set with SET LOCAL by the application). No setting: no rows.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sansetu_app') THEN
    CREATE ROLE sansetu_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END $$;

CREATE FUNCTION session_scope() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('sansetu.scope', true), '')
$$;

CREATE FUNCTION in_scope(code text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT code LIKE session_scope() || '%'
$$;

-- Whether a code names a division: for user management, which must see every division.
CREATE FUNCTION division_exists(code text) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM district d WHERE d.code = $1) OR EXISTS (SELECT 1 FROM street s WHERE s.code = $1)
      OR EXISTS (SELECT 1 FROM community c WHERE c.code = $1)
$$;

-- Users of the dashboard: one organisation unit (district, street or community) and one role each.
CREATE TABLE app_user (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{3,40}$'),
  display_name text NOT NULL CHECK (display_name <> ''),
  role text NOT NULL CHECK (role IN
    ('leader', 'official', 'community_worker', 'data_operator', 'auditor', 'administrator')),
  org_code char(12) NOT NULL CHECK (org_code ~ '^[0-9]{12}$'),
  password_hash text NOT NULL,
  demo_password boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- Append-only trail: logins, exports, reveals of personal data, changes to users.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  username text NOT NULL,
  role text,
  action text NOT NULL CHECK (action IN ('login', 'login_failed', 'logout', 'export', 'reveal',
    'user_created', 'user_disabled', 'user_enabled', 'password_reset', 'refused')),
  area char(12),
  detail jsonb NOT NULL DEFAULT '{}',
  address text
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_user_idx ON audit_log (username, action, at);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Row-level security on everything that holds people, enterprises, colours and managed persons.
ALTER TABLE community ENABLE ROW LEVEL SECURITY;
CREATE POLICY community_scope ON community FOR SELECT USING (in_scope(code));
ALTER TABLE street ENABLE ROW LEVEL SECURITY;
CREATE POLICY street_scope ON street FOR SELECT
  USING (in_scope(code) OR session_scope() LIKE left(code, 9) || '%');
ALTER TABLE person ENABLE ROW LEVEL SECURITY;
CREATE POLICY person_scope ON person FOR SELECT USING (
  in_scope(community_code) OR EXISTS (
    SELECT 1 FROM employment em JOIN enterprise e ON e.credit_code = em.credit_code
    WHERE em.id_number = person.id_number));
ALTER TABLE enterprise ENABLE ROW LEVEL SECURITY;
CREATE POLICY enterprise_scope ON enterprise FOR SELECT USING (in_scope(community_code));
ALTER TABLE employment ENABLE ROW LEVEL SECURITY;
CREATE POLICY employment_scope ON employment FOR SELECT
  USING (EXISTS (SELECT 1 FROM enterprise e WHERE e.credit_code = employment.credit_code));
ALTER TABLE health_code ENABLE ROW LEVEL SECURITY;
CREATE POLICY health_code_scope ON health_code FOR SELECT
  USING (EXISTS (SELECT 1 FROM person p WHERE p.id_number = health_code.id_number));
ALTER TABLE health_code_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY health_code_history_scope ON health_code_history FOR SELECT
  USING (EXISTS (SELECT 1 FROM person p WHERE p.id_number = health_code_history.id_number));
ALTER TABLE managed_person ENABLE ROW LEVEL SECURITY;
CREATE POLICY managed_person_scope ON managed_person FOR SELECT USING (in_scope(community_code));
ALTER TABLE community_stats ENABLE ROW LEVEL SECURITY;
CREATE POLICY community_stats_scope ON community_stats FOR SELECT USING (in_scope(community_code));
ALTER TABLE enterprise_stats ENABLE ROW LEVEL SECURITY;
CREATE POLICY enterprise_stats_scope ON enterprise_stats FOR SELECT USING (in_scope(community_code));

-- Views read with the rights of whoever queries them, so the policies above apply through them.
ALTER VIEW fusion_enterprise SET (security_invoker = true);
ALTER VIEW fusion_community_residents SET (security_invoker = true);
ALTER VIEW managed_counts SET (security_invoker = true);

-- Keeping the aggregates current needs every row: those functions run as their owner.
ALTER FUNCTION refresh_enterprise_stats(char(18)[]) SECURITY DEFINER SET search_path = public;
ALTER FUNCTION refresh_community_stats(char(12)[]) SECURITY DEFINER SET search_path = public;
ALTER FUNCTION refresh_community_enterprises(char(12)[]) SECURITY DEFINER SET search_path = public;
ALTER FUNCTION refresh_all_stats() SECURITY DEFINER SET search_path = public;
ALTER FUNCTION refresh_stats_for(char(18)[], char(12)[]) SECURITY DEFINER SET search_path = public;
ALTER FUNCTION apply_colour_changes(char(18)[], text[], text[]) SECURITY DEFINER SET search_path = public;
ALTER FUNCTION health_code_changed() SECURITY DEFINER SET search_path = public;

-- What the application may do: read the registers (through the policies), write the audit trail and
-- users; nothing else. It may not change or remove audit rows (no grant, and the trigger refuses).
GRANT USAGE ON SCHEMA public TO sansetu_app;
GRANT SELECT ON district, street, community, person, enterprise, employment, health_code,
  health_code_history, managed_person, community_stats, enterprise_stats, fusion_enterprise,
  fusion_community_residents, managed_counts, spatial_ref_sys TO sansetu_app;
GRANT SELECT, INSERT ON audit_log TO sansetu_app;
GRANT SELECT, INSERT, UPDATE ON app_user TO sansetu_app;
