-- Warnings followed to the end: the current definitions (migration 0009_warnings creates the table warning_step;
-- a test compares these with the live database). README.md ("Warnings followed to the end") says it in words.

-- A step must fit the enterprise as the recorder sees it (row-level security applies: an enterprise outside
-- the session's area is not found): in its community; a warning given only while the enterprise is warned;
-- a reopening only once every employee is green, after a warning given and not yet closed.
CREATE OR REPLACE FUNCTION public.check_warning_step()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE
  found_status text;
BEGIN
  SELECT s.status INTO found_status FROM enterprise e JOIN enterprise_stats s USING (credit_code)
  WHERE e.credit_code = NEW.credit_code AND e.community_code = NEW.community_code;
  IF found_status IS NULL THEN
    RAISE EXCEPTION 'warning_step: enterprise % not in community %', NEW.credit_code, NEW.community_code
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.step = 'notified' AND found_status <> 'warned' THEN
    RAISE EXCEPTION 'warning_step: enterprise % is not warned', NEW.credit_code USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.step = 'reopened' AND (found_status <> 'cleared' OR NOT EXISTS (
      SELECT 1 FROM enterprise_warning_state w WHERE w.credit_code = NEW.credit_code AND w.notified_at IS NOT NULL))
  THEN
    RAISE EXCEPTION 'warning_step: enterprise % has no warning to close', NEW.credit_code
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $function$;

-- An open map redraws when a step is recorded: the step moves its community's version (updated_at only).
CREATE OR REPLACE FUNCTION public.warning_step_touch()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public'
AS $function$
BEGIN
  UPDATE community_stats SET updated_at = clock_timestamp() WHERE community_code = NEW.community_code;
  RETURN NULL;
END $function$;

-- Every enterprise with an open warning: warned now, or warned and notified and not yet confirmed reopened.
-- stage: unnotified (warned, no warning given yet), notified (given; staff not yet all green),
-- awaiting_reopening (given, every employee green: the worker may confirm the reopening).
-- warned_since: when the earliest of its current red codes turned red (NULL once none is red).
CREATE OR REPLACE VIEW enterprise_warning_state WITH (security_invoker = true) AS
 SELECT s.credit_code,
    s.community_code,
    s.status,
    s.employees_red,
    ( SELECT min(h.changed_at) AS min
           FROM employment em
             JOIN health_code h ON h.id_number = em.id_number
          WHERE em.credit_code = s.credit_code AND h.colour = 'red'::text) AS warned_since,
    n.happened_at AS notified_at,
    n.method,
    n.recipient,
    n.note,
    n.recorded_by,
        CASE
            WHEN n.id IS NULL THEN 'unnotified'::text
            WHEN s.status = 'cleared'::text THEN 'awaiting_reopening'::text
            ELSE 'notified'::text
        END AS stage
   FROM enterprise_stats s
     LEFT JOIN ( SELECT DISTINCT ON (w.credit_code) w.credit_code, w.id, w.happened_at, w.method, w.recipient,
            w.note, w.recorded_by
           FROM warning_step w
          WHERE w.step = 'notified'::text AND NOT (EXISTS ( SELECT 1
                   FROM warning_step r
                  WHERE r.credit_code = w.credit_code AND r.step = 'reopened'::text AND r.id > w.id))
          ORDER BY w.credit_code, w.id DESC) n ON n.credit_code = s.credit_code
  WHERE s.status = 'warned'::text OR n.id IS NOT NULL;
