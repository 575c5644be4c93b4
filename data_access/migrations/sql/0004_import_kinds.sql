-- The kinds of file an import may be: a lookup table instead of a CHECK listing them, so a module that adds
-- a kind inserts its row in its own migration and nothing here is edited. Each name is a Kind in
-- data_access.importing.registry (tests/test_import_kinds.py holds the two equal).
CREATE TABLE import_kind (
  name text PRIMARY KEY
);
INSERT INTO import_kind (name) VALUES
  ('boundaries'), ('residents'), ('enterprises'), ('employment'), ('health_codes'), ('managed');

ALTER TABLE import_run DROP CONSTRAINT import_run_kind_check;
ALTER TABLE import_run ADD CONSTRAINT import_run_kind_fkey FOREIGN KEY (kind) REFERENCES import_kind (name);

GRANT SELECT ON import_kind TO sansetu_app;
