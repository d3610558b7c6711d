//! The PostGIS store's tables, in a schema of their own.
//!
//! The layout follows the GeoPackage store's (same table and column names,
//! so that SQL written for one reads the other), with PostgreSQL's types:
//! `geometry(Point, 4326)` and `geometry(MultiPolygon, 4326)` with GiST
//! indexes, `text[]` for lists. An entity's `record` holds what has no
//! column of its own (since version 4, as in the GeoPackage store:
//! [`crate::store::entity_row`]). An entity's current revision is its row
//! (with the revision's number and import, since version 5); `revisions`
//! keeps the superseded ones and the districts', each with its whole
//! record (as in the GeoPackage store).
//!
//! Ids and level names sort bytewise (`COLLATE "C"`), as in the
//! GeoPackage store, whatever the database's locale: the orders of the
//! answers are the same, and the keys' indexes serve them.
//!
//! `{s}` stands for the quoted schema name, `{reader}`/`{editor}` for the
//! two roles `init` grants to.

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u32 = 5;

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
  record text NOT NULL,
  rev integer NOT NULL DEFAULT 1,
  import_id bigint NOT NULL
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
  entity_id text COLLATE "C" NOT NULL,
  level text COLLATE "C" NOT NULL,
  district_id text COLLATE "C" NOT NULL
);
CREATE TABLE {s}.revisions (
  record_kind text NOT NULL CHECK (record_kind IN ('entity', 'district')),
  record_id text COLLATE "C" NOT NULL,
  rev integer NOT NULL,
  import_id bigint NOT NULL,
  -- (NULL only in stores of version 4 and older.)
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
/// while a million rows arrive). In this order one after the other; a new
/// store's build ([`super::build`]) runs the first two beside the third,
/// each on a connection of its own, and the references last.
pub const INDEXES: [&str; 5] = [
    KEYS_OF_THE_REST,
    ENTITY_INDEXES,
    ENTITY_KEY,
    ENTITY_POINTS,
    REFERENCES,
];

/// The keys of the assignments and revisions (which refer to nothing but
/// the import log).
pub const KEYS_OF_THE_REST: &str = r#"
ALTER TABLE {s}.entity_districts
  ADD CONSTRAINT entity_districts_key PRIMARY KEY (entity_id, level, district_id);
CREATE INDEX entity_districts_level ON {s}.entity_districts (level, district_id);
ALTER TABLE {s}.revisions
  ADD PRIMARY KEY (record_kind, record_id, rev),
  ADD FOREIGN KEY (import_id) REFERENCES {s}.imports (id);
CREATE INDEX revisions_import ON {s}.revisions (import_id);
"#;

/// The index of the entities' key, the unpointed ones' and their areas'.
/// Index builds share-lock a table, so these run beside the spatial
/// index's build ([`ENTITY_POINTS`]); [`ENTITY_KEY`] makes the key of its
/// index once that is done.
pub const ENTITY_INDEXES: &str = r#"
CREATE UNIQUE INDEX entities_id_key ON {s}.entities (id);
CREATE INDEX entities_unpointed ON {s}.entities (fid) WHERE geom IS NULL;
CREATE INDEX entity_areas_geom ON {s}.entity_areas USING gist (geom);
"#;

/// The entities' key, of the index [`ENTITY_INDEXES`] built (an
/// `ALTER TABLE`, which locks the table but takes no time).
pub const ENTITY_KEY: &str =
    "ALTER TABLE {s}.entities ADD CONSTRAINT entities_id_key UNIQUE USING INDEX entities_id_key";

/// The entities' spatial index, the longest to build (2-3 s at 10^6).
pub const ENTITY_POINTS: &str = r#"
CREATE INDEX entities_geom ON {s}.entities USING gist (geom);
"#;

/// What refers to an entity (after [`ENTITY_KEY`]). The assignments'
/// reference is made `NOT VALID`: the rows there when it is made are the
/// import's own, worked out from the records it writes in the same build
/// (as the GeoPackage store's bulk write checks the references that came
/// from files, relations and contacts, and not its assignments); PostgreSQL
/// checks every row written after. Checking a million rows again took
/// 1-2.6 s of a core while the spatial index was being built.
pub const REFERENCES: &str = r#"
ALTER TABLE {s}.entity_areas
  ADD FOREIGN KEY (entity_id) REFERENCES {s}.entities (id);
ALTER TABLE {s}.relations
  ADD FOREIGN KEY (from_id) REFERENCES {s}.entities (id),
  ADD FOREIGN KEY (to_id) REFERENCES {s}.entities (id);
ALTER TABLE {s}.contacts
  ADD FOREIGN KEY (entity_id) REFERENCES {s}.entities (id);
ALTER TABLE {s}.entity_districts
  ADD FOREIGN KEY (entity_id) REFERENCES {s}.entities (id) NOT VALID;
"#;

/// Statistics now, not when autovacuum comes by: the first question after
/// a large import plans with them. Of the entities, the columns that the
/// store's questions filter by (all of them: 0.8 s of a million rows, these
/// 0.45 s; autovacuum analyses the rest soon after).
pub const ANALYZE: &str = "ANALYZE {s}.entities (fid, id, kind, category, status, visibility, website, geom), \
                           {s}.entity_districts, {s}.districts";

/// Undoes [`INDEXES`] (PostgreSQL's own names for the unnamed references):
/// the first entities of a store that `init` made, or a copy into it, are
/// loaded as into a new store and indexed once after.
pub const DROP_INDEXES: &str = r#"
ALTER TABLE {s}.entity_areas DROP CONSTRAINT entity_areas_entity_id_fkey;
ALTER TABLE {s}.relations
  DROP CONSTRAINT relations_from_id_fkey,
  DROP CONSTRAINT relations_to_id_fkey;
ALTER TABLE {s}.contacts DROP CONSTRAINT contacts_entity_id_fkey;
ALTER TABLE {s}.entity_districts
  DROP CONSTRAINT entity_districts_entity_id_fkey,
  DROP CONSTRAINT entity_districts_key;
ALTER TABLE {s}.entities DROP CONSTRAINT entities_id_key;
DROP INDEX {s}.entities_geom, {s}.entities_unpointed, {s}.entity_areas_geom,
  {s}.entity_districts_level, {s}.revisions_import;
ALTER TABLE {s}.revisions
  DROP CONSTRAINT revisions_pkey,
  DROP CONSTRAINT revisions_import_id_fkey;
"#;

/// The two roles: readers see the public profile (every table but
/// `contacts`, and only the rows of public records: [`policies`]), editors
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

/// The tables under row-level security (version 3), those that hold
/// records or rows of records, each with what the reader sees of it (a
/// `USING` clause): public records and what belongs to them. A relation is
/// public when both its ends are; a kept revision when its record was
/// public (the current one is the row); a district's always. Without a policy that lets a role see a row, it sees
/// none; the owner (who ran `init`) is not bound by them.
pub const READER_SEES: [(&str, &str); 6] = [
    ("entities", "visibility = 'public'"),
    (
        "entity_areas",
        "EXISTS (SELECT 1 FROM {s}.entities e WHERE e.id = entity_id AND e.visibility = 'public')",
    ),
    (
        "entity_districts",
        "EXISTS (SELECT 1 FROM {s}.entities e WHERE e.id = entity_id AND e.visibility = 'public')",
    ),
    (
        "relations",
        "EXISTS (SELECT 1 FROM {s}.entities e WHERE e.id = from_id AND e.visibility = 'public') \
         AND EXISTS (SELECT 1 FROM {s}.entities e WHERE e.id = to_id AND e.visibility = 'public')",
    ),
    (
        "revisions",
        "record_kind = 'district' OR record::jsonb ->> 'visibility' = 'public'",
    ),
    ("entity_tallies", "visibility = 'public'"),
];

/// Enables row-level security on every table of [`READER_SEES`].
pub fn row_security() -> String {
    READER_SEES
        .iter()
        .map(|(t, _)| format!("ALTER TABLE {{s}}.{t} ENABLE ROW LEVEL SECURITY;\n"))
        .collect()
}

/// Upgrades a version-4 store (after the steps of older versions): an
/// entity's current revision (its highest), until now a row of
/// `revisions` without a record, moves into its row; the assignments lose
/// their row numbers (`fid`), their key `(entity_id, level, district_id)`
/// becomes the primary one. The two columns come
/// with defaults (revision 1 of the import that wrote most current
/// revisions), which PostgreSQL keeps without writing a row; only the rows
/// that differ are written (rewriting all of a million rows and their
/// indexes took 25 s). A store where an entity has no revision is refused.
pub const V4_TO_V5: &str = r#"
DO $$
DECLARE
  common bigint;
  moved bigint;
BEGIN
  SELECT import_id INTO common FROM {s}.revisions
    WHERE record_kind = 'entity' AND record IS NULL
    GROUP BY import_id ORDER BY count(*) DESC, import_id LIMIT 1;
  EXECUTE format('ALTER TABLE {s}.entities ADD COLUMN rev integer NOT NULL DEFAULT 1, '
                 'ADD COLUMN import_id bigint NOT NULL DEFAULT %s', coalesce(common, 0));
  ALTER TABLE {s}.entities ALTER COLUMN import_id DROP DEFAULT;
  UPDATE {s}.entities e SET rev = r.rev, import_id = r.import_id
    FROM (SELECT DISTINCT ON (record_id) record_id, rev, import_id FROM {s}.revisions
          WHERE record_kind = 'entity' ORDER BY record_id, rev DESC) r
    WHERE r.record_id = e.id AND (e.rev, e.import_id) IS DISTINCT FROM (r.rev, r.import_id);
  DELETE FROM {s}.revisions r USING {s}.entities e
    WHERE r.record_kind = 'entity' AND r.record_id = e.id AND r.rev = e.rev;
  GET DIAGNOSTICS moved = ROW_COUNT;
  IF moved <> (SELECT count(*) FROM {s}.entities) THEN
    RAISE EXCEPTION 'of % entities, % have a current revision in revisions',
      (SELECT count(*) FROM {s}.entities), moved;
  END IF;
END $$;
ALTER TABLE {s}.entity_districts DROP CONSTRAINT entity_districts_key, DROP COLUMN fid;
ALTER TABLE {s}.entity_districts
  ADD CONSTRAINT entity_districts_key PRIMARY KEY (entity_id, level, district_id);
"#;

/// The policies (made again on every upgrade): the editor sees and changes
/// every row, the reader sees [`READER_SEES`].
pub fn policies() -> String {
    READER_SEES
        .iter()
        .map(|(t, sees)| {
            format!(
                "DROP POLICY IF EXISTS editor_all ON {{s}}.{t};\n\
                 DROP POLICY IF EXISTS reader_public ON {{s}}.{t};\n\
                 CREATE POLICY editor_all ON {{s}}.{t} TO {{editor}} USING (true) WITH CHECK (true);\n\
                 CREATE POLICY reader_public ON {{s}}.{t} FOR SELECT TO {{reader}} USING ({sees});\n"
            )
        })
        .collect()
}

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
