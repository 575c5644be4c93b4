-- Policies, more: the name lists other departments send (civil affairs' allowance roll 低保/低边名册, HR's list
-- of enterprise retirees 企退人员名单, the disabled persons' federation's list 残联名单), kept per community so
-- a rule can ask "on the civil affairs roll"; which policy a list's category stands for (configuration, so the
-- exclusive groups of the catalogue show clashes between lists); deaths the register learns of; the anonymous
-- public submission's audit row; an index for the 直达 list's lookups.

-- A death the register learns of (civil affairs, public security): the person stays in the register.
ALTER TABLE person_attribute ADD COLUMN deceased_on date;
CREATE INDEX person_attribute_deceased_idx ON person_attribute (id_number) WHERE deceased_on IS NOT NULL;

-- What a list's row stands for: (list, category) -> policy; category '' matches every row of the list.
CREATE TABLE policy_list_policy (
  list text NOT NULL CHECK (list IN ('civil_roll', 'retiree_list', 'disabled_list')),
  category text NOT NULL DEFAULT '',
  policy_id integer NOT NULL REFERENCES policy,
  PRIMARY KEY (list, category, policy_id)
);

-- A list as last received, per community (each import replaces the list within the sender's area): only rows
-- of living residents of the district are kept; the rest are in the import's report.
CREATE TABLE policy_name_list (
  list text NOT NULL CHECK (list IN ('civil_roll', 'retiree_list', 'disabled_list')),
  community_code char(12) NOT NULL REFERENCES community,
  id_number char(18) NOT NULL REFERENCES person ON DELETE CASCADE,
  category text NOT NULL DEFAULT '',
  source text,
  listed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (community_code, list, id_number, category)
);
CREATE INDEX policy_name_list_person_idx ON policy_name_list (id_number, list);

ALTER TABLE policy_list_policy ENABLE ROW LEVEL SECURITY;
ALTER TABLE policy_name_list ENABLE ROW LEVEL SECURITY;
CREATE POLICY policy_list_policy_read ON policy_list_policy FOR SELECT TO sansetu_app, sansetu_writer USING (true);
CREATE POLICY policy_name_list_read ON policy_name_list FOR SELECT TO sansetu_app
  USING ((SELECT session_may('policies.read')) AND community_code LIKE (SELECT session_scope()) || '%');
-- The lists arrive by the import path (the writer role, a data operator's session), within the sender's area.
CREATE POLICY policy_name_list_writer_read ON policy_name_list FOR SELECT TO sansetu_writer USING (true);
CREATE POLICY policy_name_list_writer_insert ON policy_name_list FOR INSERT TO sansetu_writer
  WITH CHECK ((SELECT session_may('data.import')) AND community_code LIKE (SELECT session_scope()) || '%');
CREATE POLICY policy_name_list_writer_delete ON policy_name_list FOR DELETE TO sansetu_writer
  USING ((SELECT session_may('data.import')) AND community_code LIKE (SELECT session_scope()) || '%');
-- The checks read the catalogue's groups and the register's deaths.
CREATE POLICY policy_writer_read ON policy FOR SELECT TO sansetu_writer USING (true);
CREATE POLICY person_attribute_writer_read ON person_attribute FOR SELECT TO sansetu_writer USING (true);
GRANT SELECT ON policy_list_policy, policy_name_list TO sansetu_app;
GRANT SELECT, INSERT, DELETE ON policy_name_list TO sansetu_writer;
GRANT SELECT ON policy_list_policy, policy, person_attribute TO sansetu_writer;
INSERT INTO import_kind (name) VALUES ('civil_roll'), ('retiree_list'), ('disabled_list');

-- An enterprise's application from the public page (nobody logged in) is audited as actor "public" with the
-- sender's address; that session may write nothing else to the log.
CREATE POLICY audit_log_public_insert ON audit_log FOR INSERT TO sansetu_app
  WITH CHECK ((SELECT session_actor()) IS NULL AND (SELECT session_scope()) IS NULL AND username = 'public'
              AND role IS NULL AND action = 'policy_public_submitted' AND address IS NOT NULL);


-- What the oversight tab's figures are drawn from, as one string that changes whenever they may (a new policy,
-- application step, payment line, payment made, rating, returned roll, import or list): the cache key of its
-- answer. Read past row-level security (it names no row), so an area's key also moves with the district's imports.
CREATE FUNCTION policy_data_version() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public AS $$
  SELECT concat_ws('/', (SELECT max(id) FROM policy), (SELECT max(id) FROM policy_application_node),
                   (SELECT max(id) FROM policy_payment), (SELECT sum(spent) FROM policy_fund_pool),
                   (SELECT max(id) FROM policy_rating), (SELECT max(returned_at) FROM policy_roll),
                   (SELECT max(id) FROM import_run), (SELECT max(listed_at) FROM policy_name_list))
$$;
REVOKE EXECUTE ON FUNCTION policy_data_version() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION policy_data_version() TO sansetu_app;
