-- Sansetu schema, version 1: divisions, registers, health codes, managed persons.
-- Codes are checked here as well as at import, so no path into the database can store a bad one.

CREATE FUNCTION gb11643_is_valid(id text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  -- GB 11643 check character: weights 2^(17-i) mod 11, remainder mapped through '10X98765432'.
  SELECT id ~ '^[0-9]{17}[0-9X]$' AND substr('10X98765432', ((
      substr(id, 1, 1)::int * 7 + substr(id, 2, 1)::int * 9 + substr(id, 3, 1)::int * 10
    + substr(id, 4, 1)::int * 5 + substr(id, 5, 1)::int * 8 + substr(id, 6, 1)::int * 4
    + substr(id, 7, 1)::int * 2 + substr(id, 8, 1)::int * 1 + substr(id, 9, 1)::int * 6
    + substr(id, 10, 1)::int * 3 + substr(id, 11, 1)::int * 7 + substr(id, 12, 1)::int * 9
    + substr(id, 13, 1)::int * 10 + substr(id, 14, 1)::int * 5 + substr(id, 15, 1)::int * 8
    + substr(id, 16, 1)::int * 4 + substr(id, 17, 1)::int * 2) % 11) + 1, 1) = substr(id, 18, 1)
$$;

CREATE FUNCTION gb32100_is_valid(code text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  -- GB 32100 check character over the 31-character alphabet (no I, O, S, V, Z).
  SELECT code ~ '^[0-9]{8}[0-9A-HJ-NP-RTUWXY]{10}$' AND substr(a, (31 - (
      SELECT sum((strpos(a, substr(code, i::int, 1)) - 1) * w)
      FROM unnest(ARRAY[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
           WITH ORDINALITY AS t(w, i)
    )::int % 31) % 31 + 1, 1) = substr(code, 18, 1)
  FROM (SELECT '0123456789ABCDEFGHJKLMNPQRTUWXY'::text AS a) alphabet
$$;

-- Display GeoJSON is computed once when a boundary is written, never per request.
CREATE FUNCTION set_display_geojson() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.geojson := ST_AsGeoJSON(ST_SimplifyPreserveTopology(NEW.geom, 0.00002), 6);
  RETURN NEW;
END $$;

CREATE TABLE district (
  code char(12) PRIMARY KEY CHECK (code ~ '^[0-9]{6}000000$'),
  name text NOT NULL CHECK (name <> ''),
  geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  geojson text NOT NULL
);

CREATE TABLE street (
  code char(12) PRIMARY KEY CHECK (code ~ '^[0-9]{9}000$'),
  name text NOT NULL CHECK (name <> ''),
  district_code char(12) NOT NULL REFERENCES district,
  geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  geojson text NOT NULL,
  UNIQUE (district_code, name),
  CHECK (left(code, 6) = left(district_code, 6))
);

CREATE TABLE community (
  code char(12) PRIMARY KEY CHECK (code ~ '^[0-9]{12}$' AND right(code, 3) <> '000'),
  name text NOT NULL CHECK (name <> ''),
  street_code char(12) NOT NULL REFERENCES street,
  geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  geojson text NOT NULL,
  UNIQUE (street_code, name),
  CHECK (left(code, 9) = left(street_code, 9))
);
CREATE INDEX district_geom_idx ON district USING gist (geom);
CREATE INDEX street_geom_idx ON street USING gist (geom);
CREATE INDEX community_geom_idx ON community USING gist (geom);
CREATE INDEX community_street_idx ON community (street_code);
CREATE TRIGGER district_geojson BEFORE INSERT OR UPDATE OF geom ON district
  FOR EACH ROW EXECUTE FUNCTION set_display_geojson();
CREATE TRIGGER street_geojson BEFORE INSERT OR UPDATE OF geom ON street
  FOR EACH ROW EXECUTE FUNCTION set_display_geojson();
CREATE TRIGGER community_geojson BEFORE INSERT OR UPDATE OF geom ON community
  FOR EACH ROW EXECUTE FUNCTION set_display_geojson();

-- Everyone the district knows of: residents (with a community) and employees living elsewhere (without).
CREATE TABLE person (
  id_number char(18) PRIMARY KEY CHECK (gb11643_is_valid(id_number)),
  name text NOT NULL CHECK (name <> ''),
  phone text CHECK (phone ~ '^1[3-9][0-9]{9}$'),
  residence_type text CHECK (residence_type IN ('permanent', 'temporary')),
  community_code char(12) REFERENCES community,
  address text,
  CHECK ((residence_type IS NULL) = (community_code IS NULL))
);
CREATE INDEX person_community_idx ON person (community_code);

CREATE TABLE enterprise (
  credit_code char(18) PRIMARY KEY CHECK (gb32100_is_valid(credit_code)),
  name text NOT NULL CHECK (name <> ''),
  address text,
  industry text NOT NULL,
  location geometry(Point, 4326),
  community_code char(12) REFERENCES community
);
CREATE INDEX enterprise_location_idx ON enterprise USING gist (location);
CREATE INDEX enterprise_community_idx ON enterprise (community_code);

-- A file that gives a location but no community gets the community whose polygon covers the point.
CREATE FUNCTION assign_enterprise_community() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.community_code IS NULL AND NEW.location IS NOT NULL THEN
    SELECT c.code INTO NEW.community_code
    FROM community c WHERE ST_Covers(c.geom, NEW.location) ORDER BY c.code LIMIT 1;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER enterprise_community BEFORE INSERT OR UPDATE OF location, community_code ON enterprise
  FOR EACH ROW EXECUTE FUNCTION assign_enterprise_community();

-- Social-insurance records: who works where.
CREATE TABLE employment (
  credit_code char(18) NOT NULL REFERENCES enterprise ON DELETE CASCADE,
  id_number char(18) NOT NULL REFERENCES person ON DELETE CASCADE,
  since date,
  PRIMARY KEY (credit_code, id_number)
);
CREATE INDEX employment_person_idx ON employment (id_number);

CREATE TABLE health_code (
  id_number char(18) PRIMARY KEY REFERENCES person ON DELETE CASCADE,
  colour text NOT NULL CHECK (colour IN ('green', 'yellow', 'red')),
  changed_at timestamptz NOT NULL,
  source text NOT NULL CHECK (source <> '')
);
CREATE INDEX health_code_changed_idx ON health_code (changed_at);

-- Append-only: the application may add rows, never change or remove them.
CREATE TABLE health_code_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id_number char(18) NOT NULL REFERENCES person,
  colour text NOT NULL CHECK (colour IN ('green', 'yellow', 'red')),
  previous_colour text CHECK (previous_colour IN ('green', 'yellow', 'red')),
  changed_at timestamptz NOT NULL,
  source text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX health_code_history_person_idx ON health_code_history (id_number, changed_at);
CREATE INDEX health_code_history_changed_idx ON health_code_history (changed_at);
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER health_code_history_append_only BEFORE UPDATE OR DELETE ON health_code_history
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE managed_person (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id_number char(18) NOT NULL CHECK (gb11643_is_valid(id_number)),
  kind text NOT NULL CHECK (kind IN
    ('centralised_isolation', 'home_isolation', 'close_contact', 'inbound', 'key_area_returnee')),
  community_code char(12) NOT NULL REFERENCES community,
  start_date date NOT NULL,
  end_date date CHECK (end_date >= start_date),
  UNIQUE (id_number, kind, start_date)
);
CREATE INDEX managed_person_community_idx ON managed_person (community_code);
