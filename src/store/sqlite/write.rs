//! Applying an import's [`ChangeSet`] in one transaction.

use super::gpkg_blob::encode;
use super::sql_err;
use crate::model::{District, Entity};
use crate::store::{ChangeSet, StoreError};
use geo::{BoundingRect, Geometry};
use rayon::prelude::*;
use rusqlite::{Connection, Transaction, TransactionBehavior, params};

/// An entity encoded for its rows, ahead of the (single-threaded) writing.
struct EncodedEntity<'a> {
    entity: &'a Entity,
    record: String,
    point: Option<Vec<u8>>,
    area: Option<Vec<u8>>,
}

impl<'a> EncodedEntity<'a> {
    fn new(entity: &'a Entity) -> Self {
        Self {
            entity,
            record: serde_json::to_string(entity).expect("entities serialise"),
            point: entity.location.map(|p| encode(&Geometry::Point(p.point()))),
            area: entity
                .area
                .as_ref()
                .map(|a| encode(&Geometry::MultiPolygon(a.clone()))),
        }
    }
}

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
    apply_as(conn, changes, Target::Existing)
}

/// [`apply`] into a store just created without its bulk indexes.
pub(super) fn apply_to_new(conn: &mut Connection, changes: &ChangeSet) -> Result<i64, StoreError> {
    apply_as(conn, changes, Target::New)
}

fn apply_as(conn: &mut Connection, changes: &ChangeSet, target: Target) -> Result<i64, StoreError> {
    // JSON and geometry blobs are made on every core; SQLite writes on one.
    let encoded: Vec<EncodedEntity<'_>> = changes
        .entities
        .par_iter()
        .map(EncodedEntity::new)
        .collect();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql_err("BEGIN IMMEDIATE"))?;
    let import_id = log_import(&tx, changes)?;
    // With no areas stored yet there are none to drop for entities without one.
    let areas_stored: bool = tx
        .query_row("SELECT EXISTS (SELECT 1 FROM entity_areas)", [], |r| {
            r.get(0)
        })
        .map_err(sql_err("SELECT EXISTS entity_areas"))?;
    if target == Target::Existing {
        let mut stmt = tx
            .prepare(KEEP_ENTITY_REVISION)
            .map_err(sql_err(KEEP_ENTITY_REVISION))?;
        for e in &encoded {
            stmt.execute([&e.entity.id])
                .map_err(sql_err(KEEP_ENTITY_REVISION))?;
        }
    }
    {
        let q = match target {
            Target::Existing => UPSERT_ENTITY,
            Target::New => INSERT_ENTITY,
        };
        let mut stmt = tx.prepare(q).map_err(sql_err(q))?;
        for e in &encoded {
            write_entity(&mut stmt, q, e)?;
            write_area(&tx, e, areas_stored)?;
        }
    }
    {
        // In key order, so that the revisions' B-tree grows at its end.
        let mut by_id: Vec<&EncodedEntity<'_>> = encoded.iter().collect();
        by_id.par_sort_unstable_by_key(|e| e.entity.id.as_str());
        let q = target.revision_query();
        let mut stmt = tx.prepare(q).map_err(sql_err(q))?;
        for e in by_id {
            stmt.execute(params!["entity", e.entity.id, import_id])
                .map_err(sql_err(q))?;
        }
    }
    for district in &changes.districts {
        let record = serde_json::to_string(district).expect("districts serialise");
        if target == Target::Existing {
            exec(&tx, KEEP_DISTRICT_REVISION, [&district.id])?;
        }
        upsert_district(&tx, district, &record)?;
        add_revision(&tx, "district", &district.id, import_id, target)?;
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
    if let Some(rows) = &changes.assignments {
        if target == Target::Existing {
            exec(&tx, "DELETE FROM entity_districts", [])?;
        }
        const Q: &str =
            "INSERT INTO entity_districts (entity_id, level, district_id) VALUES (?1, ?2, ?3)";
        let mut stmt = tx.prepare_cached(Q).map_err(sql_err(Q))?;
        for row in rows {
            stmt.execute(params![row.entity_id, row.level, row.district_id])
                .map_err(sql_err(Q))?;
        }
    }
    refresh_contents(&tx)?;
    tx.commit().map_err(sql_err("COMMIT"))?;
    Ok(import_id)
}

fn exec(tx: &Transaction<'_>, query: &str, p: impl rusqlite::Params) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(query).map_err(sql_err(query))?;
    stmt.execute(p).map(|_| ()).map_err(sql_err(query))
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

// A revision's `record` is NULL while it is the current one: the record is
// then the row in `entities`/`districts` (stored once, not twice). Before a
// record changes, its current revision gets a copy of it.
const NEXT_REVISION: &str = "INSERT INTO revisions (record_kind, record_id, rev, import_id, record) \
                             SELECT ?1, ?2, coalesce(max(rev), 0) + 1, ?3, NULL FROM revisions \
                             WHERE record_kind = ?1 AND record_id = ?2";
const FIRST_REVISION: &str = "INSERT INTO revisions (record_kind, record_id, rev, import_id, record) \
                              VALUES (?1, ?2, 1, ?3, NULL)";
const KEEP_ENTITY_REVISION: &str = "UPDATE revisions SET record = \
                                    (SELECT record FROM entities WHERE id = ?1) \
                                    WHERE record_kind = 'entity' AND record_id = ?1 AND record IS NULL";
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

fn add_revision(
    tx: &Transaction<'_>,
    kind: &str,
    id: &str,
    import_id: i64,
    target: Target,
) -> Result<(), StoreError> {
    exec(tx, target.revision_query(), params![kind, id, import_id])
}

const INSERT_ENTITY: &str = "INSERT INTO entities (id, name, kind, category, fields, status, address, website, \
                             district_names, source, verified_on, visibility, record, geom, lon, lat, cell) \
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
const UPSERT_ENTITY: &str = "INSERT INTO entities (id, name, kind, category, fields, status, address, website, \
                     district_names, source, verified_on, visibility, record, geom, lon, lat, cell) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) \
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, \
                     category = excluded.category, fields = excluded.fields, status = excluded.status, \
                     address = excluded.address, website = excluded.website, \
                     district_names = excluded.district_names, source = excluded.source, \
                     verified_on = excluded.verified_on, visibility = excluded.visibility, \
                     record = excluded.record, geom = excluded.geom, lon = excluded.lon, \
                     lat = excluded.lat, cell = excluded.cell";

fn write_entity(
    stmt: &mut rusqlite::Statement<'_>,
    query: &str,
    encoded: &EncodedEntity<'_>,
) -> Result<(), StoreError> {
    let e = encoded.entity;
    let (lon, lat) = (e.location.map(|p| p.lon()), e.location.map(|p| p.lat()));
    let cell = e.location.map(|p| super::grid::cell(p.lon(), p.lat()));
    stmt.execute(params![
        e.id,
        e.name,
        e.kind.as_str(),
        e.category,
        e.fields.join(";"),
        e.status.map(|s| s.as_str()),
        e.address,
        e.website,
        e.district_names.join(";"),
        e.source,
        e.verified_on.map(|d| d.to_string()),
        e.visibility.as_str(),
        encoded.record,
        encoded.point,
        lon,
        lat,
        cell
    ])
    .map(|_| ())
    .map_err(sql_err(query))
}

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

/// Keeps `gpkg_contents` extents and `last_change` true after a write.
fn refresh_contents(tx: &Transaction<'_>) -> Result<(), StoreError> {
    for table in ["entities", "entity_areas", "districts"] {
        let query = format!("SELECT geom FROM {table} WHERE geom IS NOT NULL");
        let mut stmt = tx.prepare(&query).map_err(sql_err(&query))?;
        let mut rows = stmt.query([]).map_err(sql_err(&query))?;
        let mut extent: Option<[f64; 4]> = None;
        while let Some(row) = rows.next().map_err(sql_err(&query))? {
            let blob: Vec<u8> = row.get(0).map_err(sql_err(&query))?;
            let Ok(geometry) = super::gpkg_blob::decode(&blob) else {
                continue;
            };
            if let Some(r) = geometry.bounding_rect() {
                let e = extent.get_or_insert([r.min().x, r.min().y, r.max().x, r.max().y]);
                e[0] = e[0].min(r.min().x);
                e[1] = e[1].min(r.min().y);
                e[2] = e[2].max(r.max().x);
                e[3] = e[3].max(r.max().y);
            }
        }
        const Q: &str = "UPDATE gpkg_contents SET min_x = ?2, min_y = ?3, max_x = ?4, max_y = ?5, \
                         last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?1";
        let [a, b, c, d] = extent.map_or([None; 4], |e| e.map(Some));
        exec(tx, Q, params![table, a, b, c, d])?;
    }
    Ok(())
}
