-- Colour changes without a row lock per change: the history's key to person becomes a check per statement
-- (data_access/sql/aggregates.sql: history_persons_exist, person_history_kept).
ALTER TABLE health_code_history DROP CONSTRAINT health_code_history_id_number_fkey;
CREATE TRIGGER health_code_history_persons AFTER INSERT ON health_code_history
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION history_persons_exist();
CREATE TRIGGER person_history_deleted AFTER DELETE ON person
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_history_kept();
CREATE TRIGGER person_history_renumbered AFTER UPDATE OF id_number ON person
  FOR EACH ROW WHEN (OLD.id_number IS DISTINCT FROM NEW.id_number) EXECUTE FUNCTION person_history_kept();
REVOKE EXECUTE ON FUNCTION history_persons_exist(), person_history_kept(),
  move_residents(character[], text[], text[], integer[]) FROM PUBLIC;
