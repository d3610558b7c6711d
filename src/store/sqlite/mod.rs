//! The SQLite backend: one file that is a valid OGC GeoPackage.
//!
//! An entity is read back from its row's flat columns plus `record`, the
//! JSON of what has no column (see [`crate::store::entity_row`]); a district row keeps its
//! whole record as JSON. Flat columns and GeoPackage geometries serve GDAL,
//! QGIS and SQL users.

mod bulk;
mod gpkg_blob;
pub mod grid;
mod read;
mod schema;
mod tally;
mod web;
mod write;

pub use gpkg_blob::{BlobError, decode as decode_geometry, encode as encode_geometry};
pub use schema::SCHEMA_VERSION;

use super::{AssignmentRow, ChangeSet, Revision, Snapshot, Store, StoreError};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The page size of every new store file, SQLite's largest: a bulk load of a
/// million rows splits and balances a sixteenth of the B-tree pages it would
/// with the default 4 KiB (10^6 import: 7.5 s → 6.3 s), at the price of
/// reading 64 KiB for each entity row fetched by id (a `near` with 8,000
/// hits: 64 ms → 74 ms). Effective only before the first table exists.
const PAGE_SIZE: &str = "PRAGMA page_size = 65536;";

/// Settings for building a new store file that nobody else sees yet.
const BULK_PRAGMAS: &str = "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; \
                            PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = MEMORY; \
                            PRAGMA cache_size = -262144; PRAGMA foreign_keys = OFF;";

/// Settings of every connection that may write. SQLite's default page cache
/// is 2 MB, 31 of our 64 KiB pages: an import of 10^5 rows into a store spilled
/// it all the time, and each statement's journal of changed pages went to a
/// temporary file (together 40 % of that import). The cache is a ceiling,
/// not an allocation, but reads fill it: 32 MB, not more, keeps a small import
/// into a 10^6 store (which reads ~3,400 neighbours, a 64 KiB page each) at
/// 79 MB (174 MB with 128 MB), and a 10^5 import as fast.
const WRITER_PRAGMAS: &str =
    "PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;";

/// How long a writer waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A store in one SQLite/GeoPackage file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

/// Fails when a relation or contact refers to an entity that does not
/// exist: those references come from the files. (`entity_districts` and
/// `entity_areas` rows are made from the entities written with them;
/// checking their million references cost 0.3 s of a 10⁶ import.)
fn check_foreign_keys(conn: &Connection) -> Result<(), StoreError> {
    for q in [
        "PRAGMA foreign_key_check(relations)",
        "PRAGMA foreign_key_check(contacts)",
    ] {
        let mut stmt = conn.prepare(q).map_err(sql_err(q))?;
        let mut rows = stmt.query([]).map_err(sql_err(q))?;
        if let Some(row) = rows.next().map_err(sql_err(q))? {
            let table: String = row.get(0).map_err(sql_err(q))?;
            let rowid: i64 = row.get(1).map_err(sql_err(q))?;
            return Err(StoreError::Corrupt {
                what: "reference",
                id: format!("{table} row {rowid}"),
                source: "refers to a record that does not exist".into(),
            });
        }
    }
    Ok(())
}

pub(crate) fn sql_err(query: &str) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Sql {
        query: query.to_string(),
        source: Box::new(source),
    }
}

impl SqliteStore {
    /// Creates a new, empty store. Fails when the file exists.
    ///
    /// # Errors
    /// [`StoreError::Exists`] when the file exists, [`StoreError::Open`] when
    /// it cannot be written.
    pub fn create(path: &Path) -> Result<Self, StoreError> {
        if path.exists() {
            return Err(StoreError::Exists {
                store: path.display().to_string(),
            });
        }
        let store = Self::connect(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        store
            .conn
            .execute_batch(PAGE_SIZE)
            .map_err(sql_err(PAGE_SIZE))?;
        store.configure()?;
        store.create_schema()?;
        Ok(store)
    }

    /// Opens an existing store for reading and writing.
    ///
    /// # Errors
    /// [`StoreError::Missing`], [`StoreError::NotAStore`] or
    /// [`StoreError::SchemaVersion`].
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
    }

    /// Opens an existing store read-only (the file is never written).
    ///
    /// # Errors
    /// As [`SqliteStore::open`].
    pub fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
    }

    /// Opens an existing store to read it, and promises not to write.
    ///
    /// Where the file is writable the connection is read-write with
    /// `PRAGMA query_only`, so that closing it checkpoints the (empty) WAL and
    /// removes the `-wal`/`-shm` side files; a strictly read-only connection
    /// would leave them behind next to the GeoPackage. On read-only media it
    /// falls back to [`SqliteStore::open_read_only`].
    ///
    /// # Errors
    /// As [`SqliteStore::open`].
    pub fn open_for_reading(path: &Path) -> Result<Self, StoreError> {
        match Self::open(path) {
            Ok(store) => {
                store
                    .conn
                    .pragma_update(None, "query_only", true)
                    .map_err(sql_err("PRAGMA query_only = ON"))?;
                Ok(store)
            }
            Err(StoreError::Open { .. } | StoreError::Sql { .. }) => Self::open_read_only(path),
            Err(other) => Err(other),
        }
    }

    /// Creates a new store holding one import, written as fast as SQLite
    /// writes: the file is built under a temporary name beside `path` with no
    /// journal and no syncing (there is nothing to roll back to), and linked
    /// into place only once complete. A failure or a crash never leaves a
    /// half-written store at `path`; at worst a `.partial` file beside it.
    ///
    /// # Errors
    /// [`StoreError::Exists`] when `path` exists (also when it appeared
    /// meanwhile), else as [`SqliteStore::create`] and [`Store::apply`].
    pub fn create_with(path: &Path, changes: &ChangeSet) -> Result<(Self, i64), StoreError> {
        if path.exists() {
            return Err(StoreError::Exists {
                store: path.display().to_string(),
            });
        }
        let name = path
            .file_name()
            .map_or_else(|| "store".into(), |n| n.to_string_lossy().into_owned());
        let partial = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
        let _ = std::fs::remove_file(&partial);
        let built = (|| {
            let mut store = Self::connect(
                &partial,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
            )?;
            for pragmas in [PAGE_SIZE, BULK_PRAGMAS] {
                store
                    .conn
                    .execute_batch(pragmas)
                    .map_err(sql_err(pragmas))?;
            }
            store.create_tables()?;
            // Filled first, indexed once; the foreign keys are checked after.
            let id = write::apply_to_new(&mut store.conn, changes)?;
            store.create_bulk_keys()?;
            store.check_foreign_keys()?;
            // In the mode every later connection uses, so that opening the
            // store does not rewrite (and sync) its header again.
            store
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                .map_err(sql_err("PRAGMA journal_mode = WAL"))?;
            drop(store);
            // On disk before it has its name: a crash never leaves a store
            // at `path` whose pages were still in the OS's cache.
            std::fs::File::open(&partial)
                .and_then(|file| file.sync_all())
                .map_err(|e| StoreError::Open {
                    store: partial.display().to_string(),
                    source: Box::new(e),
                })?;
            Ok(id)
        })();
        let linked = built.and_then(|id| {
            // A hard link never replaces a file that appeared meanwhile.
            std::fs::hard_link(&partial, path)
                .map(|()| id)
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::AlreadyExists => StoreError::Exists {
                        store: path.display().to_string(),
                    },
                    _ => StoreError::Open {
                        store: path.display().to_string(),
                        source: Box::new(e),
                    },
                })
        });
        let _ = std::fs::remove_file(&partial);
        let id = linked?;
        Ok((Self::open(path)?, id))
    }

    /// Opens the store, creating it when the file does not exist.
    ///
    /// # Errors
    /// As [`SqliteStore::open`] and [`SqliteStore::create`].
    pub fn open_or_create(path: &Path) -> Result<Self, StoreError> {
        if path.exists() {
            Self::open(path)
        } else {
            Self::create(path)
        }
    }

    fn open_with(path: &Path, flags: OpenFlags) -> Result<Self, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing {
                store: path.display().to_string(),
            });
        }
        let store = Self::connect(path, flags)?;
        if !flags.contains(OpenFlags::SQLITE_OPEN_READ_ONLY) {
            store.configure()?;
        } else {
            store
                .conn
                .busy_timeout(BUSY_TIMEOUT)
                .map_err(sql_err("busy_timeout"))?;
        }
        store.check_version()?;
        Ok(store)
    }

    fn connect(path: &Path, flags: OpenFlags) -> Result<Self, StoreError> {
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|source| StoreError::Open {
                store: path.display().to_string(),
                source: Box::new(source),
            })?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Marks a store written as an export: its profile in `stadtatlas_meta`
    /// and, for internal exports, a notice in front of every layer's
    /// description (QGIS shows it as the layer abstract) and the contacts
    /// table registered as a layer, so nobody opens it unaware.
    ///
    /// # Errors
    /// [`StoreError::Sql`].
    pub fn mark_export(&self, profile: &str, notice: Option<&str>) -> Result<(), StoreError> {
        const META: &str = "INSERT INTO stadtatlas_meta (key, value) VALUES ('profile', ?1) \
                            ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        self.conn.execute(META, [profile]).map_err(sql_err(META))?;
        if let Some(notice) = notice {
            const CONTACTS: &str = "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) \
                                    VALUES ('contacts', 'attributes', 'contacts', 'Responsible people (personal data)')";
            self.conn.execute(CONTACTS, []).map_err(sql_err(CONTACTS))?;
            const DESCRIBE: &str =
                "UPDATE gpkg_contents SET description = ?1 || ' | ' || coalesce(description, '')";
            self.conn
                .execute(DESCRIBE, [notice])
                .map_err(sql_err(DESCRIBE))?;
        }
        Ok(())
    }

    /// Copies the store to `target` with SQLite's online backup: readers and
    /// writers may keep working meanwhile, and the copy is one consistent
    /// snapshot. Refuses to overwrite an existing file.
    ///
    /// # Errors
    /// [`StoreError::Exists`] or [`StoreError::Sql`].
    pub fn backup_to(&self, target: &Path) -> Result<(), StoreError> {
        if target.exists() {
            return Err(StoreError::Exists {
                store: target.display().to_string(),
            });
        }
        self.conn
            .backup(rusqlite::MAIN_DB, target, None)
            .map_err(sql_err("backup"))
    }

    /// The file behind the store.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for read-only SQL by the query layer.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn configure(&self) -> Result<(), StoreError> {
        self.conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(sql_err("busy_timeout"))?;
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(sql_err("PRAGMA journal_mode = WAL"))?;
        debug_assert!(mode.eq_ignore_ascii_case("wal") || mode == "memory");
        self.conn
            .execute_batch(WRITER_PRAGMAS)
            .map_err(sql_err(WRITER_PRAGMAS))?;
        Ok(())
    }

    fn create_schema(&self) -> Result<(), StoreError> {
        self.create_tables()?;
        self.create_bulk_keys()
    }

    /// What [`SqliteStore::create_tables`] leaves for after a bulk load.
    fn create_bulk_keys(&self) -> Result<(), StoreError> {
        for q in schema::BULK_INDEXES {
            self.conn.execute_batch(q).map_err(sql_err(q))?;
        }
        self.conn
            .execute_batch(schema::TRIGGERS)
            .map_err(sql_err("CREATE TRIGGER"))
    }

    fn create_tables(&self) -> Result<(), StoreError> {
        let setup = format!(
            "BEGIN; PRAGMA application_id = {}; PRAGMA user_version = {}; {} {} {} \
             {} {} INSERT INTO stadtatlas_meta (key, value) VALUES ('schema_version', '{}'); COMMIT;",
            schema::GPKG_APPLICATION_ID,
            schema::GPKG_USER_VERSION,
            schema::CREATE,
            schema::REVISIONS,
            schema::ENTITY_CELLS,
            tally::TABLE,
            schema::WEB,
            SCHEMA_VERSION
        );
        self.conn
            .execute_batch(&setup)
            .map_err(sql_err("CREATE schema"))
    }

    /// [`check_foreign_keys`] of this store.
    fn check_foreign_keys(&self) -> Result<(), StoreError> {
        check_foreign_keys(&self.conn)
    }

    fn check_version(&self) -> Result<(), StoreError> {
        let has_meta: bool = self
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'stadtatlas_meta'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(|source| StoreError::Open {
                store: self.path.display().to_string(),
                source: Box::new(source),
            })?;
        if !has_meta {
            return Err(StoreError::NotAStore {
                store: self.path.display().to_string(),
            });
        }
        let found: u32 = self
            .meta("schema_version")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if (1..SCHEMA_VERSION).contains(&found)
            && !self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true)
        {
            return self.upgrade(found);
        }
        if found != SCHEMA_VERSION {
            return Err(StoreError::SchemaVersion {
                store: self.path.display().to_string(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        Ok(())
    }

    /// Brings a store of an older schema version to this one, in one
    /// transaction.
    fn upgrade(&self, from: u32) -> Result<(), StoreError> {
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(sql_err("BEGIN"))?;
        if from < 4 {
            Self::upgrade_to_v4(&tx, from)?;
        }
        // Version 5 keeps entity counts per district and profile.
        if from < 5 {
            tally::rebuild(&tx)?;
        }
        // Version 6 keeps the moderation queue, accounts and tokens.
        if from < 6 {
            tx.execute_batch(schema::WEB)
                .map_err(sql_err(schema::WEB))?;
        }
        // Version 7 keeps an entity's current revision in its row.
        tx.execute_batch(schema::V6_TO_V7)
            .map_err(sql_err(schema::V6_TO_V7))?;
        const VERSION: &str = "UPDATE stadtatlas_meta SET value = ?1 WHERE key = 'schema_version'";
        tx.execute(VERSION, [SCHEMA_VERSION.to_string()])
            .map_err(sql_err(VERSION))?;
        tx.commit().map_err(sql_err("COMMIT"))
    }

    fn upgrade_to_v4(tx: &rusqlite::Transaction<'_>, from: u32) -> Result<(), StoreError> {
        if from < 2 {
            Self::upgrade_v1_to_v2(tx)?;
        }
        // Version 3 moved the grid index into `entity_cells`; version 4
        // reads an entity from its columns, so every row is written again
        // from its whole record. The grid table is filled once after that,
        // not by a trigger per rewritten row.
        let before_v4 = if from < 3 {
            [schema::ENTITY_CELLS, schema::V2_TO_V3].as_slice()
        } else {
            [schema::DROP_TRIGGERS].as_slice()
        };
        for step in before_v4 {
            tx.execute_batch(step).map_err(sql_err(step))?;
        }
        write::rewrite_entities_from_records(tx)?;
        for step in [schema::FILL_ENTITY_CELLS, schema::TRIGGERS] {
            tx.execute_batch(step).map_err(sql_err(step))?;
        }
        Ok(())
    }

    /// Version 1 had no point columns: add them (the rewrite to version 4
    /// fills them), and move `revisions` to its version-2 layout.
    fn upgrade_v1_to_v2(tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
        for step in [
            schema::V1_TO_V2,
            schema::REVISIONS,
            schema::V1_REVISIONS_MOVED,
        ] {
            tx.execute_batch(step).map_err(sql_err(step))?;
        }
        Ok(())
    }

    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        const Q: &str = "SELECT value FROM stadtatlas_meta WHERE key = ?1";
        self.conn
            .query_row(Q, [key], |r| r.get(0))
            .optional()
            .map_err(sql_err(Q))
    }
}

impl Store for SqliteStore {
    fn snapshot(&self) -> Result<Snapshot, StoreError> {
        read::snapshot(self)
    }

    fn apply(&mut self, changes: &ChangeSet) -> Result<i64, StoreError> {
        write::apply(&mut self.conn, changes)
    }

    fn history(&self, entity_id: &str) -> Result<Vec<Revision>, StoreError> {
        read::history(&self.conn, "entity", entity_id)
    }

    fn assignments(&self) -> Result<Vec<AssignmentRow>, StoreError> {
        read::assignments(&self.conn)
    }

    fn log(&self) -> Result<super::copy::History, StoreError> {
        read::log(&self.conn)
    }

    fn submit(
        &mut self,
        received_at: &str,
        proposal: &str,
        contact: Option<&str>,
        consent: Option<&str>,
    ) -> Result<i64, StoreError> {
        web::submit(&mut self.conn, received_at, proposal, contact, consent)
    }

    fn submissions(&self, id: Option<i64>) -> Result<Vec<super::web::SubmissionRow>, StoreError> {
        web::submissions(&self.conn, id)
    }

    fn decide(&mut self, decision: &super::web::Decision) -> Result<(), StoreError> {
        web::decide(&mut self.conn, decision)
    }

    fn accounts(&self) -> Result<Vec<super::web::AccountRow>, StoreError> {
        web::accounts(&self.conn)
    }

    fn put_account(&mut self, account: &super::web::AccountRow) -> Result<(), StoreError> {
        web::put_account(&mut self.conn, account)
    }

    fn remove_account(&mut self, name: &str) -> Result<bool, StoreError> {
        web::remove_account(&mut self.conn, name)
    }

    fn tokens(&self) -> Result<Vec<super::web::TokenRow>, StoreError> {
        web::tokens(&self.conn)
    }

    fn put_token(&mut self, token: &super::web::TokenRow) -> Result<(), StoreError> {
        web::put_token(&mut self.conn, token)
    }

    fn last_import(&self) -> Result<i64, StoreError> {
        const Q: &str = "SELECT coalesce(max(id), 0) FROM imports";
        self.conn.query_row(Q, [], |r| r.get(0)).map_err(sql_err(Q))
    }

    fn tallies(
        &self,
        level: Option<&str>,
    ) -> Result<Option<Vec<crate::store::tally::Tally>>, StoreError> {
        tally::read(&self.conn, level)
    }

    fn frame(&self) -> Result<Snapshot, StoreError> {
        read::frame(self)
    }

    fn relations(&self) -> Result<Vec<crate::model::Relation>, StoreError> {
        read::all_relations(&self.conn)
    }

    fn entities_of_kind(
        &self,
        kind: crate::model::EntityKind,
    ) -> Result<Vec<crate::model::Entity>, StoreError> {
        read::entities_of_kind(&self.conn, kind)
    }

    fn relations_of(&self, id: &str) -> Result<Vec<crate::model::Relation>, StoreError> {
        read::relations_of(&self.conn, id)
    }

    fn contacts_of(&self, id: &str) -> Result<Vec<crate::model::Contact>, StoreError> {
        read::contacts_of(&self.conn, id)
    }

    fn contacts(&self) -> Result<Vec<crate::model::Contact>, StoreError> {
        read::all_contacts(&self.conn)
    }

    fn assignments_of(&self, ids: &[&str]) -> Result<Vec<AssignmentRow>, StoreError> {
        read::assignments_of(&self.conn, ids)
    }

    fn entities_with_websites(
        &self,
        websites: &[String],
    ) -> Result<Vec<crate::model::Entity>, StoreError> {
        read::entities_with_websites(&self.conn, websites)
    }

    fn entities_by_id(&self, ids: &[&str]) -> Result<Vec<crate::model::Entity>, StoreError> {
        read::entities_by_id(&self.conn, ids)
    }

    fn for_each_in_box(
        &self,
        min: (f64, f64),
        max: (f64, f64),
        keep: &dyn Fn(f64, f64) -> bool,
        size: usize,
        f: &mut (dyn FnMut(Vec<crate::model::Entity>) -> Result<(), StoreError> + Send),
    ) -> Result<(), StoreError> {
        // One place's question: what it reads is mostly its answer.
        read::for_each_in_boxes(
            &self.conn,
            &[(min, max)],
            keep,
            read::Mapping::Mapped,
            size,
            f,
        )
    }

    fn entities_in_boxes(
        &self,
        boxes: &[crate::store::LonLatBox],
        keep: &dyn Fn(f64, f64) -> bool,
    ) -> Result<Vec<crate::model::Entity>, StoreError> {
        // An import's neighbourhoods: records to compare with, not to keep.
        read::entities_in_boxes(&self.conn, boxes, keep, read::Mapping::Copied)
    }

    fn entities_without_point(&self) -> Result<Vec<crate::model::Entity>, StoreError> {
        read::entities_without_point(&self.conn)
    }

    fn for_each_entity_chunk(
        &self,
        size: usize,
        order: crate::store::EntityOrder,
        f: &mut (dyn FnMut(Vec<crate::model::Entity>) -> Result<(), StoreError> + Send),
    ) -> Result<(), StoreError> {
        read::for_each_entity_chunk(&self.conn, size, order, f)
    }
}
