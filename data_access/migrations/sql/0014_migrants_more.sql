-- New residents, more (新拱墅人一码通): the landlord's house placed on the public form's small map (the point
-- must lie in the chosen community: checked here at declaration and again at review), a migrant linked to
-- the person register when the register holds the ID, and the public house search throttled per address.

-- A migrant whose ID the person register holds points at it (set on every write of the migrant row, so an
-- accepted declaration links it; a person removed from the register unlinks, the migrant stays).
ALTER TABLE mg_migrant ADD COLUMN person_id_number char(18) REFERENCES person (id_number) ON DELETE SET NULL;
CREATE INDEX mg_migrant_person_idx ON mg_migrant (person_id_number);
CREATE FUNCTION mg_migrant_link_person() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
  -- as the owner: the register's person may live outside the reviewer's area (only the link is kept)
  NEW.person_id_number := (SELECT p.id_number FROM person p WHERE p.id_number = NEW.id_number);
  RETURN NEW;
END $$;
REVOKE EXECUTE ON FUNCTION mg_migrant_link_person() FROM PUBLIC;
CREATE TRIGGER mg_migrant_link_person BEFORE INSERT OR UPDATE ON mg_migrant
  FOR EACH ROW EXECUTE FUNCTION mg_migrant_link_person();
UPDATE mg_migrant m SET person_id_number = m.id_number WHERE EXISTS (SELECT 1 FROM person p
  WHERE p.id_number = m.id_number);

-- Each house's tenants, kept by PostgreSQL (once per statement, so a bulk load adds one UPDATE): the map counts
-- migrants per cell from the 60,000 houses instead of the 400,000 migrants.
ALTER TABLE mg_house ADD COLUMN tenants integer NOT NULL DEFAULT 0 CHECK (tenants >= 0);
UPDATE mg_house h SET tenants = t.n FROM (SELECT house_id, count(*) AS n FROM mg_migrant
  WHERE house_id IS NOT NULL GROUP BY house_id) t WHERE t.house_id = h.id;
CREATE FUNCTION mg_house_count_tenants() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
  -- as the owner: the web role may not write the count (only its moves do, through this trigger)
  IF TG_OP = 'INSERT' THEN
    UPDATE mg_house h SET tenants = h.tenants + d.n FROM (SELECT house_id, count(*) AS n FROM new_rows
      WHERE house_id IS NOT NULL GROUP BY house_id) d WHERE h.id = d.house_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE mg_house h SET tenants = h.tenants - d.n FROM (SELECT house_id, count(*) AS n FROM old_rows
      WHERE house_id IS NOT NULL GROUP BY house_id) d WHERE h.id = d.house_id;
  ELSE
    UPDATE mg_house h SET tenants = h.tenants + d.n FROM (
      SELECT house_id, sum(n) AS n FROM (SELECT house_id, 1 AS n FROM new_rows WHERE house_id IS NOT NULL
                                         UNION ALL
                                         SELECT house_id, -1 FROM old_rows WHERE house_id IS NOT NULL) x
      GROUP BY house_id HAVING sum(n) <> 0) d WHERE h.id = d.house_id;
  END IF;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION mg_house_count_tenants() FROM PUBLIC;
CREATE TRIGGER mg_migrant_tenants_insert AFTER INSERT ON mg_migrant REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION mg_house_count_tenants();
CREATE TRIGGER mg_migrant_tenants_update AFTER UPDATE ON mg_migrant
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mg_house_count_tenants();
CREATE TRIGGER mg_migrant_tenants_delete AFTER DELETE ON mg_migrant REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION mg_house_count_tenants();

-- A declaration: as 0013's, and a landlord's point (fields lon, lat) must lie in the chosen community.
CREATE OR REPLACE FUNCTION mg_declare(p_kind text, p_id_number text, p_name text, p_phone text, p_house_code text,
                                      p_community_code text, p_fields jsonb, p_client_address text,
                                      p_receipt_sha256 text)
RETURNS text LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_house mg_house%ROWTYPE;
  v_community char(12);
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('mg.declare.address:' || coalesce(p_client_address, '-')));
  PERFORM pg_advisory_xact_lock(hashtext('mg.declare.id:' || p_id_number));
  IF (SELECT count(*) FROM mg_declaration WHERE client_address = p_client_address
        AND declared_at > now() - interval '15 minutes') >= 10
     OR (SELECT count(*) FROM mg_declaration WHERE id_number = CAST(p_id_number AS char(18))
        AND declared_at > now() - interval '1 hour') >= 3 THEN
    RETURN 'throttled';
  END IF;
  IF p_house_code IS NOT NULL THEN
    SELECT * INTO v_house FROM mg_house WHERE house_code = p_house_code;
    IF NOT FOUND THEN
      RETURN 'no_house';
    END IF;
    v_community := v_house.community_code;
  ELSE
    SELECT code INTO v_community FROM community WHERE code = p_community_code;
    IF NOT FOUND THEN
      RETURN 'no_community';
    END IF;
  END IF;
  IF p_kind = 'landlord' AND p_fields ? 'lon' AND NOT EXISTS (
       SELECT 1 FROM community c WHERE c.code = v_community AND ST_Covers(c.geom,
         ST_SetSRID(ST_MakePoint((p_fields->>'lon')::float8, (p_fields->>'lat')::float8), 4326))) THEN
    RETURN 'outside';
  END IF;
  INSERT INTO mg_declaration (community_code, kind, id_number, name, phone, house_id, fields, client_address,
                              receipt_sha256)
  VALUES (v_community, p_kind, p_id_number, p_name, p_phone, v_house.id, coalesce(p_fields, '{}'),
          p_client_address, p_receipt_sha256);
  RETURN 'ok';
END $$;

-- The public map: a community's outline, or (none named) every community's, simplified for a phone's
-- 320 pixels; and the community a tapped point lies in.
CREATE FUNCTION mg_outline(p_community text)
RETURNS TABLE (code text, geojson text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT c.code::text, ST_AsGeoJSON(ST_SimplifyPreserveTopology(c.geom, CASE WHEN p_community IS NULL
                                                                     THEN 0.0002 ELSE 0.00002 END), 6)
  FROM community c WHERE p_community IS NULL OR c.code = p_community ORDER BY c.code
$$;

CREATE FUNCTION mg_community_at(p_lon float8, p_lat float8)
RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT c.code::text FROM community c
  WHERE ST_Covers(c.geom, ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)) ORDER BY c.code LIMIT 1
$$;

-- The public house search, throttled per address like the declaration: 30 searches in 15 minutes (a search is
-- a few tries per declaration; more is someone reading the register of addresses). One row a search, kept a
-- day; counted one at a time per address (advisory lock). Throttled: one row with throttled true, no house.
CREATE TABLE mg_search (
  client_address text NOT NULL,
  searched_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mg_search_address_idx ON mg_search (client_address, searched_at);
ALTER TABLE mg_search ENABLE ROW LEVEL SECURITY;  -- no policy: nobody but the function below reads or writes

CREATE FUNCTION mg_find_houses(p_query text, p_client_address text)
RETURNS TABLE (code text, label text, throttled boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('mg.search.address:' || coalesce(p_client_address, '-')));
  IF (SELECT count(*) FROM mg_search s WHERE s.client_address = coalesce(p_client_address, '-')
        AND s.searched_at > now() - interval '15 minutes') >= 30 THEN
    RETURN QUERY SELECT NULL::text, NULL::text, true;
    RETURN;
  END IF;
  DELETE FROM mg_search s WHERE s.client_address = coalesce(p_client_address, '-')
    AND s.searched_at < now() - interval '1 day';
  INSERT INTO mg_search (client_address) VALUES (coalesce(p_client_address, '-'));
  RETURN QUERY SELECT p.code, p.label, false FROM mg_places(p_query) p WHERE p.kind = 'house';
END $$;

REVOKE EXECUTE ON FUNCTION mg_outline(text), mg_community_at(float8, float8), mg_find_houses(text, text)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mg_outline(text), mg_community_at(float8, float8), mg_find_houses(text, text)
  TO sansetu_app;

-- Per community, as 0013's view (same columns), from the houses' kept tenants: one pass over the houses and the
-- waiting declarations instead of a count of migrants and a search for a tenant per house.
CREATE OR REPLACE VIEW migrant_community_counts WITH (security_invoker = true) AS
SELECT c.code AS community_code,
       coalesce(h.migrants, 0)::int AS migrants,
       coalesce(h.houses, 0)::int AS houses,
       coalesce(h.empty_houses, 0)::int AS empty_houses,
       coalesce(d.waiting, 0)::int AS waiting,
       coalesce(d.waiting_over_day, 0)::int AS waiting_over_day
FROM community c
LEFT JOIN (SELECT community_code, sum(tenants) AS migrants, count(*) AS houses,
                  count(*) FILTER (WHERE tenants = 0) AS empty_houses
           FROM mg_house GROUP BY community_code) h ON h.community_code = c.code
LEFT JOIN (SELECT community_code, count(*) AS waiting,
                  count(*) FILTER (WHERE declared_at < now() - interval '1 day') AS waiting_over_day
           FROM mg_declaration WHERE state = 'waiting' GROUP BY community_code) d ON d.community_code = c.code;
