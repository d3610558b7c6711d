//! A new store built beside its schema, on three connections at once, and
//! renamed into place.
//!
//! The first import of a store (or `copy --to` a new one) writes a million
//! rows and builds their keys and indexes. In one transaction that is one
//! server process, one core, for all of it (10^6 partners: 21 s of 24).
//! Instead the store is made in a schema of its own beside the target
//! (`{schema}__loading`, which nobody reads) and loaded on several
//! connections at once: the entities (each row its first revision) on
//! one; districts, assignments and counts on another, which then builds their
//! keys. The entities' spatial index is built on the first connection while
//! a third makes their key and the references to them. Once all is there, the
//! transaction that has held the target's writers' lock all along renames
//! the schema: readers see no store or the whole one, and a second import
//! into the same schema waits for the lock and then finds the store, as it
//! did when all this was one transaction.
//!
//! A build that fails is dropped; one whose process was killed is dropped
//! by the next build under the same lock (it carries a mark saying for
//! which schema it was made; a schema of that name without the mark is
//! never touched).

use super::{PgStore, PgTarget, schema, sql_err, write};
use crate::store::copy::FirstRevisions;
use crate::store::{ChangeSet, StoreError};
use postgres::{Client, Transaction};

/// What a build's schema name adds to the target's.
pub(super) const SUFFIX: &str = "__loading";

/// The key in a build's `stadtatlas_meta` that marks it as one, with the
/// schema it is for as its value; the rename's transaction removes it.
const MARK: &str = "loading_for";

/// Builds the store of `changes` beside `target` and renames it into place
/// in `lock`, the transaction that holds the target's writers' lock and
/// found no schema of that name; returns the import's id.
///
/// # Errors
/// The writes' errors, after which neither the build nor the target's
/// schema exists; [`StoreError::Open`] when a schema of the build's name is
/// there and is not a build.
pub(super) fn beside(
    mut lock: Transaction<'_>,
    target: &PgTarget,
    changes: &ChangeSet,
) -> Result<i64, StoreError> {
    // The lock's transaction waits while the build runs (20 s for a
    // million records); a server that ends idle transactions sooner (some
    // managed services do) must not end this one.
    const WAIT: &str = "SET LOCAL idle_in_transaction_session_timeout = 0";
    lock.batch_execute(WAIT).map_err(sql_err(WAIT))?;
    let building = target.building();
    let mut first = building.connect()?;
    make(&mut first, &building, target)?;
    let built = load(first, &building, changes).and_then(|id| {
        let rename = format!(
            "ALTER SCHEMA {} RENAME TO {}; DELETE FROM {}.stadtatlas_meta WHERE key = '{MARK}'",
            building.schema, target.schema, target.schema
        );
        lock.batch_execute(&rename).map_err(sql_err(&rename))?;
        lock.commit().map_err(sql_err("COMMIT"))?;
        Ok(id)
    });
    if built.is_err() {
        // Best effort: when even this fails, the next build drops it.
        if let Ok(mut client) = building.connect() {
            let _ = client.batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {} CASCADE",
                building.schema
            ));
        }
    }
    built
}

/// Makes the build's schema with the tables of an empty store (without
/// the keys of the large ones) and its mark, dropping an unfinished build
/// for the same target first.
fn make(client: &mut Client, building: &PgTarget, target: &PgTarget) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(sql_err("BEGIN"))?;
    if PgStore::schema_taken(&mut tx, building)? {
        let marked = format!(
            "SELECT value FROM {}.stadtatlas_meta WHERE key = '{MARK}'",
            building.schema
        );
        tx.batch_execute("SAVEPOINT mark")
            .map_err(sql_err("SAVEPOINT"))?;
        let for_schema: Option<String> =
            tx.query_opt(&marked, &[]).ok().flatten().map(|r| r.get(0));
        tx.batch_execute("ROLLBACK TO SAVEPOINT mark")
            .map_err(sql_err("ROLLBACK TO SAVEPOINT"))?;
        if for_schema.as_deref() != Some(target.schema.as_str()) {
            return Err(StoreError::Open {
                store: target.to_string(),
                source: format!(
                    "a new store is built in the schema {} before it is renamed to {}, and a \
                     schema of that name is there that stadtatlas did not make; rename or drop it",
                    building.schema, target.schema
                )
                .into(),
            });
        }
        let drop = format!("DROP SCHEMA {} CASCADE", building.schema);
        tx.batch_execute(&drop).map_err(sql_err(&drop))?;
    }
    PgStore::create_in(&mut tx, building)?;
    let mark = "INSERT INTO stadtatlas_meta (key, value) VALUES ($1, $2)";
    tx.execute(mark, &[&MARK, &target.schema])
        .map_err(sql_err(mark))?;
    tx.commit().map_err(sql_err("COMMIT"))
}

/// Loads `changes` into the build and indexes it, on `first` and two more
/// connections at once; returns the import's id.
fn load(mut first: Client, building: &PgTarget, changes: &ChangeSet) -> Result<i64, StoreError> {
    let mut second = building.connect()?;
    let mut third = building.connect()?;
    for client in [&mut first, &mut second, &mut third] {
        // Each index build sorts in memory (the default 64 MB spills a
        // million keys to disk).
        const MEMORY: &str = "SET maintenance_work_mem = '256MB'";
        client.batch_execute(MEMORY).map_err(sql_err(MEMORY))?;
    }
    // The import's number first: the entity rows carry it (their current
    // revision's import). The build is nobody's to read until renamed.
    let import_id = {
        let mut tx = first.transaction().map_err(sql_err("BEGIN"))?;
        let id = write::log_import(&mut tx, changes)?;
        tx.commit().map_err(sql_err("COMMIT"))?;
        id
    };
    let revisions = FirstRevisions::of(changes, import_id)?;
    // The first connection: the entities, their spatial index (the
    // longest to build), their statistics. The second: everything else, and
    // its keys once the entity rows are in (while they are copied, the
    // copies and their encoding keep both cores busy). The third, once the
    // entity rows are in: the indexes of their keys, beside the spatial
    // index (index builds share-lock a table), then the keys of those
    // indexes (which wait for the spatial index) and, once the second's rows
    // are in too, the references to the entities. Three server processes on
    // the two cores of the machine this was measured on: none of them waits
    // idle for another's step.
    let (entities_there, wait_for_entities) = std::sync::mpsc::channel::<()>();
    let (entities_there_too, rest_waits_for_entities) = std::sync::mpsc::channel::<()>();
    let (rest_there, wait_for_rest) = std::sync::mpsc::channel::<()>();
    let (entities, rest, references) = std::thread::scope(|scope| {
        // The counts are made meanwhile (1.4 s of a million records, when
        // the second connection would otherwise wait for them).
        let counting = scope
            .spawn(|| crate::store::tally::count(&changes.entities, changes.assignment_rows()));
        let rest = scope.spawn(move || -> Result<i64, StoreError> {
            let id = load_all_but_entities(&mut second, changes, import_id, counting)?;
            let _ = rest_there.send(());
            // Nothing comes when the entities failed: that error is the one.
            if rest_waits_for_entities.recv().is_ok() {
                run(&mut second, building, schema::KEYS_OF_THE_REST)?;
            }
            Ok(id)
        });
        let references = scope.spawn(move || -> Result<(), StoreError> {
            // Nothing comes when either failed: that error is the one.
            if wait_for_entities.recv().is_err() {
                return Ok(());
            }
            run(&mut third, building, ENTITIES_KEY_INDEX)?;
            run(&mut third, building, schema::ENTITY_INDEXES)?;
            run(&mut third, building, ENTITIES_KEY)?;
            run(&mut third, building, schema::ENTITY_KEY)?;
            if wait_for_rest.recv().is_err() {
                return Ok(());
            }
            run(&mut third, building, schema::REFERENCES)
        });
        let entities = load_entities(&mut first, changes, &revisions).and_then(|()| {
            let _ = entities_there.send(());
            let _ = entities_there_too.send(());
            run(&mut first, building, schema::ENTITY_POINTS)?;
            run(&mut first, building, schema::ANALYZE)
        });
        drop((entities_there, entities_there_too));
        (entities, join(rest), join(references))
    });
    entities?;
    let id = rest?;
    references?;
    Ok(id)
}

/// The entities' row numbers' key, dropped before their rows are copied in
/// and made once after (kept while a million rows arrive, the assignments'
/// row numbers' key cost 0.7 s, made after 0.25 s; the assignments have no
/// row numbers since version 5).
const UNKEYED: &str = "ALTER TABLE entities DROP CONSTRAINT entities_pkey";
/// The entities' row numbers' key: its index beside the spatial index's
/// build, the key of it after (see [`schema::ENTITY_INDEXES`]).
const ENTITIES_KEY_INDEX: &str = "CREATE UNIQUE INDEX entities_pkey ON {s}.entities (fid)";
const ENTITIES_KEY: &str =
    "ALTER TABLE {s}.entities ADD CONSTRAINT entities_pkey PRIMARY KEY USING INDEX entities_pkey";

/// The entity rows (frozen: the table is emptied in the same transaction)
/// and areas.
fn load_entities(
    client: &mut Client,
    changes: &ChangeSet,
    revisions: &FirstRevisions<'_>,
) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(sql_err("BEGIN"))?;
    let empty = format!("TRUNCATE entities; {UNKEYED}");
    tx.batch_execute(&empty).map_err(sql_err(&empty))?;
    write::copy_new_entities(&mut tx, &changes.entities, write::Freeze::Yes, revisions)?;
    write::write_areas(&mut tx, &changes.entities)?;
    tx.commit().map_err(sql_err("COMMIT"))
}

/// Everything else an import (logged as `import_id`) writes into a new
/// store: districts, levels, relations, contacts, vocabulary, assignments,
/// counts and a decision; a copy's history.
fn load_all_but_entities(
    client: &mut Client,
    changes: &ChangeSet,
    import_id: i64,
    counting: std::thread::ScopedJoinHandle<'_, Vec<crate::store::tally::Tally>>,
) -> Result<i64, StoreError> {
    let mut tx = client.transaction().map_err(sql_err("BEGIN"))?;
    let id = write::write_new_store_rest(&mut tx, changes, import_id, || join(counting))?;
    tx.commit().map_err(sql_err("COMMIT"))?;
    Ok(id)
}

/// Runs one step of the schema's SQL (its statements in one transaction).
fn run(client: &mut Client, building: &PgTarget, step: &str) -> Result<(), StoreError> {
    let sql = building.sql(step);
    client.batch_execute(&sql).map_err(sql_err(&sql))
}

fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
