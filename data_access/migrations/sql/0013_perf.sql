-- Cheaper colour changes (issue #12): the lookups a batch of changes makes per changed person read the index
-- alone. The live path looks up each changed person's community three times (the writer's row-level
-- security, twice, and the residents' deltas) and their employers once (the enterprises' deltas); with the
-- community and the employer inside the index, each lookup is an index-only scan of an index a tenth of the
-- table's size, which the first lookup has already brought into memory for the next ones.
CREATE INDEX person_community_of_idx ON person (id_number) INCLUDE (community_code);
CREATE INDEX employment_person_credit_idx ON employment (id_number, credit_code);
DROP INDEX employment_person_idx;
