//! The store's schema: GeoPackage's required tables plus our own.
//!
//! GeoPackage owns `PRAGMA user_version` and `application_id`; our schema version
//! lives in `stadtatlas_meta`.

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u32 = 7;

/// `application_id` of a GeoPackage ("GPKG").
pub const GPKG_APPLICATION_ID: i32 = 0x4750_4B47;
/// `user_version` for GeoPackage 1.3.
pub const GPKG_USER_VERSION: i32 = 10300;

/// The keys of the tables that grow with the entities, as indexes of
/// their own: a new store is filled first and indexed once (sorting beats a
/// million index inserts). The import makes these rows unique by construction.
/// (`entities_unpointed`, in [`CREATE`], is kept from the start: it holds
/// the few entities without a point, and building it after would read
/// every row: 60 ms of a 10⁶ import.)
pub const BULK_INDEXES: [&str; 2] = [
    "CREATE UNIQUE INDEX entities_id ON entities (id);",
    ASSIGNMENT_KEY,
];

/// The key of `entity_districts` (one of [`BULK_INDEXES`]).
pub const ASSIGNMENT_KEY: &str =
    "CREATE UNIQUE INDEX entity_districts_key ON entity_districts (entity_id, level, district_id);";

/// Drops [`BULK_INDEXES`]: an import of a store's first entities (with
/// foreign keys off) builds them again.
pub const DROP_BULK_INDEXES: &str = "DROP INDEX entities_id; DROP INDEX entity_districts_key;";

/// Keep [`ENTITY_CELLS`] true whatever writes `entities`; made after a new
/// store's bulk load, which fills `entity_cells` itself (in key order).
pub const TRIGGERS: &str = r#"
CREATE TRIGGER entity_cells_insert AFTER INSERT ON entities WHEN NEW.cell IS NOT NULL
BEGIN
  INSERT INTO entity_cells (cell, fid, lon, lat) VALUES (NEW.cell, NEW.fid, NEW.lon, NEW.lat);
END;
CREATE TRIGGER entity_cells_update AFTER UPDATE OF cell, lon, lat ON entities
BEGIN
  DELETE FROM entity_cells WHERE cell = OLD.cell AND fid = OLD.fid;
  INSERT INTO entity_cells (cell, fid, lon, lat)
    SELECT NEW.cell, NEW.fid, NEW.lon, NEW.lat WHERE NEW.cell IS NOT NULL;
END;
CREATE TRIGGER entity_cells_delete AFTER DELETE ON entities
BEGIN
  DELETE FROM entity_cells WHERE cell = OLD.cell AND fid = OLD.fid;
END;
"#;

/// The store's spatial index (see [`super::grid`]): the point of every
/// located entity by grid cell. A table clustered by its key rather than an
/// index on `entities`, because a new store writes it in key order (a sort
/// of a million small tuples in memory) instead of having SQLite sort the
/// entity rows' keys.
pub const ENTITY_CELLS: &str = r#"
CREATE TABLE entity_cells (
  cell INTEGER NOT NULL,
  fid INTEGER NOT NULL,
  lon REAL NOT NULL,
  lat REAL NOT NULL,
  PRIMARY KEY (cell, fid)
) WITHOUT ROWID;
"#;

/// Creates every table of an empty store but [`REVISIONS`] and
/// [`ENTITY_CELLS`], and the keys not in [`BULK_INDEXES`].
///
/// An entity's kind is checked by comparisons, not `kind IN (…)`: SQLite
/// 3.50 checks a list of four that way at about 0.5 µs per row, half a
/// second of a million-entity import (entity rows 1.34–1.44 → 0.87–1.00 s);
/// the comparisons cost next to nothing. Stores made before keep the `IN`.
pub const CREATE: &str = r#"
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
INSERT INTO gpkg_spatial_ref_sys VALUES
 ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
 ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
 ('WGS 84 geodetic', 4326, 'EPSG', 4326,
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
  'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');

CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);

CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);

CREATE TABLE stadtatlas_meta (
  key TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE imports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  files TEXT NOT NULL
);

CREATE TABLE entities (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL
    CHECK (kind = 'partner' OR kind = 'initiative' OR kind = 'project' OR kind = 'body'),
  category TEXT,
  fields TEXT NOT NULL DEFAULT '',
  status TEXT,
  address TEXT,
  website TEXT,
  district_names TEXT NOT NULL DEFAULT '',
  source TEXT,
  verified_on TEXT,
  visibility TEXT NOT NULL DEFAULT 'public',
  record TEXT NOT NULL,
  geom POINT,
  lon REAL,
  lat REAL,
  cell INTEGER,
  rev INTEGER NOT NULL DEFAULT 1,
  import_id INTEGER NOT NULL
);

CREATE TABLE entity_areas (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  entity_id TEXT NOT NULL REFERENCES entities(id),
  name TEXT NOT NULL,
  geom MULTIPOLYGON NOT NULL
);

CREATE TABLE district_levels (
  level TEXT NOT NULL PRIMARY KEY,
  rank INTEGER NOT NULL UNIQUE
);

CREATE TABLE districts (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  level TEXT NOT NULL,
  parent TEXT,
  aliases TEXT NOT NULL DEFAULT '',
  population INTEGER,
  provisional INTEGER NOT NULL DEFAULT 0,
  method TEXT,
  source TEXT,
  record TEXT NOT NULL,
  geom MULTIPOLYGON
);

CREATE TABLE relations (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  from_id TEXT NOT NULL REFERENCES entities(id),
  to_id TEXT NOT NULL REFERENCES entities(id),
  role TEXT NOT NULL,
  field TEXT NOT NULL DEFAULT '',
  source TEXT
);

CREATE TABLE contacts (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  entity_id TEXT NOT NULL REFERENCES entities(id),
  name TEXT NOT NULL,
  role TEXT,
  email TEXT,
  phone TEXT
);

CREATE TABLE entity_districts (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  entity_id TEXT NOT NULL REFERENCES entities(id),
  level TEXT NOT NULL,
  district_id TEXT NOT NULL
);


CREATE UNIQUE INDEX entity_areas_entity ON entity_areas (entity_id);
CREATE INDEX entities_unpointed ON entities (kind) WHERE geom IS NULL;
CREATE UNIQUE INDEX districts_id ON districts (id);
CREATE UNIQUE INDEX relations_key ON relations (from_id, to_id, role, field);
CREATE UNIQUE INDEX contacts_key ON contacts (entity_id, name);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
 ('entities', 'features', 'entities', 'Smart City actors: partners, initiatives, projects, bodies (points; none = city-wide)', 4326),
 ('entity_areas', 'features', 'entity_areas', 'Areas of effect of projects and initiatives', 4326),
 ('districts', 'features', 'districts', 'Districts at every level (see the provisional flag)', 4326),
 ('relations', 'attributes', 'relations', 'Who works with whom: lead, partner, member, funder, operator, chair', NULL),
 ('entity_districts', 'attributes', 'entity_districts', 'District of every entity at every level (city-wide / outside buckets)', NULL);
INSERT INTO gpkg_geometry_columns VALUES
 ('entities', 'geom', 'POINT', 4326, 0, 0),
 ('entity_areas', 'geom', 'MULTIPOLYGON', 4326, 0, 0),
 ('districts', 'geom', 'MULTIPOLYGON', 4326, 0, 0);
"#;

/// Every revision of every record, one B-tree keyed by record and number.
/// `record` is NULL for the current revision: the record is then its row in
/// `entities` or `districts` (kept once, not twice).
pub const REVISIONS: &str = r#"
CREATE TABLE revisions (
  record_kind TEXT NOT NULL CHECK (record_kind IN ('entity','district')),
  record_id TEXT NOT NULL,
  rev INTEGER NOT NULL,
  import_id INTEGER NOT NULL REFERENCES imports(id),
  record TEXT,
  PRIMARY KEY (record_kind, record_id, rev)
) WITHOUT ROWID;
"#;

/// Upgrades a version-6 store: an entity's current revision is its row,
/// which gets the revision's number and import; `revisions` keeps only
/// those superseded (and districts'). (A store made with version 7 has no
/// default import.)
pub const V6_TO_V7: &str = r#"
ALTER TABLE entities ADD COLUMN rev INTEGER NOT NULL DEFAULT 1;
ALTER TABLE entities ADD COLUMN import_id INTEGER NOT NULL DEFAULT 0;
UPDATE entities SET (rev, import_id) = (SELECT r.rev, r.import_id FROM revisions r
  WHERE r.record_kind = 'entity' AND r.record_id = entities.id ORDER BY r.rev DESC LIMIT 1)
  WHERE EXISTS (SELECT 1 FROM revisions r WHERE r.record_kind = 'entity' AND r.record_id = entities.id);
DELETE FROM revisions WHERE record_kind = 'entity'
  AND rev = (SELECT e.rev FROM entities e WHERE e.id = revisions.record_id);
"#;

/// Upgrades a version-1 store: point columns, filled when every entity row
/// is rewritten for version 4 (the grid index follows in [`V2_TO_V3`]); `revisions` moves to the [`REVISIONS`]
/// layout through `revisions_v1` (renamed first).
pub const V1_TO_V2: &str = r#"
ALTER TABLE entities ADD COLUMN lon REAL;
ALTER TABLE entities ADD COLUMN lat REAL;
ALTER TABLE entities ADD COLUMN cell INTEGER;
CREATE INDEX entities_unpointed ON entities (kind) WHERE geom IS NULL;
ALTER TABLE revisions RENAME TO revisions_v1;
"#;

/// After [`V1_TO_V2`] and [`REVISIONS`]: the old revisions moved over.
pub const V1_REVISIONS_MOVED: &str = r#"
INSERT INTO revisions SELECT record_kind, record_id, rev, import_id, record FROM revisions_v1;
DROP TABLE revisions_v1;
"#;

/// Upgrades a version-2 store (after [`ENTITY_CELLS`]): the grid index
/// moves from an index on `entities` to `entity_cells` (filled with
/// [`FILL_ENTITY_CELLS`]); [`TRIGGERS`] follow.
pub const V2_TO_V3: &str = "DROP INDEX IF EXISTS entities_cell;";

/// Drops [`TRIGGERS`], before every entity row is written again: the grid
/// table is refilled once after ([`FILL_ENTITY_CELLS`]) instead of by a
/// trigger per row.
pub const DROP_TRIGGERS: &str = r#"
DROP TRIGGER entity_cells_insert;
DROP TRIGGER entity_cells_update;
DROP TRIGGER entity_cells_delete;
"#;

/// Fills [`ENTITY_CELLS`] from `entities`, in key order.
pub const FILL_ENTITY_CELLS: &str = r#"
DELETE FROM entity_cells;
INSERT INTO entity_cells (cell, fid, lon, lat)
  SELECT cell, fid, lon, lat FROM entities WHERE cell IS NOT NULL ORDER BY cell, fid;
"#;

/// The web part (version 6): the moderation queue, accounts and API
/// tokens (see [`crate::store::moderation`]). Not in `gpkg_contents`: GIS
/// clients do not list them, and none of them is public.
pub const WEB: &str = r#"
CREATE TABLE submissions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at TEXT NOT NULL,
  proposal TEXT NOT NULL,
  contact TEXT,
  consent TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  decided_by TEXT,
  decided_at TEXT,
  reason TEXT,
  record_id TEXT,
  import_id INTEGER REFERENCES imports(id)
);
CREATE TABLE accounts (
  name TEXT NOT NULL PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('coordinator', 'viewer')),
  password TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
  hash TEXT NOT NULL PRIMARY KEY,
  account TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL
);
"#;
