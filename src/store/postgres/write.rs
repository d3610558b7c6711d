//! Writing an import into the PostGIS store, in the caller's transaction.
//!
//! Entity rows and assignments go in through binary `COPY` (the entities
//! into a temporary table first, from which one `INSERT … ON CONFLICT`
//! writes new and changed rows and one `INSERT … SELECT` their revisions);
//! districts, relations and contacts, which are few, row by row.

use super::copy_in::copy_in;
use super::sql_err;
use crate::model::{District, Entity};
use crate::store::copy::{FirstRevisions, History, RevisionEntry};
use crate::store::entity_row::{self, COLUMNS};
use crate::store::{Assignments, ChangeSet, StoreError};
use geo::{Geometry, MultiPolygon};
use postgres::Transaction;
use postgres::types::{ToSql, Type};
use rayon::prelude::*;
use serde::Serialize;

/// The serde name of a unit enum value (`"partner"`, `"active"`, …).
pub(super) fn word<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => unreachable!("a unit enum serialises as a string, not {other:?}"),
    }
}

/// WKB of a WGS84 multipolygon, for `ST_GeomFromWKB`.
fn wkb(mp: &MultiPolygon<f64>) -> Vec<u8> {
    let mut out = Vec::new();
    wkb::writer::write_geometry(
        &mut out,
        &Geometry::MultiPolygon(mp.clone()),
        &wkb::writer::WriteOptions {
            endianness: wkb::Endianness::LittleEndian,
        },
    )
    .expect("writing WKB into a Vec cannot fail");
    out
}

fn exec(
    tx: &mut Transaction<'_>,
    q: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<u64, StoreError> {
    tx.execute(q, params).map_err(sql_err(q))
}

/// Writes `changes`; returns the import's id. The caller holds the
/// writers' lock and commits. `fresh`: the store was made in this
/// transaction and its large tables have no keys and indexes yet (the
/// caller makes them after), so rows are copied straight in.
pub(super) fn apply_in(
    tx: &mut Transaction<'_>,
    changes: &ChangeSet,
    fresh: bool,
) -> Result<i64, StoreError> {
    if let Some(base) = changes.based_on {
        refuse_conflict(tx, changes, base)?;
    }
    if fresh {
        let import_id = log_import(tx, changes)?;
        let revisions = FirstRevisions::of(changes, import_id)?;
        copy_new_entities(tx, &changes.entities, Freeze::No, &revisions)?;
        drop(revisions);
        write_areas(tx, &changes.entities)?;
        return write_new_store_rest(tx, changes, import_id, || {
            crate::store::tally::count(&changes.entities, changes.assignment_rows())
        });
    }
    let import_id = log_import(tx, changes)?;
    let tallies = super::tally::Pending::before(tx, changes)?;
    if !changes.entities.is_empty() {
        write_entities(tx, &changes.entities, import_id)?;
    }
    write_areas(tx, &changes.entities)?;
    write_all_but_entities(tx, changes, import_id)?;
    tallies.after(tx)?;
    if let Some(decision) = &changes.decision {
        super::web::record_decision(tx, decision, Some(import_id))?;
    }
    Ok(import_id)
}

/// Refuses `changes` when an import after `base` (the last one its plan
/// saw) changed what they build on (see [`crate::store::conflict`]).
fn refuse_conflict(
    tx: &mut Transaction<'_>,
    changes: &ChangeSet,
    base: i64,
) -> Result<(), StoreError> {
    const LAST: &str = "SELECT coalesce(max(id), 0) FROM imports";
    let last: i64 = tx.query_one(LAST, &[]).map_err(sql_err(LAST))?.get(0);
    if last <= base {
        return Ok(());
    }
    const SINCE: &str = crate::store::CHANGED_SINCE;
    let rows = tx.query(SINCE, &[&base]).map_err(sql_err(SINCE))?;
    let changed = rows.iter().map(|r| {
        (
            r.get::<_, String>(0),
            r.get::<_, String>(1),
            r.get::<_, i64>(2),
        )
    });
    match crate::store::conflict(changes, changed) {
        Some(conflict) => Err(conflict),
        None => Ok(()),
    }
}

/// What a new store's first import, logged as `import_id`
/// ([`log_import`]), writes besides its entity rows and areas: everything
/// [`write_all_but_entities`] writes, the counts (`counts`, asked for once
/// they are needed: a caller may be making them meanwhile), a decision; a
/// copy's history. Returns the import's id (a copy's: its history's last).
pub(super) fn write_new_store_rest(
    tx: &mut Transaction<'_>,
    changes: &ChangeSet,
    mut import_id: i64,
    counts: impl FnOnce() -> Vec<crate::store::tally::Tally>,
) -> Result<i64, StoreError> {
    write_all_but_entities(tx, changes, import_id)?;
    super::tally::write_new(tx, &counts())?;
    if let Some(decision) = &changes.decision {
        super::web::record_decision(tx, decision, Some(import_id))?;
    }
    if let Some(history) = &changes.history {
        import_id = keep_history(tx, history)?;
    }
    Ok(import_id)
}

/// What an import writes besides its entities' rows, areas and
/// revisions: districts, levels, relations, contacts, vocabulary, the
/// default level and the assignments.
pub(super) fn write_all_but_entities(
    tx: &mut Transaction<'_>,
    changes: &ChangeSet,
    import_id: i64,
) -> Result<(), StoreError> {
    for d in &changes.districts {
        upsert_district(tx, d, import_id)?;
    }
    for id in &changes.removed_districts {
        exec(tx, "DELETE FROM districts WHERE id = $1", &[id])?;
        let record = serde_json::json!({ "id": id, "removed": true }).to_string();
        add_revision(tx, "district", id, import_id, &record)?;
    }
    if let Some(levels) = &changes.levels {
        exec(tx, "DELETE FROM district_levels", &[])?;
        for level in levels {
            const Q: &str = "INSERT INTO district_levels (level, rank) VALUES ($1, $2)";
            exec(tx, Q, &[&level.id, &(level.rank as i32)])?;
        }
    }
    if !changes.relations.is_empty() {
        const Q: &str = "INSERT INTO relations (from_id, to_id, role, field, source) \
                         VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (from_id, to_id, role, field) DO UPDATE SET source = excluded.source";
        let stmt = tx.prepare(Q).map_err(sql_err(Q))?;
        for r in &changes.relations {
            let field = r.field.as_deref().unwrap_or("");
            tx.execute(
                &stmt,
                &[&r.from, &r.to, &r.role.as_str(), &field, &r.source],
            )
            .map_err(sql_err(Q))?;
        }
    }
    if !changes.contacts.is_empty() {
        const Q: &str = "INSERT INTO contacts (entity_id, name, role, email, phone) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (entity_id, name) DO UPDATE \
                         SET role = excluded.role, email = excluded.email, phone = excluded.phone";
        let stmt = tx.prepare(Q).map_err(sql_err(Q))?;
        for c in &changes.contacts {
            tx.execute(&stmt, &[&c.entity, &c.name, &c.role, &c.email, &c.phone])
                .map_err(sql_err(Q))?;
        }
    }
    if let Some(vocabulary) = &changes.vocabulary {
        let json = serde_json::to_string(vocabulary).expect("vocabulary serialises");
        set_meta(tx, "vocabulary", &json)?;
    }
    if let Some(level) = &changes.default_level {
        set_meta(tx, "default_level", level)?;
    }
    if let Some(assignments) = &changes.assignments {
        let rows = match assignments {
            Assignments::All(rows) => {
                exec(tx, "DELETE FROM entity_districts", &[])?;
                rows
            }
            Assignments::Of { entities, rows } => {
                const Q: &str = "DELETE FROM entity_districts WHERE entity_id = ANY($1)";
                exec(tx, Q, &[entities])?;
                rows
            }
        };
        // PostgreSQL refuses `COPY … FROM` into a table whose row-level
        // security binds the writer (an editor who is not the owner): their
        // rows go through a temporary table.
        const BOUND: &str = "SELECT row_security_active('entity_districts')";
        let bound: bool = tx.query_one(BOUND, &[]).map_err(sql_err(BOUND))?.get(0);
        if bound {
            const TEMP: &str = "CREATE TEMP TABLE import_assignments \
                                (entity_id text, level text, district_id text) ON COMMIT DROP";
            tx.batch_execute(TEMP).map_err(sql_err(TEMP))?;
        }
        let copy = format!(
            "COPY {} (entity_id, level, district_id) FROM STDIN (FORMAT binary)",
            if bound {
                "import_assignments"
            } else {
                "entity_districts"
            }
        );
        copy_in(
            tx,
            &copy,
            &[Type::TEXT, Type::TEXT, Type::TEXT],
            rows,
            |r, out| out.row(&[&r.entity_id, &r.level, &r.district_id]),
        )?;
        if bound {
            const MOVE: &str = "INSERT INTO entity_districts (entity_id, level, district_id) \
                                SELECT entity_id, level, district_id FROM import_assignments; \
                                DROP TABLE import_assignments";
            tx.batch_execute(MOVE).map_err(sql_err(MOVE))?;
        }
    }
    Ok(())
}

fn set_meta(tx: &mut Transaction<'_>, key: &str, value: &str) -> Result<(), StoreError> {
    const Q: &str = "INSERT INTO stadtatlas_meta (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    exec(tx, Q, &[&key, &value]).map(drop)
}

pub(super) fn log_import(tx: &mut Transaction<'_>, changes: &ChangeSet) -> Result<i64, StoreError> {
    let files: Vec<String> = changes
        .files
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let files = serde_json::to_string(&files).expect("strings serialise");
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    // The next number, not a sequence's: a refused import must not use one
    // up (imports take turns under the advisory lock, so this is safe).
    const Q: &str = "INSERT INTO imports (id, at, files) \
                     SELECT coalesce(max(id), 0) + 1, $1, $2 FROM imports RETURNING id";
    tx.query_one(Q, &[&at, &files])
        .map(|r| r.get(0))
        .map_err(sql_err(Q))
}

/// The next revision of a record, holding the whole record.
fn add_revision(
    tx: &mut Transaction<'_>,
    kind: &str,
    id: &str,
    import_id: i64,
    record: &str,
) -> Result<(), StoreError> {
    const Q: &str = "INSERT INTO revisions (record_kind, record_id, rev, import_id, record) \
                     SELECT $1, $2, coalesce(max(rev), 0) + 1, $3, $4 FROM revisions \
                     WHERE record_kind = $1 AND record_id = $2";
    exec(tx, Q, &[&kind, &id, &import_id, &record]).map(drop)
}

/// The columns of `entities` an import writes, in the temporary table's
/// order (after `ord`).
const ENTITY_COLUMNS: &str = "id, name, kind, category, fields, status, address, website, \
                              district_names, source, verified_on, visibility, lon, lat, record";

/// `name = {row}.name, …` for every one of [`ENTITY_COLUMNS`] but `id`.
fn set_entity_columns_from(row: &str) -> String {
    let set: Vec<String> = ENTITY_COLUMNS
        .split(", ")
        .skip(1)
        .map(|c| format!("{c} = {row}.{c}"))
        .collect();
    set.join(", ")
}

/// The types of `ord` and [`ENTITY_COLUMNS`], for binary `COPY`.
const ENTITY_TYPES: [Type; 16] = [
    Type::INT4,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT_ARRAY,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT_ARRAY,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::FLOAT8,
    Type::FLOAT8,
    Type::TEXT,
];

/// The columns of an entity that are not its fields as they are.
struct EntityRow {
    ord: i32,
    kind: &'static str,
    status: Option<&'static str>,
    visibility: &'static str,
    verified: Option<String>,
    lon: Option<f64>,
    lat: Option<f64>,
}

impl EntityRow {
    fn of(e: &Entity) -> Self {
        EntityRow {
            ord: 0,
            kind: e.kind.as_str(),
            status: e.status.map(|s| s.as_str()),
            visibility: e.visibility.as_str(),
            verified: e.verified_on.map(|d| d.to_string()),
            lon: e.location.map(|p| p.lon()),
            lat: e.location.map(|p| p.lat()),
        }
    }

    /// `ord` and the values of [`ENTITY_COLUMNS`].
    fn values<'a>(&'a self, e: &'a Entity, record: &'a String) -> [&'a (dyn ToSql + Sync); 16] {
        [
            &self.ord,
            &e.id,
            &e.name,
            &self.kind,
            &e.category,
            &e.fields,
            &self.status,
            &e.address,
            &e.website,
            &e.district_names,
            &e.source,
            &self.verified,
            &self.visibility,
            &self.lon,
            &self.lat,
            record,
        ]
    }
}

/// The rows of `entities`, in their order (`ord`), in the temporary table
/// `import_entities` (dropped at the latest when the transaction ends).
fn copy_into_import_table(tx: &mut Transaction<'_>, entities: &[Entity]) -> Result<(), StoreError> {
    const TEMP: &str = "CREATE TEMP TABLE import_entities (ord integer, id text, name text, \
                        kind text, category text, fields text[], status text, address text, \
                        website text, district_names text[], source text, verified_on text, \
                        visibility text, lon double precision, lat double precision, record text) \
                        ON COMMIT DROP";
    tx.batch_execute(TEMP).map_err(sql_err(TEMP))?;
    const COPY: &str = "COPY import_entities FROM STDIN (FORMAT binary)";
    let numbered: Vec<(i32, &Entity)> = (0..).zip(entities).collect();
    copy_in(tx, COPY, &ENTITY_TYPES, &numbered, |&(ord, e), out| {
        let mut row = EntityRow::of(e);
        row.ord = ord;
        out.row(&row.values(e, &entity_row::record(e)))
    })
    .map(drop)
}

/// Brings the entity rows of a store of schema version 3 or older, whose
/// `record` holds the whole entity, to version 4: every row is written
/// again from its record, the columns too, since the record was what the
/// library read (a column edited by hand in between is overwritten).
pub(super) fn rewrite_entities_from_records(tx: &mut Transaction<'_>) -> Result<(), StoreError> {
    const ALL: &str = "SELECT id, record FROM entities ORDER BY fid";
    let rows = tx.query(ALL, &[]).map_err(sql_err(ALL))?;
    let whole: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    drop(rows);
    let entities: Vec<Entity> = whole
        .into_par_iter()
        .map(|(id, json)| entity_row::from_whole_record(id, &json))
        .collect::<Result<_, _>>()?;
    copy_into_import_table(tx, &entities)?;
    let update = format!(
        "UPDATE entities e SET {} FROM import_entities t WHERE e.id = t.id",
        set_entity_columns_from("t")
    );
    exec(tx, &update, &[])?;
    const DROP: &str = "DROP TABLE import_entities";
    tx.batch_execute(DROP).map_err(sql_err(DROP))
}

fn write_entities(
    tx: &mut Transaction<'_>,
    entities: &[Entity],
    import_id: i64,
) -> Result<(), StoreError> {
    copy_into_import_table(tx, entities)?;
    // A new record's row is its first revision; a changed one's counts on.
    let upsert = format!(
        "INSERT INTO entities ({ENTITY_COLUMNS}, rev, import_id) \
         SELECT {ENTITY_COLUMNS}, 1, $1 FROM import_entities \
         ORDER BY ord ON CONFLICT (id) DO UPDATE SET {}, rev = entities.rev + 1, \
         import_id = excluded.import_id",
        set_entity_columns_from("excluded")
    );
    keep_current_revisions(tx)?;
    exec(tx, &upsert, &[&import_id])?;
    const NO_AREA: &str =
        "DELETE FROM entity_areas WHERE entity_id IN (SELECT id FROM import_entities)";
    exec(tx, NO_AREA, &[])?;
    const DROP: &str = "DROP TABLE import_entities";
    tx.batch_execute(DROP).map_err(sql_err(DROP))
}

/// The revision that is current for each stored entity the import brings,
/// until now its row, goes into `revisions` with its whole record. The row
/// holds the record in its columns and `record` ([`crate::store::entity_row`]),
/// so the whole record is put together here, as the library reads it, not
/// by SQL of its own.
fn keep_current_revisions(tx: &mut Transaction<'_>) -> Result<(), StoreError> {
    let current = format!(
        "SELECT {COLUMNS}, rev, import_id FROM entities \
         WHERE id IN (SELECT id FROM import_entities)"
    );
    let rows = tx.query(&current, &[]).map_err(sql_err(&current))?;
    if rows.is_empty() {
        return Ok(());
    }
    let at = COLUMNS.split(", ").count();
    let revisions: Vec<(i32, i64)> = rows.iter().map(|r| (r.get(at), r.get(at + 1))).collect();
    let (ids, records): (Vec<String>, Vec<String>) = super::read::parse_entities(rows)?
        .par_iter()
        .map(|e| {
            let whole = serde_json::to_string(e).expect("entities serialise");
            (e.id.clone(), whole)
        })
        .unzip();
    let (revs, imports): (Vec<i32>, Vec<i64>) = revisions.into_iter().unzip();
    const KEEP: &str = "INSERT INTO revisions (record_kind, record_id, rev, import_id, record) \
                        SELECT 'entity', k.id, k.rev, k.import_id, k.record \
                        FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[]) \
                        AS k (id, rev, import_id, record) ORDER BY k.id";
    exec(tx, KEEP, &[&ids, &revs, &imports, &records]).map(drop)
}

/// The areas of these entities (their old ones are gone by now).
pub(super) fn write_areas(tx: &mut Transaction<'_>, entities: &[Entity]) -> Result<(), StoreError> {
    const AREA: &str = "INSERT INTO entity_areas (entity_id, name, geom) \
                        VALUES ($1, $2, ST_Multi(ST_GeomFromWKB($3, 4326)))";
    for e in entities {
        if let Some(area) = &e.area {
            exec(tx, AREA, &[&e.id, &e.name, &wkb(area)])?;
        }
    }
    Ok(())
}

/// Whether a `COPY` writes its rows frozen: only into a table made or
/// emptied in the same transaction (a new store's build), and then nobody
/// sets the rows' hint bits later, page by page (the index builds and the
/// first questions would otherwise write the whole table again).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Freeze {
    Yes,
    No,
}

/// The entities of a new store, copied straight into `entities`: their
/// row numbers (`fid`) in the import's order, the rows themselves in
/// [`storage_order`].
pub(super) fn copy_new_entities(
    tx: &mut Transaction<'_>,
    entities: &[Entity],
    freeze: Freeze,
    revisions: &FirstRevisions<'_>,
) -> Result<(), StoreError> {
    if entities.is_empty() {
        return Ok(());
    }
    // The row numbers from the table's own sequence, taken at once (the
    // writers take turns under their lock; a refused import leaves a gap).
    const FIRST: &str = "SELECT nextval(pg_get_serial_sequence('entities', 'fid'))";
    const LAST: &str = "SELECT setval(pg_get_serial_sequence('entities', 'fid'), $1)";
    let first: i64 = tx.query_one(FIRST, &[]).map_err(sql_err(FIRST))?.get(0);
    let q = format!(
        "COPY entities (fid, {ENTITY_COLUMNS}, rev, import_id) FROM STDIN (FORMAT binary{})",
        if freeze == Freeze::Yes {
            ", FREEZE"
        } else {
            ""
        }
    );
    let types: Vec<Type> = std::iter::once(Type::INT8)
        .chain(ENTITY_TYPES[1..].iter().cloned())
        .chain([Type::INT4, Type::INT8])
        .collect();
    copy_in(tx, &q, &types, &storage_order(entities), |&i, out| {
        let e = &entities[i as usize];
        let fid = first + i64::from(i);
        let (rev, import_id) = revisions.get(&e.id);
        let rev = rev as i32;
        let row = EntityRow::of(e);
        let record = entity_row::record(e);
        let values = row.values(e, &record);
        // `fid`, the columns after `ord`, then the revision's.
        let mut columns: [&(dyn ToSql + Sync); 18] = [&fid; 18];
        columns[1..16].copy_from_slice(&values[1..]);
        columns[16] = &rev;
        columns[17] = &import_id;
        out.row(&columns)
    })?;
    let last = first + entities.len() as i64 - 1;
    tx.query_one(LAST, &[&last]).map_err(sql_err(LAST))?;
    Ok(())
}

/// The order in which a new store keeps its entity rows: along a Hilbert
/// curve over longitude and latitude, so that a neighbourhood's rows share
/// pages (at 10^6, the 9,494 rows of a 500 m box lie on 439 pages instead
/// of 8,472 in the import's order); entities without a point last, in the
/// import's order. Indexes into `entities`.
fn storage_order(entities: &[Entity]) -> Vec<u32> {
    // 2^32 steps around the globe: under a centimetre apart.
    let step = |v: f64, span: f64| ((v / span + 0.5) * f64::from(u32::MAX)) as u32;
    let mut keyed: Vec<(bool, u64, u32)> = entities
        .par_iter()
        .zip(0..u32::try_from(entities.len()).expect("fewer than 2^32 entities"))
        .map(|(e, i)| match e.location {
            Some(p) => (
                false,
                fast_hilbert::xy2h(step(p.lon(), 360.0), step(p.lat(), 180.0), 32),
                i,
            ),
            None => (true, 0, i),
        })
        .collect();
    keyed.par_sort_unstable();
    keyed.into_iter().map(|(_, _, i)| i).collect()
}

/// The types of `revisions (record_kind, record_id, rev, import_id, record)`.
const REVISION_TYPES: [Type; 5] = [Type::TEXT, Type::TEXT, Type::INT4, Type::INT8, Type::TEXT];

fn upsert_district(
    tx: &mut Transaction<'_>,
    d: &District,
    import_id: i64,
) -> Result<(), StoreError> {
    const Q: &str = "INSERT INTO districts (id, name, level, parent, aliases, population, provisional, \
                     method, source, record, geom) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
                     ST_Multi(ST_GeomFromWKB($11, 4326))) \
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level, \
                     parent = excluded.parent, aliases = excluded.aliases, population = excluded.population, \
                     provisional = excluded.provisional, method = excluded.method, source = excluded.source, \
                     record = excluded.record, geom = excluded.geom";
    let record = serde_json::to_string(d).expect("districts serialise");
    let geom = d.geometry.as_ref().map(wkb);
    let population = d.population.map(|p| p as i64);
    exec(
        tx,
        Q,
        &[
            &d.id,
            &d.name,
            &d.level,
            &d.parent,
            &d.aliases,
            &population,
            &d.provisional,
            &d.method,
            &d.source,
            &record,
            &geom,
        ],
    )?;
    add_revision(tx, "district", &d.id, import_id, &record)
}

/// Replaces the import log and revisions just written into a new store
/// with `history` (a copy's); returns the last import's id. The entities'
/// current revisions are their rows ([`FirstRevisions`]).
fn keep_history(tx: &mut Transaction<'_>, history: &History) -> Result<i64, StoreError> {
    exec(tx, "DELETE FROM revisions", &[])?;
    exec(tx, "DELETE FROM imports", &[])?;
    {
        const COPY: &str = "COPY imports (id, at, files) FROM STDIN (FORMAT binary)";
        let types = [Type::INT8, Type::TEXT, Type::TEXT];
        copy_in(tx, COPY, &types, &history.imports, |i, out| {
            out.row(&[&i.id, &i.at, &i.files])
        })?;
    }
    const COPY: &str = "COPY revisions (record_kind, record_id, rev, import_id, record) \
                        FROM STDIN (FORMAT binary)";
    let kept: Vec<&RevisionEntry> = history.kept_revisions().collect();
    copy_in(tx, COPY, &REVISION_TYPES, &kept, |r, out| {
        let rev = r.rev as i32;
        out.row(&[&r.kind, &r.id, &rev, &r.import_id, &r.record.as_deref()])
    })?;
    super::web::keep(tx, &history.web)?;
    Ok(history.imports.last().map_or(0, |i| i.id))
}
