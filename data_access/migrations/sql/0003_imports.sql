-- Data in: the history of every import, and the tokens of the systems that push colour changes.

-- One row per import attempt: loaded, rejected (nothing written), unchanged (same file again) or failed.
-- A loaded import's row is written in the same transaction as its data; the others after the rollback.
CREATE TABLE import_run (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now(),
  username text NOT NULL,
  org_code char(12) NOT NULL,
  kind text NOT NULL CHECK (kind IN
    ('boundaries', 'residents', 'enterprises', 'employment', 'health_codes', 'managed')),
  file_name text NOT NULL,
  file_sha256 char(64) NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  options jsonb NOT NULL DEFAULT '{}',
  rows_read int NOT NULL DEFAULT 0,
  rows_written int NOT NULL DEFAULT 0,
  rows_skipped int NOT NULL DEFAULT 0,
  -- checked: a trial ("仅校验"): everything ran, then the transaction was rolled back
  result text NOT NULL CHECK (result IN ('loaded', 'checked', 'rejected', 'unchanged', 'failed')),
  message text NOT NULL DEFAULT '',
  error_count int NOT NULL DEFAULT 0,
  -- The first errors (row, column, value, reason) for the downloadable report.
  errors jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX import_run_recent_idx ON import_run (finished_at DESC);
CREATE INDEX import_run_file_idx ON import_run (kind, file_sha256, finished_at DESC);
CREATE TRIGGER import_run_append_only BEFORE UPDATE OR DELETE ON import_run
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Systems that push colour changes over HTTP. Only a SHA-256 of the token is kept; the token itself
-- is shown once, when an administrator creates it.
CREATE TABLE integration (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9_.-]{3,40}$'),
  description text NOT NULL DEFAULT '',
  token_sha256 char(64) NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  active boolean NOT NULL DEFAULT true,
  last_used_at timestamptz
);

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN ('login', 'login_failed',
  'logout', 'export', 'reveal', 'user_created', 'user_disabled', 'user_enabled', 'password_reset', 'refused',
  'import', 'live_batch', 'token_created', 'token_revoked'));

-- The web application reads the import history (the import page) and manages integrations (the
-- administrator's page); imports themselves run as the owner, checked against the operator's area.
GRANT SELECT ON import_run TO sansetu_app;
GRANT SELECT, INSERT, UPDATE ON integration TO sansetu_app;

-- Live batches and imports change thousands of colours at once: the enterprises employing the changed
-- persons now move by deltas too (as the residents' counts already did), instead of being recounted from
-- all their employees, and the statuses follow (a generated column). The planner is told the storage is
-- solid-state, so a few thousand keys are looked up by index rather than by scanning a million rows.
CREATE OR REPLACE FUNCTION apply_colour_changes(ids char(18)[], olds text[], news text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET random_page_cost = 1.1 AS $$
DECLARE comms char(12)[];
BEGIN
  PERFORM lock_stats();
  UPDATE community_stats s SET
    residents_green = s.residents_green + d.green, residents_yellow = s.residents_yellow + d.yellow,
    residents_red = s.residents_red + d.red, residents_none = s.residents_none + d.none,
    updated_at = now()
  FROM (
    SELECT p.community_code,
           count(*) FILTER (WHERE c.new = 'green') - count(*) FILTER (WHERE c.old = 'green') AS green,
           count(*) FILTER (WHERE c.new = 'yellow') - count(*) FILTER (WHERE c.old = 'yellow') AS yellow,
           count(*) FILTER (WHERE c.new = 'red') - count(*) FILTER (WHERE c.old = 'red') AS red,
           count(*) FILTER (WHERE c.new IS NULL) - count(*) FILTER (WHERE c.old IS NULL) AS none
    FROM unnest(ids, olds, news) AS c(id, old, new)
    JOIN person p ON p.id_number = c.id
    WHERE p.community_code IS NOT NULL
    GROUP BY p.community_code
  ) d
  WHERE s.community_code = d.community_code;
  WITH d AS (
    SELECT em.credit_code,
           count(*) FILTER (WHERE c.new = 'green') - count(*) FILTER (WHERE c.old = 'green') AS green,
           count(*) FILTER (WHERE c.new = 'yellow') - count(*) FILTER (WHERE c.old = 'yellow') AS yellow,
           count(*) FILTER (WHERE c.new = 'red') - count(*) FILTER (WHERE c.old = 'red') AS red,
           count(*) FILTER (WHERE c.new IS NULL) - count(*) FILTER (WHERE c.old IS NULL) AS none
    FROM unnest(ids, olds, news) AS c(id, old, new)
    JOIN employment em ON em.id_number = c.id
    GROUP BY em.credit_code
  ), moved AS (
    UPDATE enterprise_stats s SET
      employees_green = s.employees_green + d.green, employees_yellow = s.employees_yellow + d.yellow,
      employees_red = s.employees_red + d.red, employees_none = s.employees_none + d.none
    FROM d WHERE s.credit_code = d.credit_code
    RETURNING s.community_code
  )
  SELECT array_agg(DISTINCT community_code) INTO comms FROM moved WHERE community_code IS NOT NULL;
  IF comms IS NOT NULL THEN PERFORM refresh_community_enterprises(comms); END IF;
END $$;
