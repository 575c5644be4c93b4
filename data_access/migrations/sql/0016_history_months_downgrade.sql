-- Back to one table (0016_history_months undone): the same rows, ids, indexes, triggers, policies and grants.
ALTER TABLE health_code_history RENAME TO health_code_history_partitioned;
ALTER INDEX health_code_history_pkey RENAME TO health_code_history_partitioned_pkey;
ALTER INDEX health_code_history_changed_idx RENAME TO health_code_history_partitioned_changed_idx;
ALTER INDEX health_code_history_person_idx RENAME TO health_code_history_partitioned_person_idx;
DROP TRIGGER health_code_history_append_only ON health_code_history_partitioned;
DROP TRIGGER health_code_history_persons ON health_code_history_partitioned;

CREATE TABLE health_code_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id_number character(18) NOT NULL,
    colour text NOT NULL CHECK (colour = ANY (ARRAY['green', 'yellow', 'red'])),
    previous_colour text CHECK (previous_colour = ANY (ARRAY['green', 'yellow', 'red'])),
    changed_at timestamp with time zone NOT NULL,
    source text NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL
);
INSERT INTO health_code_history (id, id_number, colour, previous_colour, changed_at, source, recorded_at)
OVERRIDING SYSTEM VALUE
SELECT id, id_number, colour, previous_colour, changed_at, source, recorded_at FROM health_code_history_partitioned;
SELECT setval(pg_get_serial_sequence('health_code_history', 'id'),
              coalesce((SELECT max(id) FROM health_code_history_partitioned), 0) + 1, false);
DROP TABLE health_code_history_partitioned;
DROP FUNCTION health_code_history_months(date, date);

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
