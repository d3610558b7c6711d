//! Applying an import's [`ChangeSet`] in one transaction.

use super::bulk::{RowInserter, StaticStatement, Value, insert_rows};
use super::gpkg_blob::encode;
use super::sql_err;
use crate::model::{District, Entity};
use crate::store::copy::{FirstRevisions, History};
use crate::store::{Assignments, ChangeSet, StoreError};
use geo::{BoundingRect, Geometry};
use rayon::prelude::*;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

/// An entity encoded for its rows, ahead of the (single-threaded) writing.
struct EncodedEntity<'a> {
    entity: &'a Entity,
    fields: String,
    district_names: String,
    verified_on: Option<String>,
    /// The grid cell of its point (see [`super::grid`]).
    cell: Option<i64>,
    record: String,
    point: Option<Vec<u8>>,
    area: Option<Vec<u8>>,
    /// The revision its row is written with, and the import that made it.
    rev: i64,
    import_id: i64,
}

impl<'a> EncodedEntity<'a> {
    fn new(entity: &'a Entity, (rev, import_id): (u32, i64)) -> Self {
        Self {
            entity,
            rev: i64::from(rev),
            import_id,
            fields: entity.fields.join(";"),
            district_names: entity.district_names.join(";"),
            verified_on: entity.verified_on.map(|d| d.to_string()),
            cell: entity.location.map(|p| super::grid::cell(p.lon(), p.lat())),
            record: crate::store::entity_row::record(entity),
            point: entity.location.map(|p| encode(&Geometry::Point(p.point()))),
            area: entity
                .area
                .as_ref()
                .map(|a| encode(&Geometry::MultiPolygon(a.clone()))),
        }
    }

    /// The values of [`ENTITY_COLUMNS`], in order.
    fn values(&self) -> [Value<'_>; ENTITY_COLUMNS.len()] {
        let e = self.entity;
        let location = e.location;
        [
            Value::from(&e.id),
            Value::from(&e.name),
            Value::from(e.kind.as_str()),
            Value::from(e.category.as_deref()),
            Value::from(&self.fields),
            Value::from(e.status.map(|s| s.as_str())),
            Value::from(e.address.as_deref()),
            Value::from(e.website.as_deref()),
            Value::from(&self.district_names),
            Value::from(e.source.as_deref()),
            Value::from(self.verified_on.as_deref()),
            Value::from(e.visibility.as_str()),
            Value::from(&self.record),
            Value::from(self.point.as_deref()),
            Value::from(location.map(|p| p.lon())),
            Value::from(location.map(|p| p.lat())),
            Value::from(self.cell),
            Value::from(self.rev),
            Value::from(self.import_id),
        ]
    }
}

/// The columns an entity row is written with, in [`EncodedEntity::values`]'
/// order: first the [`RECORD_COLUMNS`] that hold the record, then its current
/// revision's number and import (the current revision is the row; only
/// those it superseded are kept in `revisions`).
const ENTITY_COLUMNS: [&str; 19] = [
    "id",
    "name",
    "kind",
    "category",
    "fields",
    "status",
    "address",
    "website",
    "district_names",
    "source",
    "verified_on",
    "visibility",
    "record",
    "geom",
    "lon",
    "lat",
    "cell",
    "rev",
    "import_id",
];

/// How many of [`ENTITY_COLUMNS`] hold the record.
const RECORD_COLUMNS: usize = 17;

/// Whether the store already holds records.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Records may exist: upsert, number revisions after the stored ones.
    Existing,
    /// A store just made, without [`super::schema::BULK_INDEXES`] yet:
    /// plain inserts, every record at revision 1.
    New,
}

pub(super) fn apply(conn: &mut Connection, changes: &ChangeSet) -> Result<i64, StoreError> {
    if !many_entities_alone(changes) || !never_held_entities(conn)? {
        return apply_as(conn, changes, Target::Existing, false);
    }
    // Probably the store's first entities (the README's flow: districts
    // first, then the partner list), checked again inside the transaction.
    // Foreign keys can be switched off only outside one; without them every
    // key can be dropped and built once, as in a new store (with the
    // `entities` key and foreign keys kept, 10^5 partners into a store with
    // districts wrote in 0.71 s, into a new store in 0.27 s).
    conn.execute_batch(FIRST_ENTITIES_PRAGMAS)
        .map_err(sql_err(FIRST_ENTITIES_PRAGMAS))?;
    let applied = apply_as(conn, changes, Target::Existing, true);
    let restored = conn
        .execute_batch(super::WRITER_PRAGMAS)
        .map_err(sql_err(super::WRITER_PRAGMAS));
    let id = applied?;
    restored?;
    Ok(id)
}

/// [`apply`] into a store just created without its bulk indexes.
pub(super) fn apply_to_new(conn: &mut Connection, changes: &ChangeSet) -> Result<i64, StoreError> {
    apply_as(conn, changes, Target::New, false)
}

/// A writer's settings while it writes a store's first entities: no foreign
/// key enforcement (checked before the commit instead) and the page cache of
/// a new store's build.
const FIRST_ENTITIES_PRAGMAS: &str = "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -262144;";

/// Above this many entities, the first entities of a store that has only
/// districts are written as into a new store: rows appended, the keys and
/// the grid built once.
const FIRST_ENTITIES_BULK_ABOVE: usize = 2_000;

/// Whether `changes` bring many entities and no districts.
fn many_entities_alone(changes: &ChangeSet) -> bool {
    changes.entities.len() > FIRST_ENTITIES_BULK_ABOVE
        && changes.districts.is_empty()
        && changes.removed_districts.is_empty()
}

/// Whether the store has never held an entity (so every record of an
/// import is at revision 1 and the entity rows are numbered from 1).
fn never_held_entities(conn: &Connection) -> Result<bool, StoreError> {
    const NEVER: &str = "SELECT NOT EXISTS (SELECT 1 FROM entities) \
         AND NOT EXISTS (SELECT 1 FROM revisions WHERE record_kind = 'entity') \
         AND NOT EXISTS (SELECT 1 FROM entity_districts) \
         AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'entities')";
    conn.query_row(NEVER, [], |r| r.get(0))
        .map_err(sql_err(NEVER))
}

/// Writes `changes` in one transaction. `first_entities`: foreign keys are
/// off, and the store may never have held an entity; if so (checked in the
/// transaction) it is written as [`Target::New`], its bulk indexes dropped
/// and built again; either way the references are checked before the commit.
fn apply_as(
    conn: &mut Connection,
    changes: &ChangeSet,
    target: Target,
    first_entities: bool,
) -> Result<i64, StoreError> {
    std::thread::scope(|scope| apply_in(scope, conn, changes, target, first_entities))
}

/// How the entity counts follow a write: an existing store's are read
/// before it and changed by the difference after; a new store's are made
/// from the records in hand, on a thread of their own while the rows are
/// written (10^6 records: ~0.5 s off the writer).
enum Tallies<'scope> {
    Existing(super::tally::Pending),
    New(std::thread::ScopedJoinHandle<'scope, super::tally::NewRows>),
}

/// [`apply_as`] with a scope for the threads it starts.
fn apply_in<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    conn: &mut Connection,
    changes: &'scope ChangeSet,
    target: Target,
    first_entities: bool,
) -> Result<i64, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql_err("BEGIN IMMEDIATE"))?;
    if let Some(base) = changes.based_on {
        refuse_conflict(&tx, changes, base)?;
    }
    let fresh = target == Target::New;
    // (Another writer's entities may have come first.)
    let keys_rebuilt = first_entities && never_held_entities(&tx)?;
    let target = if keys_rebuilt {
        for q in [
            super::schema::DROP_BULK_INDEXES,
            super::schema::DROP_TRIGGERS,
        ] {
            tx.execute_batch(q).map_err(sql_err(q))?;
        }
        Target::New
    } else {
        target
    };
    let import_id = log_import(&tx, changes)?;
    let tallies = match target {
        Target::Existing => Tallies::Existing(super::tally::Pending::before(&tx, changes)?),
        Target::New => Tallies::New(scope.spawn(|| {
            super::tally::NewRows::of(crate::store::tally::count(
                &changes.entities,
                changes.assignment_rows(),
            ))
        })),
    };
    let grown = match target {
        Target::Existing => grown_extent(&tx, &changes.entities)?,
        Target::New => None,
    };
    let cells_after = target == Target::Existing && changes.entities.len() > CELLS_AFTER_ABOVE;
    if cells_after {
        cells_of_imported(&tx, &changes.entities, CellStep::Before)?;
    }
    // A changed row counts on from its stored revision (`ENTITY_CONFLICT`).
    let revisions = match target {
        Target::New => FirstRevisions::of(changes, import_id)?,
        Target::Existing => FirstRevisions::Import(import_id),
    };
    let cells = write_entities(&tx, &changes.entities, target, &revisions)?;
    drop(revisions);
    match target {
        Target::New => fill_entity_cells(&tx, &changes.entities, &cells)?,
        Target::Existing if cells_after => {
            cells_of_imported(&tx, &changes.entities, CellStep::After)?;
        }
        Target::Existing => {}
    }
    for district in &changes.districts {
        let record = serde_json::to_string(district).expect("districts serialise");
        if target == Target::Existing {
            exec(&tx, KEEP_DISTRICT_REVISION, [&district.id])?;
        }
        upsert_district(&tx, district, &record)?;
        add_revision(&tx, "district", &district.id, import_id, target)?;
    }
    for id in &changes.removed_districts {
        // The last revision keeps the record; a closing one says it was removed.
        exec(&tx, KEEP_DISTRICT_REVISION, [id])?;
        exec(&tx, "DELETE FROM districts WHERE id = ?1", [id])?;
        const TOMBSTONE: &str = "INSERT INTO revisions (record_kind, record_id, rev, import_id, record) \
                                 SELECT 'district', ?1, coalesce(max(rev), 0) + 1, ?2, ?3 FROM revisions \
                                 WHERE record_kind = 'district' AND record_id = ?1";
        let record = serde_json::json!({ "id": id, "removed": true }).to_string();
        exec(&tx, TOMBSTONE, params![id, import_id, record])?;
    }
    if let Some(levels) = &changes.levels {
        exec(&tx, "DELETE FROM district_levels", [])?;
        for level in levels {
            const Q: &str = "INSERT INTO district_levels (level, rank) VALUES (?1, ?2)";
            exec(&tx, Q, params![level.id, level.rank])?;
        }
    }
    for r in &changes.relations {
        const Q: &str = "INSERT INTO relations (from_id, to_id, role, field, source) \
                         VALUES (?1, ?2, ?3, ?4, ?5) \
                         ON CONFLICT (from_id, to_id, role, field) DO UPDATE SET source = excluded.source";
        let field = r.field.as_deref().unwrap_or("");
        exec(
            &tx,
            Q,
            params![r.from, r.to, r.role.as_str(), field, r.source],
        )?;
    }
    for c in &changes.contacts {
        const Q: &str = "INSERT INTO contacts (entity_id, name, role, email, phone) \
                         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (entity_id, name) DO UPDATE \
                         SET role = excluded.role, email = excluded.email, phone = excluded.phone";
        exec(&tx, Q, params![c.entity, c.name, c.role, c.email, c.phone])?;
    }
    if let Some(vocabulary) = &changes.vocabulary {
        let json = serde_json::to_string(vocabulary).expect("vocabulary serialises");
        set_meta(&tx, "vocabulary", &json)?;
    }
    if let Some(level) = &changes.default_level {
        set_meta(&tx, "default_level", level)?;
    }
    if let Some(assignments) = &changes.assignments {
        let rows = match assignments {
            Assignments::All(rows) => {
                if target == Target::Existing {
                    exec(&tx, "DELETE FROM entity_districts", [])?;
                }
                rows
            }
            Assignments::Of { entities, rows } => {
                const Q: &str = "DELETE FROM entity_districts WHERE entity_id = ?1";
                let mut stmt = tx.prepare_cached(Q).map_err(sql_err(Q))?;
                for id in entities {
                    stmt.execute([id]).map_err(sql_err(Q))?;
                }
                rows
            }
        };
        let mut inserter = RowInserter::new(
            &tx,
            "entity_districts",
            &["entity_id", "level", "district_id"],
            "",
        );
        if target == Target::Existing {
            inserter = inserter.one_row_each();
        }
        inserter.insert(rows, |row| {
            [
                Value::from(&row.entity_id),
                Value::from(&row.level),
                Value::from(&row.district_id),
            ]
        })?;
    }
    match tallies {
        Tallies::Existing(pending) => pending.after(&tx, changes)?,
        Tallies::New(counting) => {
            let counted = counting
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            super::tally::write_new(&tx, &counted)?;
        }
    }
    // A new store's entities are all in hand; an existing one's may have
    // moved away from the old extent.
    let entity_extent = match target {
        Target::New => Some(extent(changes.entities.iter().filter_map(|e| e.location))),
        Target::Existing => grown,
    };
    refresh_contents(&tx, entity_extent)?;
    if keys_rebuilt {
        for q in super::schema::BULK_INDEXES
            .into_iter()
            .chain([super::schema::TRIGGERS])
        {
            tx.execute_batch(q).map_err(sql_err(q))?;
        }
    }
    if first_entities {
        super::check_foreign_keys(&tx)?;
    }
    let import_id = match &changes.history {
        Some(history) if fresh => keep_history(&tx, changes, history)?,
        Some(_) => {
            return Err(StoreError::Corrupt {
                what: "import",
                id: "history".into(),
                source: "a history is written into a new store only".into(),
            });
        }
        None => import_id,
    };
    if let Some(decision) = &changes.decision {
        super::web::record_decision(&tx, decision, Some(import_id))?;
    }
    tx.commit().map_err(sql_err("COMMIT"))?;
    Ok(import_id)
}

/// Above this many entities an import into a store that has some writes
/// their grid cells itself, in key order, once its entity rows are written
/// (the triggers, which otherwise keep `entity_cells`, are dropped meanwhile):
/// row by row, each trigger made its statement journal copies of the 64 KiB
/// pages of cells all over the grid.
const CELLS_AFTER_ABOVE: usize = 2_000;

/// The two halves of [`cells_of_imported`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum CellStep {
    Before,
    After,
}

/// Before the entity rows are written: the ids go into a temporary table,
/// the cells of those stored already are deleted, the triggers dropped.
/// After: the cells of those ids are inserted in key order, the triggers
/// made again.
fn cells_of_imported(
    tx: &Transaction<'_>,
    entities: &[Entity],
    step: CellStep,
) -> Result<(), StoreError> {
    let steps: &[&str] = match step {
        CellStep::Before => {
            const TABLE: &str =
                "CREATE TEMP TABLE imported_ids (id TEXT PRIMARY KEY) WITHOUT ROWID";
            exec(tx, TABLE, [])?;
            let mut ids: Vec<&str> = entities.iter().map(|e| e.id.as_str()).collect();
            ids.par_sort_unstable();
            insert_rows(tx, "temp.imported_ids", &["id"], &ids, |id| {
                [Value::from(*id)]
            })?;
            &[
                "DELETE FROM entity_cells WHERE (cell, fid) IN                  (SELECT e.cell, e.fid FROM temp.imported_ids t JOIN entities e ON e.id = t.id                  WHERE e.cell IS NOT NULL)",
                super::schema::DROP_TRIGGERS,
            ]
        }
        CellStep::After => &[
            "INSERT INTO entity_cells (cell, fid, lon, lat)              SELECT e.cell, e.fid, e.lon, e.lat FROM temp.imported_ids t JOIN entities e ON e.id = t.id              WHERE e.cell IS NOT NULL ORDER BY 1, 2",
            super::schema::TRIGGERS,
            "DROP TABLE temp.imported_ids",
        ],
    };
    for q in steps {
        tx.execute_batch(q).map_err(sql_err(q))?;
    }
    Ok(())
}

/// Entities per chunk of [`write_entities`]: large enough to keep every
/// core busy encoding, small enough that encoded rows do not pile up.
const ENTITY_CHUNK: usize = 4_096;

/// Writes the entity rows and their areas; returns each entity's grid cell.
///
/// Encoding (JSON, geometry blobs) runs on the other cores one chunk ahead
/// of SQLite, which writes on this thread: the two overlap, and only two
/// chunks of encoded rows exist at a time instead of a copy of the whole
/// import.
fn write_entities(
    tx: &Transaction<'_>,
    entities: &[Entity],
    target: Target,
    revisions: &FirstRevisions<'_>,
) -> Result<Vec<Option<i64>>, StoreError> {
    // With no areas stored yet there are none to drop for entities without one.
    let areas_stored: bool = tx
        .query_row("SELECT EXISTS (SELECT 1 FROM entity_areas)", [], |r| {
            r.get(0)
        })
        .map_err(sql_err("SELECT EXISTS entity_areas"))?;
    let conflict = match target {
        Target::Existing => ENTITY_CONFLICT.as_str(),
        Target::New => "",
    };
    let mut rows = RowInserter::new(tx, "entities", &ENTITY_COLUMNS, conflict);
    if target == Target::Existing {
        rows = rows.one_row_each();
    }
    let mut write = |encoded: &[EncodedEntity<'_>]| -> Result<(), StoreError> {
        if target == Target::Existing {
            for e in encoded {
                keep_entity_revision(tx, &e.entity.id)?;
            }
        }
        rows.insert(encoded, EncodedEntity::values)?;
        encoded
            .iter()
            .try_for_each(|e| write_area(tx, e, areas_stored))
    };
    let mut cells = Vec::with_capacity(entities.len());
    crate::store::ahead::encode_ahead(
        entities,
        ENTITY_CHUNK,
        |chunk| {
            chunk
                .par_iter()
                .map(|e| EncodedEntity::new(e, revisions.get(&e.id)))
                .collect()
        },
        |_, encoded: Vec<EncodedEntity<'_>>| {
            write(&encoded)?;
            cells.extend(encoded.iter().map(|e| e.cell));
            Ok(())
        },
    )?;
    Ok(cells)
}

fn exec(tx: &Transaction<'_>, query: &str, p: impl rusqlite::Params) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(query).map_err(sql_err(query))?;
    stmt.execute(p).map(|_| ()).map_err(sql_err(query))
}

/// Replaces the import log and revisions of a new store with `history`
/// (a copy's); returns the last import's id. An entity's current revision
/// is its row (written with its number and import), a district's keeps no
/// record of its own (it is the row), as in every write.
fn keep_history(
    tx: &Transaction<'_>,
    changes: &ChangeSet,
    history: &History,
) -> Result<i64, StoreError> {
    exec(tx, "DELETE FROM revisions", [])?;
    exec(tx, "DELETE FROM imports", [])?;
    {
        const Q: &str = "INSERT INTO imports (id, at, files) VALUES (?1, ?2, ?3)";
        let mut stmt = tx.prepare(Q).map_err(sql_err(Q))?;
        for i in &history.imports {
            stmt.execute(params![i.id, i.at, i.files])
                .map_err(sql_err(Q))?;
        }
    }
    // A district's current revision keeps no record (it is the row).
    let last_of_districts = history.last_revisions("district");
    let districts: std::collections::HashSet<&str> =
        changes.districts.iter().map(|d| d.id.as_str()).collect();
    const Q: &str = "INSERT INTO revisions (record_kind, record_id, rev, import_id, record) \
                     VALUES (?1, ?2, ?3, ?4, ?5)";
    let mut stmt = tx.prepare(Q).map_err(sql_err(Q))?;
    for r in history.kept_revisions() {
        let in_row = r.kind == "district"
            && last_of_districts.get(r.id.as_str()).map(|&(rev, _)| rev) == Some(r.rev)
            && districts.contains(r.id.as_str());
        let record = if in_row { None } else { r.record.as_deref() };
        stmt.execute(params![r.kind, r.id, r.rev, r.import_id, record])
            .map_err(sql_err(Q))?;
    }
    super::web::keep(tx, &history.web)?;
    Ok(history.imports.last().map_or(0, |i| i.id))
}

/// Refuses `changes` when an import after `base` (the last one its plan
/// saw) changed what they build on (see [`crate::store::conflict`]).
fn refuse_conflict(tx: &Transaction<'_>, changes: &ChangeSet, base: i64) -> Result<(), StoreError> {
    const LAST: &str = "SELECT coalesce(max(id), 0) FROM imports";
    let last: i64 = tx
        .query_row(LAST, [], |r| r.get(0))
        .map_err(sql_err(LAST))?;
    if last <= base {
        return Ok(());
    }
    const SINCE: &str = crate::store::CHANGED_SINCE;
    let mut stmt = tx.prepare(SINCE).map_err(sql_err(SINCE))?;
    let changed: Vec<(String, String, i64)> = stmt
        .query_map([base], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .and_then(Iterator::collect)
        .map_err(sql_err(SINCE))?;
    match crate::store::conflict(changes, changed) {
        Some(conflict) => Err(conflict),
        None => Ok(()),
    }
}

fn set_meta(tx: &Transaction<'_>, key: &str, value: &str) -> Result<(), StoreError> {
    const Q: &str = "INSERT INTO stadtatlas_meta (key, value) VALUES (?1, ?2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    exec(tx, Q, params![key, value])
}

fn log_import(tx: &Transaction<'_>, changes: &ChangeSet) -> Result<i64, StoreError> {
    let files: Vec<String> = changes
        .files
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    const Q: &str = "INSERT INTO imports (at, files) VALUES (?1, ?2)";
    exec(
        tx,
        Q,
        params![
            at,
            serde_json::to_string(&files).expect("strings serialise")
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

// A district's current revision keeps no `record`: the record is then
// its row in `districts` (stored once, not twice); before it changes, the
// revision gets a copy of it. An entity's current revision is its row.
// One row of VALUES, not `INSERT … SELECT`: SQLite keeps a statement journal
// for the latter, a copy of each 64 KiB page it touches (10^5 new records into
// a store: a third of the import).
const NEXT_REVISION: &str = "INSERT INTO revisions (record_kind, record_id, rev, import_id, record) \
                             VALUES (?1, ?2, (SELECT coalesce(max(rev), 0) + 1 FROM revisions \
                             WHERE record_kind = ?1 AND record_id = ?2), ?3, NULL)";
const FIRST_REVISION: &str = "INSERT INTO revisions (record_kind, record_id, rev, import_id, record) \
                              VALUES (?1, ?2, 1, ?3, NULL)";
const KEEP_DISTRICT_REVISION: &str = "UPDATE revisions SET record = \
                                      (SELECT record FROM districts WHERE id = ?1) \
                                      WHERE record_kind = 'district' AND record_id = ?1 AND record IS NULL";

impl Target {
    /// The statement adding a record's next revision.
    fn revision_query(self) -> &'static str {
        match self {
            Target::Existing => NEXT_REVISION,
            Target::New => FIRST_REVISION,
        }
    }
}

/// Before an entity's row changes: its current revision, until now the
/// row itself, goes into `revisions` with a copy of the stored entity.
fn keep_entity_revision(tx: &Transaction<'_>, id: &str) -> Result<(), StoreError> {
    let Some(stored) = super::read::stored_entity(tx, id)? else {
        return Ok(());
    };
    const CURRENT: &str = "SELECT rev, import_id FROM entities WHERE id = ?1";
    let (rev, import_id): (i64, i64) = tx
        .prepare_cached(CURRENT)
        .and_then(|mut stmt| stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))))
        .map_err(sql_err(CURRENT))?;
    let json = serde_json::to_string(&stored).expect("entities serialise");
    const KEEP: &str = "INSERT INTO revisions (record_kind, record_id, rev, import_id, record) \
                        VALUES ('entity', ?1, ?2, ?3, ?4)";
    exec(tx, KEEP, params![id, rev, import_id, json])
}

/// Upgrades the entity rows of a store of schema version 3 or older, whose
/// `record` holds the whole entity, to version 4 (see [`crate::store::entity_row`]):
/// every row is written again from its record, the columns too, since the
/// record was what the library read.
pub(super) fn rewrite_entities_from_records(tx: &Transaction<'_>) -> Result<(), StoreError> {
    const ALL: &str = "SELECT fid, id, record FROM entities";
    let rows: Vec<(i64, String, String)> =
        super::read::rows(tx, ALL, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let entities: Vec<(i64, Entity)> = rows
        .into_par_iter()
        .map(|(fid, id, json)| {
            crate::store::entity_row::from_whole_record(id, &json).map(|e| (fid, e))
        })
        .collect::<Result<_, _>>()?;
    let set: Vec<String> = ENTITY_COLUMNS[..RECORD_COLUMNS]
        .iter()
        .enumerate()
        .map(|(k, c)| format!("{c} = ?{}", k + 1))
        .collect();
    let update = format!(
        "UPDATE entities SET {} WHERE fid = ?{}",
        set.join(", "),
        RECORD_COLUMNS + 1
    );
    let encoded: Vec<(i64, EncodedEntity<'_>)> = entities
        .par_iter()
        // (The revision columns are not written: they come with version 7.)
        .map(|(fid, entity)| (*fid, EncodedEntity::new(entity, (1, 0))))
        .collect();
    let mut stmt = StaticStatement::prepare(tx, &update).map_err(sql_err(&update))?;
    let mut bound = Vec::with_capacity(RECORD_COLUMNS + 1);
    for (fid, encoded) in &encoded {
        bound.clear();
        bound.extend(encoded.values().into_iter().take(RECORD_COLUMNS));
        bound.push(Value::from(*fid));
        stmt.execute(&bound).map_err(sql_err(&update))?;
    }
    Ok(())
}

fn add_revision(
    tx: &Transaction<'_>,
    kind: &str,
    id: &str,
    import_id: i64,
    target: Target,
) -> Result<(), StoreError> {
    exec(tx, target.revision_query(), params![kind, id, import_id])
}

/// Upserting an entity row: every column but `id` takes the new value, the
/// revision counts on from the stored one.
static ENTITY_CONFLICT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let set: Vec<String> = ENTITY_COLUMNS[1..]
        .iter()
        .map(|&c| match c {
            "rev" => "rev = entities.rev + 1".to_string(),
            c => format!("{c} = excluded.{c}"),
        })
        .collect();
    format!("ON CONFLICT (id) DO UPDATE SET {}", set.join(", "))
});

fn write_area(
    tx: &Transaction<'_>,
    encoded: &EncodedEntity<'_>,
    areas_stored: bool,
) -> Result<(), StoreError> {
    let e = encoded.entity;
    match &encoded.area {
        Some(area) => {
            const Q: &str = "INSERT INTO entity_areas (entity_id, name, geom) VALUES (?1, ?2, ?3) \
                             ON CONFLICT (entity_id) DO UPDATE SET name = excluded.name, geom = excluded.geom";
            exec(tx, Q, params![e.id, e.name, area])
        }
        None if areas_stored => exec(tx, "DELETE FROM entity_areas WHERE entity_id = ?1", [&e.id]),
        None => Ok(()),
    }
}

fn upsert_district(tx: &Transaction<'_>, d: &District, record: &str) -> Result<(), StoreError> {
    const Q: &str = "INSERT INTO districts (id, name, level, parent, aliases, population, provisional, \
                     method, source, record, geom) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level, \
                     parent = excluded.parent, aliases = excluded.aliases, population = excluded.population, \
                     provisional = excluded.provisional, method = excluded.method, source = excluded.source, \
                     record = excluded.record, geom = excluded.geom";
    let geom = d
        .geometry
        .as_ref()
        .map(|mp| encode(&Geometry::MultiPolygon(mp.clone())));
    exec(
        tx,
        Q,
        params![
            d.id,
            d.name,
            d.level,
            d.parent,
            d.aliases.join(";"),
            d.population.map(|p| p as i64),
            d.provisional,
            d.method,
            d.source,
            record,
            geom
        ],
    )
}

/// Writes `entity_cells` of a new store in key order (see
/// [`super::schema::ENTITY_CELLS`]); existing stores keep it by triggers.
fn fill_entity_cells(
    tx: &Transaction<'_>,
    entities: &[Entity],
    cells: &[Option<i64>],
) -> Result<(), StoreError> {
    // A table made for this import numbers its rows 1, 2, … in insert order;
    // checked, since the cells name rows by that number.
    // (One aggregate per SELECT: SQLite then counts pages and reads one end
    // of the table each, instead of every row: 85 → 15 ms at 10⁶.)
    const NUMBERS: &str = "SELECT (SELECT count(*) FROM entities), \
         (SELECT coalesce(min(fid), 1) FROM entities), (SELECT coalesce(max(fid), 0) FROM entities)";
    let (count, first, last): (usize, i64, i64) = tx
        .query_row(NUMBERS, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(sql_err(NUMBERS))?;
    if count != entities.len() || first != 1 || last != count as i64 {
        return Err(StoreError::Corrupt {
            what: "entity table",
            id: format!("{count} rows numbered {first}..{last}"),
            source: format!(
                "a new store's {} entity rows are not numbered from 1",
                entities.len()
            )
            .into(),
        });
    }
    let mut cells: Vec<(i64, i64, f64, f64)> = entities
        .iter()
        .zip(cells)
        .zip(1..)
        .filter_map(|((e, cell), fid)| {
            let (p, cell) = (e.location?, (*cell)?);
            Some((cell, fid, p.lon(), p.lat()))
        })
        .collect();
    cells.par_sort_unstable_by_key(|&(cell, fid, _, _)| (cell, fid));
    insert_rows(
        tx,
        "entity_cells",
        &["cell", "fid", "lon", "lat"],
        &cells,
        |&(cell, fid, lon, lat)| {
            [
                Value::from(cell),
                Value::from(fid),
                Value::from(lon),
                Value::from(lat),
            ]
        },
    )
}

/// A bounding box `[min_x, min_y, max_x, max_y]`, `None` while empty.
type Extent = Option<[f64; 4]>;

/// Grows an extent to cover `[min_x, min_y, max_x, max_y]`.
fn grow(extent: &mut Extent, [x0, y0, x1, y1]: [f64; 4]) {
    let e = extent.get_or_insert([x0, y0, x1, y1]);
    *e = [e[0].min(x0), e[1].min(y0), e[2].max(x1), e[3].max(y1)];
}

/// The extent of points.
fn extent(points: impl Iterator<Item = crate::model::LonLat>) -> Extent {
    let mut extent = None;
    for p in points {
        grow(&mut extent, [p.lon(), p.lat(), p.lon(), p.lat()]);
    }
    extent
}

/// The entity extent after writing a few `changed` entities, without
/// reading every point: the stored extent grown by their new points, when
/// none of them had its old point on the stored extent's edge (moving such a
/// point may shrink the extent). `None`: read the points again.
fn grown_extent(tx: &Transaction<'_>, changed: &[Entity]) -> Result<Option<Extent>, StoreError> {
    const FEW: usize = 10_000;
    if changed.len() > FEW {
        return Ok(None);
    }
    const STORED: &str =
        "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'entities'";
    let stored: [Option<f64>; 4] = tx
        .query_row(STORED, [], |r| {
            Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?])
        })
        .map_err(sql_err(STORED))?;
    let mut extent: Extent = match stored {
        [Some(a), Some(b), Some(c), Some(d)] => Some([a, b, c, d]),
        _ => None,
    };
    const OLD: &str = "SELECT lon, lat FROM entities WHERE id = ?1 AND lon IS NOT NULL";
    let mut stmt = tx.prepare_cached(OLD).map_err(sql_err(OLD))?;
    for e in changed {
        let old: Option<(f64, f64)> = stmt
            .query_row([&e.id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(sql_err(OLD))?;
        if let (Some((x, y)), Some([x0, y0, x1, y1])) = (old, extent)
            && (x <= x0 || x >= x1 || y <= y0 || y >= y1)
        {
            return Ok(None);
        }
        if let Some(p) = e.location {
            grow(&mut extent, [p.lon(), p.lat(), p.lon(), p.lat()]);
        }
    }
    Ok(Some(extent))
}

/// Keeps `gpkg_contents` extents and `last_change` true after a write.
/// `entities`: the extent of the stored entity points when known, else it
/// is read from the grid table (a tenth of the entity table's pages).
fn refresh_contents(tx: &Transaction<'_>, entities: Option<Extent>) -> Result<(), StoreError> {
    const UPDATE: &str = "UPDATE gpkg_contents SET min_x = ?2, min_y = ?3, max_x = ?4, max_y = ?5, \
                          last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?1";
    let set = |table: &str, extent: Extent| {
        let [a, b, c, d] = extent.map_or([None; 4], |e| e.map(Some));
        exec(tx, UPDATE, params![table, a, b, c, d])
    };
    let entities = match entities {
        Some(known) => known,
        None => {
            const Q: &str = "SELECT min(lon), min(lat), max(lon), max(lat) FROM entity_cells";
            let row: [Option<f64>; 4] = tx
                .query_row(Q, [], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))
                .map_err(sql_err(Q))?;
            match row {
                [Some(a), Some(b), Some(c), Some(d)] => Some([a, b, c, d]),
                _ => None,
            }
        }
    };
    set("entities", entities)?;
    // Areas and districts are few; their extents come from their geometries.
    for table in ["entity_areas", "districts"] {
        let query = format!("SELECT geom FROM {table} WHERE geom IS NOT NULL");
        let mut stmt = tx.prepare(&query).map_err(sql_err(&query))?;
        let mut rows = stmt.query([]).map_err(sql_err(&query))?;
        let mut extent: Extent = None;
        while let Some(row) = rows.next().map_err(sql_err(&query))? {
            let blob: Vec<u8> = row.get(0).map_err(sql_err(&query))?;
            let Ok(geometry) = super::gpkg_blob::decode(&blob) else {
                continue;
            };
            if let Some(r) = geometry.bounding_rect() {
                grow(&mut extent, [r.min().x, r.min().y, r.max().x, r.max().y]);
            }
        }
        set(table, extent)?;
    }
    Ok(())
}
