//! The PostGIS store's tables, in a schema of their own.
//!
//! The layout follows the GeoPackage store's (same table and column names,
//! so that SQL written for one reads the other), with PostgreSQL's types:
//! `geometry(Point, 4326)` and `geometry(MultiPolygon, 4326)` with GiST
//! indexes, `text[]` for lists. Every revision keeps its whole record (the
//! GeoPackage store keeps the current one only in its row).
//!
//! `{s}` stands for the quoted schema name, `{reader}`/`{editor}` for the
//! two roles `init` grants to.

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// The tables of an empty store.
pub const CREATE: &str = r#"
CREATE SCHEMA {s};
CREATE TABLE {s}.stadtatlas_meta (
  key text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE {s}.imports (
  id bigint PRIMARY KEY,
  at text NOT NULL,
  files text NOT NULL
);
CREATE TABLE {s}.entities (
  fid bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('partner', 'initiative', 'project', 'body')),
  category text,
  fields text[] NOT NULL DEFAULT '{}',
  status text,
  address text,
  website text,
  district_names text[] NOT NULL DEFAULT '{}',
  source text,
  verified_on text,
  visibility text NOT NULL DEFAULT 'public',
  lon double precision,
  lat double precision,
  geom geometry(Point, 4326) GENERATED ALWAYS AS
    (CASE WHEN lon IS NULL OR lat IS NULL THEN NULL
     ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END) STORED,
  record text NOT NULL
);
CREATE INDEX entities_geom ON {s}.entities USING gist (geom);
CREATE INDEX entities_unpointed ON {s}.entities (fid) WHERE geom IS NULL;
CREATE TABLE {s}.entity_areas (
  entity_id text PRIMARY KEY REFERENCES {s}.entities (id),
  name text NOT NULL,
  geom geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX entity_areas_geom ON {s}.entity_areas USING gist (geom);
CREATE TABLE {s}.district_levels (
  level text PRIMARY KEY,
  rank integer NOT NULL UNIQUE
);
CREATE TABLE {s}.districts (
  fid bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  name text NOT NULL,
  level text NOT NULL,
  parent text,
  aliases text[] NOT NULL DEFAULT '{}',
  population bigint,
  provisional boolean NOT NULL DEFAULT false,
  method text,
  source text,
  record text NOT NULL,
  geom geometry(MultiPolygon, 4326)
);
CREATE INDEX districts_geom ON {s}.districts USING gist (geom);
CREATE TABLE {s}.relations (
  fid bigserial PRIMARY KEY,
  from_id text NOT NULL REFERENCES {s}.entities (id),
  to_id text NOT NULL REFERENCES {s}.entities (id),
  role text NOT NULL,
  field text NOT NULL DEFAULT '',
  source text,
  UNIQUE (from_id, to_id, role, field)
);
CREATE TABLE {s}.contacts (
  fid bigserial PRIMARY KEY,
  entity_id text NOT NULL REFERENCES {s}.entities (id),
  name text NOT NULL,
  role text,
  email text,
  phone text,
  UNIQUE (entity_id, name)
);
CREATE TABLE {s}.entity_districts (
  fid bigserial PRIMARY KEY,
  entity_id text NOT NULL REFERENCES {s}.entities (id),
  level text NOT NULL,
  district_id text NOT NULL,
  UNIQUE (entity_id, level, district_id)
);
CREATE INDEX entity_districts_level ON {s}.entity_districts (level, district_id);
CREATE TABLE {s}.revisions (
  record_kind text NOT NULL CHECK (record_kind IN ('entity', 'district')),
  record_id text NOT NULL,
  rev integer NOT NULL,
  import_id bigint NOT NULL REFERENCES {s}.imports (id),
  record text NOT NULL,
  PRIMARY KEY (record_kind, record_id, rev)
);
CREATE INDEX revisions_import ON {s}.revisions (import_id);
"#;

/// The two roles: readers see the public profile (every table but
/// `contacts`), editors change everything. Group roles without login; an
/// administrator grants them to people (`GRANT {reader} TO alice`).
pub const ROLES: &str = r#"
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{reader_name}') THEN
    CREATE ROLE {reader} NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{editor_name}') THEN
    CREATE ROLE {editor} NOLOGIN;
  END IF;
END $$;
GRANT USAGE ON SCHEMA {s} TO {reader}, {editor};
GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {reader};
REVOKE ALL ON {s}.contacts FROM {reader};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {editor};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {editor};
"#;
