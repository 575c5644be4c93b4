-- Migrants registered per community and Beijing day, kept by PostgreSQL (once per statement, as the houses'
-- tenants): the oversight tab's roll-out chart reads a hundred communities' days instead of every migrant.
CREATE TABLE mg_registered_daily (
  community_code char(12) NOT NULL REFERENCES community,
  day date NOT NULL,
  migrants integer NOT NULL,
  PRIMARY KEY (community_code, day)
);
INSERT INTO mg_registered_daily (community_code, day, migrants)
SELECT community_code, (registered_at AT TIME ZONE 'Asia/Shanghai')::date, count(*) FROM mg_migrant GROUP BY 1, 2;
ALTER TABLE mg_registered_daily ENABLE ROW LEVEL SECURITY;
CREATE POLICY mg_registered_daily_read ON mg_registered_daily FOR SELECT TO sansetu_app
  USING ((SELECT session_may('migrants.read')) AND community_code LIKE (SELECT session_scope()) || '%');
GRANT SELECT ON mg_registered_daily TO sansetu_app;

CREATE FUNCTION mg_count_registered() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
  -- as the owner: the web role may not write the counts (only its writes of migrants do, through this trigger)
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM mg_registered_daily;
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO mg_registered_daily AS r (community_code, day, migrants)
    SELECT community_code, (registered_at AT TIME ZONE 'Asia/Shanghai')::date, count(*) FROM new_rows GROUP BY 1, 2
    ON CONFLICT (community_code, day) DO UPDATE SET migrants = r.migrants + excluded.migrants;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE mg_registered_daily r SET migrants = r.migrants - d.n FROM (
      SELECT community_code, (registered_at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*) AS n
      FROM old_rows GROUP BY 1, 2) d WHERE r.community_code = d.community_code AND r.day = d.day;
  ELSE  -- a migrant moved to another community (or the day corrected): out of the old, into the new
    INSERT INTO mg_registered_daily AS r (community_code, day, migrants)
    SELECT community_code, day, sum(n) FROM (
      SELECT community_code, (registered_at AT TIME ZONE 'Asia/Shanghai')::date AS day, 1 AS n FROM new_rows
      UNION ALL
      SELECT community_code, (registered_at AT TIME ZONE 'Asia/Shanghai')::date, -1 FROM old_rows) d
    GROUP BY community_code, day HAVING sum(n) <> 0
    ON CONFLICT (community_code, day) DO UPDATE SET migrants = r.migrants + excluded.migrants;
  END IF;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION mg_count_registered() FROM PUBLIC;
CREATE TRIGGER mg_migrant_registered_insert AFTER INSERT ON mg_migrant REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION mg_count_registered();
CREATE TRIGGER mg_migrant_registered_update AFTER UPDATE ON mg_migrant
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mg_count_registered();
CREATE TRIGGER mg_migrant_registered_delete AFTER DELETE ON mg_migrant REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION mg_count_registered();
CREATE TRIGGER mg_migrant_registered_truncate AFTER TRUNCATE ON mg_migrant
  FOR EACH STATEMENT EXECUTE FUNCTION mg_count_registered();
