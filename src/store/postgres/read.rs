//! Reading the PostGIS store. Orders follow the GeoPackage store's, so
//! that both give the same answers: entities by id (snapshot) or by the
//! order they were first written (`fid`), districts and relations by `fid`,
//! contacts by entity and name; text compared byte by byte (`COLLATE "C"`,
//! as SQLite and Rust compare).

use super::{PgStore, sql_err};
use crate::model::{Contact, District, Entity, Level, Relation, Vocabulary};
use crate::store::entity_row::{COLUMNS, StoredEntity};
use crate::store::tally::{Place, Profile, Tally};
use crate::store::{AssignmentRow, EntityOrder, Revision, Snapshot, StoreError};
use postgres::Client;
use postgres::types::ToSql;
use rayon::prelude::*;

/// The columns [`parse_entities`] reads.
const ENTITY: &str = COLUMNS;

fn corrupt(
    what: &'static str,
    id: &str,
    e: impl std::error::Error + Send + Sync + 'static,
) -> StoreError {
    StoreError::Corrupt {
        what,
        id: id.to_string(),
        source: Box::new(e),
    }
}

fn parse<T: serde::de::DeserializeOwned>(
    what: &'static str,
    id: &str,
    json: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(json).map_err(|e| corrupt(what, id, e))
}

/// Entities from rows of [`ENTITY`], parsed on every core, in row order.
/// Each raw row is dropped once its values are read (a dense box's rows
/// would otherwise be held twice, raw and read).
pub(super) fn parse_entities(rows: Vec<postgres::Row>) -> Result<Vec<Entity>, StoreError> {
    parse_stored(
        rows.into_iter()
            .map(|r| StoredEntity::from_pg(&r, 0))
            .collect(),
    )
}

/// Entities from the values of rows of [`ENTITY`], parsed on every core.
fn parse_stored(stored: Vec<StoredEntity>) -> Result<Vec<Entity>, StoreError> {
    stored
        .into_par_iter()
        .map(StoredEntity::into_entity)
        .collect()
}

impl StoredEntity {
    /// Reads the [`COLUMNS`] of a row, from its column `at` on.
    fn from_pg(r: &postgres::Row, at: usize) -> Self {
        Self {
            id: r.get(at),
            name: r.get(at + 1),
            kind: r.get(at + 2),
            category: r.get(at + 3),
            status: r.get(at + 4),
            address: r.get(at + 5),
            website: r.get(at + 6),
            source: r.get(at + 7),
            verified_on: r.get(at + 8),
            visibility: r.get(at + 9),
            lon: r.get(at + 10),
            lat: r.get(at + 11),
            record: r.get(at + 12),
        }
    }
}

/// The entities of `SELECT {ENTITY} FROM entities {tail}`.
pub(super) fn entities_where(
    client: &mut Client,
    tail: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Entity>, StoreError> {
    let q = format!("SELECT {ENTITY} FROM entities {tail}");
    parse_entities(client.query(&q, params).map_err(sql_err(&q))?)
}

pub(super) fn snapshot(store: &PgStore) -> Result<Snapshot, StoreError> {
    let client = &mut store.client.borrow_mut();
    let entities = entities_where(client, "ORDER BY id COLLATE \"C\"", &[])?;
    let relations = relations(client, "", &[])?;
    let contacts = contacts(client, "", &[])?;
    Ok(Snapshot {
        entities,
        relations,
        contacts,
        ..frame(client)?
    })
}

/// False for the reader role, which may not see personal data.
fn may_read_contacts(client: &mut Client) -> Result<bool, StoreError> {
    const Q: &str = "SELECT has_table_privilege(to_regclass('contacts'), 'SELECT')";
    client
        .query_one(Q, &[])
        .map(|r| r.get(0))
        .map_err(sql_err(Q))
}

pub(super) fn frame(client: &mut Client) -> Result<Snapshot, StoreError> {
    const DISTRICTS: &str = "SELECT id, record FROM districts ORDER BY fid";
    let districts: Vec<District> = client
        .query(DISTRICTS, &[])
        .map_err(sql_err(DISTRICTS))?
        .iter()
        .map(|r| parse("district", r.get(0), r.get(1)))
        .collect::<Result<_, _>>()?;
    const LEVELS: &str = "SELECT level, rank FROM district_levels ORDER BY rank";
    let levels = client
        .query(LEVELS, &[])
        .map_err(sql_err(LEVELS))?
        .iter()
        .map(|r| Level {
            id: r.get(0),
            rank: r.get::<_, i32>(1) as u32,
        })
        .collect();
    let vocabulary = match meta(client, "vocabulary")? {
        Some(json) => Some(parse::<Vocabulary>("vocabulary", "vocabulary", &json)?),
        None => None,
    };
    Ok(Snapshot {
        districts,
        levels,
        vocabulary,
        default_level: meta(client, "default_level")?,
        ..Snapshot::default()
    })
}

fn meta(client: &mut Client, key: &str) -> Result<Option<String>, StoreError> {
    const Q: &str = "SELECT value FROM stadtatlas_meta WHERE key = $1";
    Ok(client
        .query_opt(Q, &[&key])
        .map_err(sql_err(Q))?
        .map(|r| r.get(0)))
}

pub(super) fn relations(
    client: &mut Client,
    filter: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Relation>, StoreError> {
    let q =
        format!("SELECT from_id, to_id, role, field, source FROM relations {filter} ORDER BY fid");
    let rows = client.query(&q, params).map_err(sql_err(&q))?;
    rows.iter()
        .map(|r| {
            let (from, to, role, field): (String, String, String, String) =
                (r.get(0), r.get(1), r.get(2), r.get(3));
            let role = role.parse().map_err(|e: String| StoreError::Corrupt {
                what: "relation",
                id: format!("{from} -> {to}"),
                source: e.into(),
            })?;
            Ok(Relation {
                from,
                to,
                role,
                field: (!field.is_empty()).then_some(field),
                source: r.get(4),
            })
        })
        .collect()
}

/// Contacts; none for a role that may not read them (the reader role),
/// as if the store held none.
pub(super) fn contacts(
    client: &mut Client,
    filter: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Contact>, StoreError> {
    if !may_read_contacts(client)? {
        return Ok(Vec::new());
    }
    let q = format!(
        "SELECT entity_id, name, role, email, phone FROM contacts {filter} \
         ORDER BY entity_id COLLATE \"C\", name COLLATE \"C\""
    );
    Ok(client
        .query(&q, params)
        .map_err(sql_err(&q))?
        .iter()
        .map(|r| Contact {
            entity: r.get(0),
            name: r.get(1),
            role: r.get(2),
            email: r.get(3),
            phone: r.get(4),
        })
        .collect())
}

pub(super) fn history(client: &mut Client, id: &str) -> Result<Vec<Revision>, StoreError> {
    // The kept revisions, each with its record, and the current one: the
    // row (its columns NULL in the kept ones' result rows).
    let nulls = vec!["NULL"; COLUMNS.split(", ").count()].join(", ");
    let q = format!(
        "SELECT r.rev, i.at, r.import_id, i.files, r.record, {nulls} \
         FROM revisions r JOIN imports i ON i.id = r.import_id \
         WHERE r.record_kind = 'entity' AND r.record_id = $1 \
         UNION ALL SELECT e.rev, i.at, e.import_id, i.files, NULL, e.{} \
         FROM entities e JOIN imports i ON i.id = e.import_id WHERE e.id = $1 ORDER BY 1",
        COLUMNS.replace(", ", ", e.")
    );
    client
        .query(&q, &[&id])
        .map_err(sql_err(&q))?
        .iter()
        .map(|r| {
            let rev: i32 = r.get(0);
            let import_id: i64 = r.get(2);
            let record = match r.get::<_, Option<&str>>(4) {
                Some(json) => parse("revision", &format!("{id} #{rev}"), json)?,
                None => {
                    let entity = StoredEntity::from_pg(r, 5).into_entity()?;
                    serde_json::to_value(entity).expect("entities serialise")
                }
            };
            Ok(Revision {
                rev: rev as u32,
                recorded_at: r.get(1),
                import_id,
                files: parse("import", &import_id.to_string(), r.get(3))?,
                record,
            })
        })
        .collect()
}

fn assignment(r: &postgres::Row) -> AssignmentRow {
    AssignmentRow {
        entity_id: r.get(0),
        level: r.get(1),
        district_id: r.get(2),
    }
}

pub(super) fn assignments(client: &mut Client) -> Result<Vec<AssignmentRow>, StoreError> {
    // In key order (the assignments have no row numbers; an import writes
    // them in this order).
    const Q: &str = "SELECT entity_id, level, district_id FROM entity_districts \
                     ORDER BY entity_id, level, district_id";
    Ok(client
        .query(Q, &[])
        .map_err(sql_err(Q))?
        .iter()
        .map(assignment)
        .collect())
}

/// The assignments of these entities, entity by entity in the order asked,
/// each one's by level and district (the GeoPackage store's key order).
pub(super) fn assignments_of(
    client: &mut Client,
    ids: &[&str],
) -> Result<Vec<AssignmentRow>, StoreError> {
    const Q: &str = "SELECT entity_id, level, district_id FROM entity_districts \
                     WHERE entity_id = ANY($1) \
                     ORDER BY entity_id COLLATE \"C\", level COLLATE \"C\", district_id COLLATE \"C\"";
    let rows = client.query(Q, &[&ids]).map_err(sql_err(Q))?;
    let mut by_entity: std::collections::HashMap<String, Vec<AssignmentRow>> =
        std::collections::HashMap::new();
    for r in &rows {
        let row = assignment(r);
        by_entity
            .entry(row.entity_id.clone())
            .or_default()
            .push(row);
    }
    let mut out = Vec::with_capacity(rows.len());
    for id in ids {
        if let Some(rows) = by_entity.get(*id) {
            out.extend(rows.iter().cloned());
        }
    }
    Ok(out)
}

pub(super) fn last_import(client: &mut Client) -> Result<i64, StoreError> {
    const Q: &str = "SELECT coalesce(max(id), 0) FROM imports";
    client
        .query_one(Q, &[])
        .map(|r| r.get(0))
        .map_err(sql_err(Q))
}

/// The entity counts an import keeps in `entity_tallies` (see `tally.rs`).
pub(super) fn tallies(client: &mut Client, level: Option<&str>) -> Result<Vec<Tally>, StoreError> {
    const Q: &str = "SELECT district_id, kind, category, status, fields, visibility, n \
                     FROM entity_tallies WHERE level = $1";
    let rows = client
        .query(Q, &[&level.unwrap_or("")])
        .map_err(sql_err(Q))?;
    rows.iter()
        .map(|r| {
            let district_id: String = r.get(0);
            let word = |k: usize| -> Option<String> { r.get(k) };
            let profile = serde_json::json!({
                "kind": word(1),
                "category": word(2),
                "status": word(3),
                "fields": r.get::<_, Vec<String>>(4),
                "visibility": word(5),
            });
            let profile: Profile = serde_json::from_value(profile)
                .map_err(|e| corrupt("entity count", &district_id, e))?;
            let n: i64 = r.get(6);
            let place = match level {
                None => Place::Entities,
                Some(level) => Place::District {
                    level: level.to_string(),
                    district_id,
                },
            };
            Ok(Tally {
                place,
                profile,
                n: n as u64,
            })
        })
        .collect()
}

/// The entities with these ids, in the order asked (unknown ids skipped).
pub(super) fn entities_by_id(client: &mut Client, ids: &[&str]) -> Result<Vec<Entity>, StoreError> {
    let found = entities_where(client, "WHERE id = ANY($1)", &[&ids])?;
    let mut by_id: std::collections::HashMap<&str, &Entity> =
        found.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut out = Vec::with_capacity(found.len());
    for id in ids {
        if let Some(e) = by_id.get(id) {
            out.push((*e).clone());
        }
    }
    by_id.clear();
    Ok(out)
}

/// Points in the box (through the GiST index) that pass `keep`, then the
/// entities located by an area only, handed to `f` at most `size` at a
/// time as the rows arrive (a chunk's raw rows are dropped once read).
pub(super) fn for_each_in_box(
    client: &mut Client,
    min: (f64, f64),
    max: (f64, f64),
    keep: &dyn Fn(f64, f64) -> bool,
    size: usize,
    f: &mut (dyn FnMut(Vec<Entity>) -> Result<(), StoreError> + Send),
) -> Result<(), StoreError> {
    use postgres::fallible_iterator::FallibleIterator;
    // The records come with the points, in one pass over the rows, as they
    // lie: a neighbourhood's rows share pages (`write::copy_new_entities`
    // stores them in spatial order), and no caller needs them by `fid`
    // (10^6, 500 m: 9,494 rows on 439 pages, 8 ms; on 8,472 pages and
    // sorted by `fid`, 32 ms). `keep` then drops the points it rules out
    // unparsed.
    let points = format!(
        "SELECT {ENTITY} FROM entities WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)"
    );
    let params: [&(dyn postgres::types::ToSql + Sync); 4] = [&min.0, &min.1, &max.0, &max.1];
    let size = size.max(1);
    let mut rows = client
        .query_raw(&points, params)
        .map_err(sql_err(&points))?;
    let mut kept: Vec<StoredEntity> = Vec::new();
    while let Some(r) = rows.next().map_err(sql_err(&points))? {
        // `lon` and `lat` of [`COLUMNS`], set where `geom` is.
        let (lon, lat): (f64, f64) = (r.get(10), r.get(11));
        if min.0 <= lon && lon <= max.0 && min.1 <= lat && lat <= max.1 && keep(lon, lat) {
            kept.push(StoredEntity::from_pg(&r, 0));
            if kept.len() == size {
                f(parse_stored(std::mem::take(&mut kept))?)?;
            }
        }
    }
    drop(rows);
    let mut areas = entities_where(
        client,
        "WHERE geom IS NULL AND id IN (SELECT entity_id FROM entity_areas) ORDER BY fid",
        &[],
    )?;
    // The last points and the areas, `size` at a time.
    let mut rest = parse_stored(kept)?;
    rest.append(&mut areas);
    crate::store::in_chunks(rest, size, f)
}

pub(super) fn entities_with_websites(
    client: &mut Client,
    websites: &[String],
) -> Result<Vec<Entity>, StoreError> {
    const Q: &str = "SELECT id, website FROM entities WHERE website IS NOT NULL AND website <> ''";
    let ids: Vec<String> = client
        .query(Q, &[])
        .map_err(sql_err(Q))?
        .iter()
        .filter_map(|r| {
            let (id, w): (String, String) = (r.get(0), r.get(1));
            let w = w.to_lowercase();
            websites
                .iter()
                .any(|x| w.contains(x.as_str()))
                .then_some(id)
        })
        .collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    entities_by_id(client, &ids)
}

/// Every entity in `order` (stored: as the rows lie), `size` at a time, through a
/// cursor: the process holds one chunk, whatever the store's size (the
/// server sorts).
pub(super) fn for_each_entity_chunk(
    store: &PgStore,
    size: usize,
    order: EntityOrder,
    f: &mut (dyn FnMut(Vec<Entity>) -> Result<(), StoreError> + Send),
) -> Result<(), StoreError> {
    // The rows lie in spatial order (see `write::copy_new_entities`), not
    // in the order they were written: a read by `fid` jumps about the table
    // (10^6: 3.6–4.4 s against 1.6–1.7 s as they lie), so only a copy asks.
    let order_by = match order {
        EntityOrder::Stored => String::new(),
        EntityOrder::Written => " ORDER BY fid".to_string(),
        EntityOrder::ById => " ORDER BY id COLLATE \"C\"".to_string(),
        EntityOrder::Listed => format!(
            " ORDER BY {}, name COLLATE \"C\", id COLLATE \"C\"",
            EntityOrder::kind_rank_sql()
        ),
    };
    let batch = |q: &str| -> Result<(), StoreError> {
        store
            .client
            .borrow_mut()
            .batch_execute(q)
            .map_err(sql_err(q))
    };
    // A cursor lives in a transaction: the reader's snapshot, else one of
    // its own.
    let own_transaction = !store.reading;
    if own_transaction {
        batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
    }
    let result = (|| {
        batch(&format!(
            "DECLARE entity_chunks NO SCROLL CURSOR FOR SELECT {ENTITY} FROM entities{order_by}"
        ))?;
        let fetch = format!("FETCH FORWARD {} FROM entity_chunks", size.max(1));
        loop {
            // The borrow ends before `f` runs, which may ask the store.
            let rows = store
                .client
                .borrow_mut()
                .query(&fetch, &[])
                .map_err(sql_err(&fetch))?;
            if rows.is_empty() {
                break;
            }
            f(parse_entities(rows)?)?;
        }
        Ok(())
    })();
    let closed = batch("CLOSE entity_chunks");
    if own_transaction {
        batch("COMMIT")?;
    }
    result.and(closed)
}

/// The import log and every revision, each with its record.
pub(super) fn log(client: &mut Client) -> Result<crate::store::copy::History, StoreError> {
    use crate::store::copy::{History, ImportEntry, RevisionEntry};
    const IMPORTS: &str = "SELECT id, at, files FROM imports ORDER BY id";
    // An entity's current revision is its row (its record `None` here).
    const REVISIONS: &str = "SELECT * FROM (SELECT record_kind, record_id, rev, import_id, record \
                             FROM revisions UNION ALL SELECT 'entity', id, rev, import_id, NULL \
                             FROM entities) r \
                             ORDER BY record_kind COLLATE \"C\", record_id COLLATE \"C\", rev";
    let imports = client
        .query(IMPORTS, &[])
        .map_err(sql_err(IMPORTS))?
        .iter()
        .map(|r| ImportEntry {
            id: r.get(0),
            at: r.get(1),
            files: r.get(2),
        })
        .collect();
    let revisions = client
        .query(REVISIONS, &[])
        .map_err(sql_err(REVISIONS))?
        .iter()
        .map(|r| RevisionEntry {
            kind: r.get(0),
            id: r.get(1),
            rev: r.get::<_, i32>(2) as u32,
            import_id: r.get(3),
            record: r.get(4),
        })
        .collect();
    let web = super::web::web_rows(client)?;
    Ok(History {
        imports,
        revisions,
        web,
    })
}
