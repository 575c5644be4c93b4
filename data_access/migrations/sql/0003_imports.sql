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
  result text NOT NULL CHECK (result IN ('loaded', 'rejected', 'unchanged', 'failed')),
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
