-- The colour history by month (#12: 10,000 colour changes within 1.5x a plain UPDATE of the same rows).
-- Each change writes a history row, and the row's entry in the per-person index (id_number, changed_at) lands
-- on a random page of an index over every change ever made (77 MB at scale 1): that entry was most of what the
-- history cost a live batch (10,000 rows: 208-388 ms with it, 42-61 ms without, measured in one run). By
-- month, a batch writes into this month's partition, whose indexes are small and in memory; a look back
-- at a day reads only the months since it (colours_changed_after: changed_at >= the day's end); a person's
-- history (appeals) probes each month's index. docs/scaling.md plans the same partitions under Citus.
--
-- Partitions: one per Beijing month (Asia/Shanghai boundaries), from the oldest month held (or a year back)
-- to two years ahead; health_code_history_old holds anything older (the DEFAULT partition), and
-- health_code_history_months(upto) adds months ahead (setup-db calls it: make run and make test do).
-- The primary key is (id, changed_at): a partitioned table's unique keys hold its partition key.

ALTER TABLE health_code_history RENAME TO health_code_history_unpartitioned;
ALTER INDEX health_code_history_pkey RENAME TO health_code_history_unpartitioned_pkey;
ALTER INDEX health_code_history_changed_idx RENAME TO health_code_history_unpartitioned_changed_idx;
ALTER INDEX health_code_history_person_idx RENAME TO health_code_history_unpartitioned_person_idx;
DROP TRIGGER health_code_history_append_only ON health_code_history_unpartitioned;
DROP TRIGGER health_code_history_persons ON health_code_history_unpartitioned;

CREATE TABLE health_code_history (
    id bigint GENERATED ALWAYS AS IDENTITY,
    id_number character(18) NOT NULL,
    colour text NOT NULL CHECK (colour = ANY (ARRAY['green', 'yellow', 'red'])),
    previous_colour text CHECK (previous_colour = ANY (ARRAY['green', 'yellow', 'red'])),
    changed_at timestamp with time zone NOT NULL,
    source text NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    PRIMARY KEY (id, changed_at)
) PARTITION BY RANGE (changed_at);
CREATE TABLE health_code_history_old PARTITION OF health_code_history DEFAULT;

-- The months from `since` (a day in the first) to `upto` that have no partition yet, after the newest one
-- (or from `since` when there is none); rows older than the first month stay in health_code_history_old.
CREATE FUNCTION health_code_history_months(since date, upto date) RETURNS integer
LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
  month date := date_trunc('month', since)::date;
  newest date;
  made integer := 0;
BEGIN
  SELECT max(to_date(right(c.relname, 6), 'YYYYMM')) INTO newest
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'health_code_history'::regclass AND c.relname ~ '^health_code_history_[0-9]{6}$';
  IF newest IS NOT NULL THEN
    month := (newest + interval '1 month')::date;
  END IF;
  WHILE month <= upto LOOP
    -- a month whose rows already went to the old partition stays there (moving them is not this function's)
    IF NOT EXISTS (SELECT 1 FROM health_code_history_old
                   WHERE changed_at >= month::timestamp AT TIME ZONE 'Asia/Shanghai'
                     AND changed_at < (month + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai') THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF health_code_history FOR VALUES FROM (%L) TO (%L)',
                     'health_code_history_' || to_char(month, 'YYYYMM'),
                     month::timestamp AT TIME ZONE 'Asia/Shanghai',
                     (month + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai');
      made := made + 1;
    END IF;
    month := (month + interval '1 month')::date;
  END LOOP;
  RETURN made;
END $$;
REVOKE EXECUTE ON FUNCTION health_code_history_months(date, date) FROM PUBLIC;

SELECT health_code_history_months(
  (least(coalesce((SELECT min(changed_at) FROM health_code_history_unpartitioned), now()), now() - interval '1 year')
    AT TIME ZONE 'Asia/Shanghai')::date,
  ((now() AT TIME ZONE 'Asia/Shanghai') + interval '2 years')::date);

INSERT INTO health_code_history (id, id_number, colour, previous_colour, changed_at, source, recorded_at)
OVERRIDING SYSTEM VALUE
SELECT id, id_number, colour, previous_colour, changed_at, source, recorded_at FROM health_code_history_unpartitioned;
SELECT setval(pg_get_serial_sequence('health_code_history', 'id'),
              coalesce((SELECT max(id) FROM health_code_history_unpartitioned), 0) + 1, false);
DROP TABLE health_code_history_unpartitioned;

CREATE INDEX health_code_history_changed_idx ON health_code_history (changed_at);
CREATE INDEX health_code_history_person_idx ON health_code_history (id_number, changed_at);
CREATE TRIGGER health_code_history_append_only BEFORE DELETE OR UPDATE ON health_code_history
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER health_code_history_persons AFTER INSERT ON health_code_history
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION history_persons_exist();
ALTER TABLE health_code_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY health_code_history_scope ON health_code_history FOR SELECT
  USING (EXISTS (SELECT 1 FROM person p WHERE p.id_number = health_code_history.id_number));
CREATE POLICY health_code_history_writer_read ON health_code_history FOR SELECT TO sansetu_writer USING (true);
GRANT SELECT ON health_code_history TO sansetu_app, sansetu_writer;
ANALYZE health_code_history;
