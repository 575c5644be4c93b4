-- Warnings followed to the end (issue #13, item 11). An enterprise with red staff is warned (fusion rule 1);
-- its community worker records the warning given (how, when, to whom, a note) and, once every employee is
-- green, confirms its reopening. Each step is one row, never changed; the stage of a warning follows from
-- the enterprise's status and its steps (data_access/sql/warnings.sql).

CREATE TABLE warning_step (
  community_code char(12) NOT NULL REFERENCES community,
  id bigint GENERATED ALWAYS AS IDENTITY,
  credit_code char(18) NOT NULL REFERENCES enterprise ON DELETE CASCADE,
  step text NOT NULL CHECK (step IN ('notified', 'reopened')),
  happened_at timestamptz NOT NULL,
  method text CHECK (method IN ('phone', 'visit', 'sms', 'written')),
  recipient text CHECK (length(recipient) BETWEEN 1 AND 100),
  note text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (community_code, id),
  -- a warning given says how and to whom; a reopening neither
  CHECK ((step = 'notified') = (method IS NOT NULL AND recipient IS NOT NULL)),
  CHECK (happened_at <= recorded_at + interval '5 minutes')
);
CREATE INDEX warning_step_enterprise_idx ON warning_step (credit_code, id);

-- Append-only, like the audit log: a step recorded is history.
CREATE TRIGGER warning_step_append_only BEFORE UPDATE OR DELETE ON warning_step
  FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION refuse_change();

-- The web application reads the steps of the session's area and writes them in its own name, within its
-- area, only with the permission to record warnings.
ALTER TABLE warning_step ENABLE ROW LEVEL SECURITY;
CREATE POLICY warning_step_read ON warning_step FOR SELECT TO sansetu_app
  USING (community_code LIKE (SELECT session_scope()) || '%');
CREATE POLICY warning_step_insert ON warning_step FOR INSERT TO sansetu_app
  WITH CHECK ((SELECT session_may('warnings.record')) AND recorded_by = (SELECT session_actor())
              AND community_code LIKE (SELECT session_scope()) || '%');
GRANT SELECT ON warning_step TO sansetu_app;
GRANT INSERT (community_code, credit_code, step, happened_at, method, recipient, note, recorded_by)
  ON warning_step TO sansetu_app;

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN ('login', 'login_failed',
  'logout', 'export', 'reveal', 'user_created', 'user_disabled', 'user_enabled', 'password_reset', 'refused',
  'import', 'live_batch', 'token_created', 'token_revoked', 'appeal_step', 'appeal_proposed', 'appeal_reviewed',
  'appeal_converted', 'appeal_rejected', 'appeal_reassigned', 'appeal_configured', 'proxy_assigned',
  'proxy_contact', 'proxy_card_bound', 'proxy_list_printed', 'keyperson_placed', 'keyperson_contacted',
  'keyperson_measure', 'keyperson_followup', 'keyperson_released', 'keyperson_colour', 'warning_notified',
  'reopening_confirmed'));
