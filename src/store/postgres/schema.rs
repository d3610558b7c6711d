//! The PostGIS store's tables, in a schema of their own.
//!
//! The layout follows the GeoPackage store's (same table and column names,
//! so that SQL written for one reads the other), with PostgreSQL's types:
//! `geometry(Point, 4326)` and `geometry(MultiPolygon, 4326)` with GiST
//! indexes, `text[]` for lists. Every revision keeps its whole record, except an
//! entity's current one, which is its row's (as in the GeoPackage store).
//!
//! Ids and level names sort bytewise (`COLLATE "C"`), as in the
//! GeoPackage store, whatever the database's locale: the orders of the
//! answers are the same, and the keys' indexes serve them.
//!
//! `{s}` stands for the quoted schema name, `{reader}`/`{editor}` for the
//! two roles `init` grants to.

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u32 = 3;

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
  id text COLLATE "C" NOT NULL,
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
CREATE TABLE {s}.entity_areas (
  entity_id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  geom geometry(MultiPolygon, 4326) NOT NULL
);
CREATE TABLE {s}.district_levels (
  level text COLLATE "C" PRIMARY KEY,
  rank integer NOT NULL UNIQUE
);
CREATE TABLE {s}.districts (
  fid bigserial PRIMARY KEY,
  id text COLLATE "C" NOT NULL UNIQUE,
  name text NOT NULL,
  level text COLLATE "C" NOT NULL,
  parent text COLLATE "C",
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
  from_id text COLLATE "C" NOT NULL,
  to_id text COLLATE "C" NOT NULL,
  role text NOT NULL,
  field text NOT NULL DEFAULT '',
  source text,
  UNIQUE (from_id, to_id, role, field)
);
CREATE TABLE {s}.contacts (
  fid bigserial PRIMARY KEY,
  entity_id text COLLATE "C" NOT NULL,
  name text NOT NULL,
  role text,
  email text,
  phone text,
  UNIQUE (entity_id, name)
);
CREATE TABLE {s}.entity_districts (
  fid bigserial PRIMARY KEY,
  entity_id text COLLATE "C" NOT NULL,
  level text COLLATE "C" NOT NULL,
  district_id text COLLATE "C" NOT NULL
);
CREATE TABLE {s}.revisions (
  record_kind text NOT NULL CHECK (record_kind IN ('entity', 'district')),
  record_id text COLLATE "C" NOT NULL,
  rev integer NOT NULL,
  import_id bigint NOT NULL,
  -- NULL for an entity's current revision, whose record is its row's.
  record text
);
CREATE TABLE {s}.entity_tallies (
  level text COLLATE "C" NOT NULL,
  district_id text COLLATE "C" NOT NULL,
  kind text NOT NULL,
  category text,
  status text,
  fields text[] NOT NULL,
  visibility text NOT NULL,
  n bigint NOT NULL,
  UNIQUE NULLS NOT DISTINCT (level, district_id, kind, category, status, fields, visibility)
);
"#;

/// The keys, indexes and references of the large tables, made after the
/// tables: at once by `init`, after the first import's rows by an import
/// into a new store (building an index once is faster than keeping it
/// while a million rows arrive).
pub const INDEXES: &str = r#"
ALTER TABLE {s}.entities ADD CONSTRAINT entities_id_key UNIQUE (id);
CREATE INDEX entities_geom ON {s}.entities USING gist (geom);
CREATE INDEX entities_unpointed ON {s}.entities (fid) WHERE geom IS NULL;
ALTER TABLE {s}.entity_areas
  ADD FOREIGN KEY (entity_id) REFERENCES {s}.entities (id);
CREATE INDEX entity_areas_geom ON {s}.entity_areas USING gist (geom);
ALTER TABLE {s}.relations
  ADD FOREIGN KEY (from_id) REFERENCES {s}.entities (id),
  ADD FOREIGN KEY (to_id) REFERENCES {s}.entities (id);
ALTER TABLE {s}.contacts
  ADD FOREIGN KEY (entity_id) REFERENCES {s}.entities (id);
ALTER TABLE {s}.entity_districts
  ADD CONSTRAINT entity_districts_key UNIQUE (entity_id, level, district_id),
  ADD FOREIGN KEY (entity_id) REFERENCES {s}.entities (id);
CREATE INDEX entity_districts_level ON {s}.entity_districts (level, district_id);
ALTER TABLE {s}.revisions
  ADD PRIMARY KEY (record_kind, record_id, rev),
  ADD FOREIGN KEY (import_id) REFERENCES {s}.imports (id);
CREATE INDEX revisions_import ON {s}.revisions (import_id);
"#;

/// The two roles: readers see the public profile (every table but
/// `contacts`, and only the rows of public records: [`POLICIES`]), editors
/// change everything. Group roles without login; an
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
REVOKE ALL ON {s}.contacts, {s}.submissions, {s}.accounts, {s}.api_tokens FROM {reader};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {editor};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {editor};
"#;

/// Row-level security (version 3) on the tables that hold records or rows
/// of records: without a policy that lets a role see a row, it sees none.
/// The owner (who ran `init`) is not bound by it.
pub const ROW_SECURITY: &str = r#"
ALTER TABLE {s}.entities ENABLE ROW LEVEL SECURITY;
ALTER TABLE {s}.entity_areas ENABLE ROW LEVEL SECURITY;
ALTER TABLE {s}.entity_districts ENABLE ROW LEVEL SECURITY;
ALTER TABLE {s}.relations ENABLE ROW LEVEL SECURITY;
ALTER TABLE {s}.revisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE {s}.entity_tallies ENABLE ROW LEVEL SECURITY;
"#;

/// The policies of [`ROW_SECURITY`] (made again on every upgrade): the
/// editor sees and changes every row; the reader sees public records and
/// what belongs to them only. A relation is public when both its ends are;
/// a revision when its record was public (the current one's record is the
/// row's, public when the row is); a district's always.
pub const POLICIES: &str = r#"
DROP POLICY IF EXISTS editor_all ON {s}.entities;
DROP POLICY IF EXISTS editor_all ON {s}.entity_areas;
DROP POLICY IF EXISTS editor_all ON {s}.entity_districts;
DROP POLICY IF EXISTS editor_all ON {s}.relations;
DROP POLICY IF EXISTS editor_all ON {s}.revisions;
DROP POLICY IF EXISTS editor_all ON {s}.entity_tallies;
DROP POLICY IF EXISTS reader_public ON {s}.entities;
DROP POLICY IF EXISTS reader_public ON {s}.entity_areas;
DROP POLICY IF EXISTS reader_public ON {s}.entity_districts;
DROP POLICY IF EXISTS reader_public ON {s}.relations;
DROP POLICY IF EXISTS reader_public ON {s}.revisions;
DROP POLICY IF EXISTS reader_public ON {s}.entity_tallies;
CREATE POLICY editor_all ON {s}.entities TO {editor} USING (true) WITH CHECK (true);
CREATE POLICY editor_all ON {s}.entity_areas TO {editor} USING (true) WITH CHECK (true);
CREATE POLICY editor_all ON {s}.entity_districts TO {editor} USING (true) WITH CHECK (true);
CREATE POLICY editor_all ON {s}.relations TO {editor} USING (true) WITH CHECK (true);
CREATE POLICY editor_all ON {s}.revisions TO {editor} USING (true) WITH CHECK (true);
CREATE POLICY editor_all ON {s}.entity_tallies TO {editor} USING (true) WITH CHECK (true);
CREATE POLICY reader_public ON {s}.entities FOR SELECT TO {reader}
  USING (visibility = 'public');
CREATE POLICY reader_public ON {s}.entity_areas FOR SELECT TO {reader}
  USING (EXISTS (SELECT 1 FROM {s}.entities e WHERE e.id = entity_id AND e.visibility = 'public'));
CREATE POLICY reader_public ON {s}.entity_districts FOR SELECT TO {reader}
  USING (EXISTS (SELECT 1 FROM {s}.entities e WHERE e.id = entity_id AND e.visibility = 'public'));
CREATE POLICY reader_public ON {s}.relations FOR SELECT TO {reader}
  USING (EXISTS (SELECT 1 FROM {s}.entities e WHERE e.id = from_id AND e.visibility = 'public')
     AND EXISTS (SELECT 1 FROM {s}.entities e WHERE e.id = to_id AND e.visibility = 'public'));
CREATE POLICY reader_public ON {s}.revisions FOR SELECT TO {reader}
  USING (record_kind = 'district'
     OR (record IS NULL AND EXISTS (SELECT 1 FROM {s}.entities e
                                    WHERE e.id = record_id AND e.visibility = 'public'))
     OR (record IS NOT NULL AND record::jsonb ->> 'visibility' = 'public'));
CREATE POLICY reader_public ON {s}.entity_tallies FOR SELECT TO {reader}
  USING (visibility = 'public');
"#;

/// The web part (version 2): the moderation queue, accounts and API
/// tokens (see [`crate::store::web`]); none of them readable by the reader
/// role ([`ROLES`]).
pub const WEB: &str = r#"
CREATE TABLE {s}.submissions (
  id bigserial PRIMARY KEY,
  received_at text NOT NULL,
  proposal text NOT NULL,
  contact text,
  consent text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  decided_by text,
  decided_at text,
  reason text,
  record_id text COLLATE "C",
  import_id bigint REFERENCES {s}.imports (id)
);
CREATE TABLE {s}.accounts (
  name text COLLATE "C" PRIMARY KEY,
  role text NOT NULL CHECK (role IN ('coordinator', 'viewer')),
  password text NOT NULL,
  created_at text NOT NULL
);
CREATE TABLE {s}.api_tokens (
  hash text PRIMARY KEY,
  account text COLLATE "C" NOT NULL REFERENCES {s}.accounts (name),
  label text NOT NULL,
  created_at text NOT NULL
);
"#;
