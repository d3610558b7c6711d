//! Reading records back from the SQLite store.

use super::{SqliteStore, sql_err};
use crate::model::{Contact, District, Entity, Level, Relation, Vocabulary};
use crate::store::entity_row::{COLUMNS, StoredEntity};
use crate::store::{AssignmentRow, EntityOrder, Revision, Snapshot, StoreError};
use rusqlite::Connection;
use serde::de::DeserializeOwned;

fn parse_record<T: DeserializeOwned>(
    what: &'static str,
    id: &str,
    json: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        what,
        id: id.to_string(),
        source: Box::new(e),
    })
}

/// Every row of a query without parameters, mapped by `row`.
pub(super) fn rows<T>(
    conn: &Connection,
    query: &str,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare(query).map_err(sql_err(query))?;
    stmt.query_map([], row)
        .map_err(sql_err(query))?
        .collect::<Result<_, _>>()
        .map_err(sql_err(query))
}

/// The `(id, record)` rows a query returns, not yet parsed.
fn id_records(conn: &Connection, query: &str) -> Result<Vec<(String, String)>, StoreError> {
    rows(conn, query, |r| Ok((r.get(0)?, r.get(1)?)))
}

/// Parses `(id, record)` rows on every core, in their order.
fn parse_all<T: DeserializeOwned + Send>(
    what: &'static str,
    rows: Vec<(String, String)>,
) -> Result<Vec<T>, StoreError> {
    use rayon::prelude::*;
    rows.into_par_iter()
        .map(|(id, json)| parse_record(what, &id, &json))
        .collect()
}

/// The records an `(id, record)` query returns.
fn records<T: DeserializeOwned + Send>(
    conn: &Connection,
    what: &'static str,
    query: &str,
) -> Result<Vec<T>, StoreError> {
    parse_all(what, id_records(conn, query)?)
}

/// Parses entity rows on every core, in their order.
fn parse_entities(rows: Vec<StoredEntity>) -> Result<Vec<Entity>, StoreError> {
    use rayon::prelude::*;
    rows.into_par_iter()
        .map(StoredEntity::into_entity)
        .collect()
}

/// The entities a query selecting [`COLUMNS`] returns.
fn entities(conn: &Connection, query: &str) -> Result<Vec<Entity>, StoreError> {
    parse_entities(rows(conn, query, StoredEntity::from_row)?)
}

pub(super) fn snapshot(store: &SqliteStore) -> Result<Snapshot, StoreError> {
    let conn = &store.conn;
    let entities = entities(conn, &format!("SELECT {COLUMNS} FROM entities ORDER BY id"))?;
    let relations = relations(conn, "", &[])?;
    let contacts = contacts(conn, "", &[])?;

    Ok(Snapshot {
        entities,
        relations,
        contacts,
        ..frame(store)?
    })
}

pub(super) fn history(
    conn: &Connection,
    record_kind: &str,
    id: &str,
) -> Result<Vec<Revision>, StoreError> {
    // The current revision's record is its row (see write.rs): a district's
    // `record`, an entity's columns and `record` (read below); an entity's
    // current revision is not in `revisions` but in its row.
    const Q: &str = "SELECT r.rev, i.at, r.import_id, i.files, coalesce(r.record, \
                     CASE r.record_kind WHEN 'district' THEN (SELECT record FROM districts WHERE id = r.record_id) END) \
                     FROM revisions r JOIN imports i ON i.id = r.import_id \
                     WHERE r.record_kind = ?1 AND r.record_id = ?2 \
                     UNION ALL SELECT e.rev, i.at, e.import_id, i.files, NULL \
                     FROM entities e JOIN imports i ON i.id = e.import_id \
                     WHERE ?1 = 'entity' AND e.id = ?2 ORDER BY 1";
    let mut stmt = conn.prepare(Q).map_err(sql_err(Q))?;
    let rows = stmt
        .query_map([record_kind, id], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })
        .map_err(sql_err(Q))?;
    let mut out = Vec::new();
    for row in rows {
        let (rev, recorded_at, import_id, files, record) = row.map_err(sql_err(Q))?;
        let record = match record {
            Some(json) => parse_record("revision", id, &json)?,
            None => {
                let entity = stored_entity(conn, id)?.ok_or_else(|| StoreError::Corrupt {
                    what: "revision",
                    id: format!("{id} #{rev}"),
                    source: "the current revision has no record".into(),
                })?;
                serde_json::to_value(entity).expect("entities serialise")
            }
        };
        out.push(Revision {
            rev,
            recorded_at,
            import_id,
            files: parse_record("import", &import_id.to_string(), &files)?,
            record,
        });
    }
    Ok(out)
}

pub(super) fn assignments(conn: &Connection) -> Result<Vec<AssignmentRow>, StoreError> {
    const Q: &str = "SELECT entity_id, level, district_id FROM entity_districts ORDER BY fid";
    rows(conn, Q, |r| {
        Ok(AssignmentRow {
            entity_id: r.get(0)?,
            level: r.get(1)?,
            district_id: r.get(2)?,
        })
    })
}

/// Every relation, in stored order.
pub(super) fn all_relations(conn: &Connection) -> Result<Vec<Relation>, StoreError> {
    relations(conn, "", &[])
}

/// Every entity of a kind, by id.
pub(super) fn entities_of_kind(
    conn: &Connection,
    kind: crate::model::EntityKind,
) -> Result<Vec<Entity>, StoreError> {
    // `as_str` is one of four fixed words, not input.
    let q = format!(
        "SELECT {COLUMNS} FROM entities WHERE kind = '{}' ORDER BY id",
        kind.as_str()
    );
    entities(conn, &q)
}

/// Relations, optionally narrowed by a `WHERE` clause over `from_id`/`to_id`.
fn relations(
    conn: &Connection,
    filter: &str,
    params: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Relation>, StoreError> {
    let q =
        format!("SELECT from_id, to_id, role, field, source FROM relations {filter} ORDER BY fid");
    let mut stmt = conn.prepare(&q).map_err(sql_err(&q))?;
    let raw = stmt
        .query_map(params, |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(sql_err(&q))?;
    let mut relations = Vec::with_capacity(raw.len());
    for (from, to, role, field, source) in raw {
        let role = role.parse().map_err(|e: String| StoreError::Corrupt {
            what: "relation",
            id: format!("{from} -> {to}"),
            source: e.into(),
        })?;
        relations.push(Relation {
            from,
            to,
            role,
            field: (!field.is_empty()).then_some(field),
            source,
        });
    }
    Ok(relations)
}

/// Every contact.
pub(super) fn all_contacts(conn: &Connection) -> Result<Vec<Contact>, StoreError> {
    contacts(conn, "", &[])
}

/// Contacts, optionally narrowed by a `WHERE` clause over `entity_id`.
fn contacts(
    conn: &Connection,
    filter: &str,
    params: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Contact>, StoreError> {
    let q = format!(
        "SELECT entity_id, name, role, email, phone FROM contacts {filter} ORDER BY entity_id, name"
    );
    let mut stmt = conn.prepare(&q).map_err(sql_err(&q))?;
    stmt.query_map(params, |r| {
        Ok(Contact {
            entity: r.get(0)?,
            name: r.get(1)?,
            role: r.get(2)?,
            email: r.get(3)?,
            phone: r.get(4)?,
        })
    })
    .and_then(Iterator::collect::<Result<Vec<_>, _>>)
    .map_err(sql_err(&q))
}

/// The relations from or to an entity.
pub(super) fn relations_of(conn: &Connection, id: &str) -> Result<Vec<Relation>, StoreError> {
    relations(conn, "WHERE from_id = ?1 OR to_id = ?1", &[&id])
}

/// The contacts of an entity.
pub(super) fn contacts_of(conn: &Connection, id: &str) -> Result<Vec<Contact>, StoreError> {
    contacts(conn, "WHERE entity_id = ?1", &[&id])
}

/// The stored assignments of these entities, through the key's index.
pub(super) fn assignments_of(
    conn: &Connection,
    ids: &[&str],
) -> Result<Vec<AssignmentRow>, StoreError> {
    const Q: &str =
        "SELECT entity_id, level, district_id FROM entity_districts WHERE entity_id = ?1";
    let tx = conn.unchecked_transaction().map_err(sql_err("BEGIN"))?;
    let mut out = Vec::new();
    {
        let mut stmt = tx.prepare_cached(Q).map_err(sql_err(Q))?;
        for id in ids {
            let found = stmt
                .query_map([id], |r| {
                    Ok(AssignmentRow {
                        entity_id: r.get(0)?,
                        level: r.get(1)?,
                        district_id: r.get(2)?,
                    })
                })
                .and_then(Iterator::collect::<Result<Vec<_>, _>>)
                .map_err(sql_err(Q))?;
            out.extend(found);
        }
    }
    tx.finish().map_err(sql_err("COMMIT"))?;
    Ok(out)
}

/// The entities whose website, lower case, contains one of `websites`:
/// one pass over the website column, then the rows found.
pub(super) fn entities_with_websites(
    conn: &Connection,
    websites: &[String],
) -> Result<Vec<Entity>, StoreError> {
    const Q: &str = "SELECT id, website FROM entities WHERE website IS NOT NULL AND website <> ''";
    let ids: Vec<String> = rows(conn, Q, |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?
    .into_iter()
    .filter(|(_, w)| {
        let w = w.to_lowercase();
        websites.iter().any(|x| w.contains(x.as_str()))
    })
    .map(|(id, _)| id)
    .collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    entities_by_id(conn, &ids)
}

/// Everything but the entities, their relations and contacts.
pub(super) fn frame(store: &SqliteStore) -> Result<Snapshot, StoreError> {
    let conn = &store.conn;
    let districts: Vec<District> = records(
        conn,
        "district",
        "SELECT id, record FROM districts ORDER BY fid",
    )?;
    const LEVELS: &str = "SELECT level, rank FROM district_levels ORDER BY rank";
    let levels = rows(conn, LEVELS, |r| {
        Ok(Level {
            id: r.get(0)?,
            rank: r.get(1)?,
        })
    })?;
    let vocabulary = match store.meta("vocabulary")? {
        Some(json) => Some(parse_record::<Vocabulary>(
            "vocabulary",
            "vocabulary",
            &json,
        )?),
        None => None,
    };
    Ok(Snapshot {
        districts,
        levels,
        vocabulary,
        default_level: store.meta("default_level")?,
        ..Snapshot::default()
    })
}

/// The entities with these ids (unknown ids are skipped), in the order asked.
pub(super) fn entities_by_id(conn: &Connection, ids: &[&str]) -> Result<Vec<Entity>, StoreError> {
    // One read transaction for all lookups, not one per statement.
    let tx = conn.unchecked_transaction().map_err(sql_err("BEGIN"))?;
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        found.extend(stored_entity(&tx, id)?);
    }
    tx.finish().map_err(sql_err("COMMIT"))?;
    Ok(found)
}

/// Entities whose point lies in one of the lon/lat boxes and passes `keep`, found
/// through the grid index (see [`super::grid`]), and every entity located by
/// an area only (few; the caller measures them).
pub(super) fn entities_in_boxes(
    conn: &Connection,
    boxes: &[crate::store::LonLatBox],
    keep: &dyn Fn(f64, f64) -> bool,
    mapping: Mapping,
) -> Result<Vec<Entity>, StoreError> {
    let mut all = Vec::new();
    for_each_in_boxes(conn, boxes, keep, mapping, usize::MAX, &mut |chunk| {
        all.extend(chunk);
        Ok(())
    })?;
    Ok(all)
}

/// [`entities_in_boxes`] handed to `f` at most `size` at a time (the
/// points' records, in file order, then those located by an area).
pub(super) fn for_each_in_boxes(
    conn: &Connection,
    boxes: &[crate::store::LonLatBox],
    keep: &dyn Fn(f64, f64) -> bool,
    mapping: Mapping,
    size: usize,
    f: &mut (dyn FnMut(Vec<Entity>) -> Result<(), StoreError> + Send),
) -> Result<(), StoreError> {
    const ALL: &str = "SELECT fid, lon, lat FROM entity_cells";
    const RANGE: &str = "SELECT fid, lon, lat FROM entity_cells WHERE cell BETWEEN ?1 AND ?2";
    // One read transaction for all lookups, not one per statement.
    let tx = conn.unchecked_transaction().map_err(sql_err("BEGIN"))?;
    let mut fids: Vec<i64> = Vec::new();
    let mut scan = |q: &str,
                    params: &[&dyn rusqlite::ToSql],
                    (min, max): ((f64, f64), (f64, f64))|
     -> Result<(), StoreError> {
        let inside = |lon: f64, lat: f64| {
            min.0 <= lon && lon <= max.0 && min.1 <= lat && lat <= max.1 && keep(lon, lat)
        };
        let mut stmt = tx.prepare_cached(q).map_err(sql_err(q))?;
        let mut rows = stmt.query(params).map_err(sql_err(q))?;
        while let Some(row) = rows.next().map_err(sql_err(q))? {
            let (fid, lon, lat): (i64, f64, f64) = (
                row.get(0).map_err(sql_err(q))?,
                row.get(1).map_err(sql_err(q))?,
                row.get(2).map_err(sql_err(q))?,
            );
            if inside(lon, lat) {
                fids.push(fid);
            }
        }
        Ok(())
    };
    for &(min, max) in boxes {
        match super::grid::ranges(min, max) {
            Some(ranges) => {
                for (a, b) in ranges {
                    scan(RANGE, &[&a, &b], (min, max))?;
                }
            }
            None => scan(ALL, &[], (min, max))?,
        }
    }
    // In file order, so that neighbouring records share pages; a record
    // in several boxes once.
    fids.sort_unstable();
    fids.dedup();
    let by_fid = format!("SELECT {COLUMNS} FROM entities WHERE fid = ?1");
    {
        let mapped = Mapped::new(&tx, mapping, fids.len())?;
        let mut stmt = tx.prepare(&by_fid).map_err(sql_err(&by_fid))?;
        for part in fids.chunks(size.max(1)) {
            let mut rows = Vec::with_capacity(part.len());
            for &fid in part {
                rows.extend(entity_rows(&mut stmt, fid).map_err(sql_err(&by_fid))?);
            }
            f(parse_entities(rows)?)?;
        }
        drop(stmt);
        mapped.end()?;
    }
    // CROSS JOIN keeps SQLite from scanning all entities for the few areas.
    let areas = format!(
        "SELECT {COLUMNS} FROM entities WHERE fid IN (SELECT e.fid FROM entity_areas a \
         CROSS JOIN entities e ON e.id = a.entity_id WHERE e.geom IS NULL) ORDER BY fid"
    );
    let rows = self::rows(&tx, &areas, StoredEntity::from_row)?;
    tx.finish().map_err(sql_err("COMMIT"))?;
    if !rows.is_empty() {
        f(parse_entities(rows)?)?;
    }
    Ok(())
}

/// How [`entities_in_boxes`] reads the records it fetches one by one.
///
/// A neighbourhood's records lie one or two to a 64 KiB page (the store's
/// page size, for its bulk loads). Read through a memory map, each costs
/// the bytes it is made of, not a copy of its page (10^6, 500 m, 7,134
/// answers: `near` 141 → 70 ms), but every page touched stays mapped, and
/// counts in the process's resident memory, until the read ends (that
/// `near`: 73 → 274 MB of which 200 MB are the file's cached pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mapping {
    /// For a question, whose answer is what it reads.
    Mapped,
    /// For an import comparing its rows with their neighbours: its memory
    /// stays what it copies (10 rows into a 10^6 store: 71 MB, 248 MB mapped).
    Copied,
}

/// The file mapped while this lives (see [`Mapping`]).
struct Mapped<'c> {
    conn: Option<&'c Connection>,
}

impl<'c> Mapped<'c> {
    const SIZE: &'static str = "PRAGMA mmap_size = 2147418112";
    const NONE: &'static str = "PRAGMA mmap_size = 0";
    /// Fewer records are not worth a mapping.
    const FEW: usize = 256;

    fn new(conn: &'c Connection, mapping: Mapping, records: usize) -> Result<Self, StoreError> {
        if mapping == Mapping::Copied || records < Self::FEW {
            return Ok(Self { conn: None });
        }
        conn.execute_batch(Self::SIZE)
            .map_err(sql_err(Self::SIZE))?;
        Ok(Self { conn: Some(conn) })
    }

    /// Unmaps the file (also when dropped, then without a word on failure).
    fn end(mut self) -> Result<(), StoreError> {
        match self.conn.take() {
            Some(conn) => conn.execute_batch(Self::NONE).map_err(sql_err(Self::NONE)),
            None => Ok(()),
        }
    }
}

impl Drop for Mapped<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let _ = conn.execute_batch(Self::NONE);
        }
    }
}

/// Entities without a point (areas, named districts, city-wide).
pub(super) fn entities_without_point(conn: &Connection) -> Result<Vec<Entity>, StoreError> {
    let query = format!(
        "SELECT {COLUMNS} FROM entities INDEXED BY entities_unpointed \
         WHERE geom IS NULL AND kind >= '' ORDER BY fid"
    );
    entities(conn, &query)
}

/// How many rows of a listing are read at once, in row-number order.
const LISTED_BLOCK: usize = 32_768;

/// All entities, `size` at a time, in `order`.
///
/// SQLite reads the rows on this thread while another parses the previous
/// chunk and hands it to `f`: the reading, a tenth of a microsecond per
/// column, would otherwise wait for the parsing and `f`, and they for it.
/// In [`EntityOrder::Listed`] and [`EntityOrder::ById`] the rows' keys are
/// sorted first (SQLite's sorter would otherwise hold whole rows) and the
/// rows then read by row number.
pub(super) fn for_each_entity_chunk(
    conn: &Connection,
    size: usize,
    order: EntityOrder,
    f: &mut (dyn FnMut(Vec<Entity>) -> Result<(), StoreError> + Send),
) -> Result<(), StoreError> {
    let q = match order {
        EntityOrder::Stored | EntityOrder::Written => {
            format!("SELECT {COLUMNS} FROM entities ORDER BY fid")
        }
        EntityOrder::Listed | EntityOrder::ById => {
            format!("SELECT {COLUMNS} FROM entities WHERE fid = ?1")
        }
    };
    // The keys and the rows they name from one snapshot of the store (an
    // import between them would otherwise drop or change rows), and one
    // read lock, not one per row (unless the caller holds a transaction).
    let _snapshot = match order {
        EntityOrder::Listed | EntityOrder::ById if conn.is_autocommit() => {
            Some(conn.unchecked_transaction().map_err(sql_err("BEGIN"))?)
        }
        _ => None,
    };
    let fids: Vec<i64> = match order {
        EntityOrder::Stored | EntityOrder::Written => Vec::new(),
        EntityOrder::Listed | EntityOrder::ById => {
            let keys = if order == EntityOrder::ById {
                "SELECT fid FROM entities ORDER BY id".to_string()
            } else {
                format!(
                    "SELECT fid FROM entities ORDER BY {}, name, id",
                    EntityOrder::kind_rank_sql()
                )
            };
            let mut stmt = conn.prepare(&keys).map_err(sql_err(&keys))?;
            stmt.query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect())
                .map_err(sql_err(&keys))?
        }
    };
    let mut stmt = conn.prepare(&q).map_err(sql_err(&q))?;
    let (chunks, received) = std::sync::mpsc::sync_channel::<Vec<StoredEntity>>(1);
    std::thread::scope(|scope| {
        let consumer = scope.spawn(move || {
            received
                .into_iter()
                .try_for_each(|chunk| f(parse_entities(chunk)?))
        });
        let mut read = || -> Result<(), StoreError> {
            let mut chunk = Vec::with_capacity(size);
            // False once the consumer stopped (its result says why).
            let mut pass = |e: StoredEntity| -> bool {
                chunk.push(e);
                if chunk.len() < size {
                    return true;
                }
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(size));
                chunks.send(full).is_ok()
            };
            match order {
                EntityOrder::Stored | EntityOrder::Written => {
                    let mut rows = stmt.query([]).map_err(sql_err(&q))?;
                    while let Some(row) = rows.next().map_err(sql_err(&q))? {
                        if !pass(StoredEntity::from_row(row).map_err(sql_err(&q))?) {
                            return Ok(());
                        }
                    }
                }
                EntityOrder::Listed | EntityOrder::ById => {
                    // A block of the listing is read in row-number order, so
                    // that each page is read once per block, not once per
                    // row (a 10^6 listing copied ~60 GB of 64 KiB pages).
                    for block in fids.chunks(LISTED_BLOCK) {
                        let mut by_fid: Vec<(i64, usize)> =
                            block.iter().enumerate().map(|(k, &fid)| (fid, k)).collect();
                        by_fid.sort_unstable();
                        let mut read: Vec<Option<StoredEntity>> =
                            std::iter::repeat_with(|| None).take(block.len()).collect();
                        for (fid, k) in by_fid {
                            let mut rows = stmt.query([fid]).map_err(sql_err(&q))?;
                            if let Some(row) = rows.next().map_err(sql_err(&q))? {
                                read[k] = Some(StoredEntity::from_row(row).map_err(sql_err(&q))?);
                            }
                        }
                        for e in read.into_iter().flatten() {
                            if !pass(e) {
                                return Ok(());
                            }
                        }
                    }
                }
            }
            if !chunk.is_empty() {
                let _ = chunks.send(chunk);
            }
            Ok(())
        };
        let read = read();
        drop(chunks);
        let consumed = consumer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        read.and(consumed)
    })
}

/// The entity rows `stmt` (selecting [`COLUMNS`]) returns for `param`, not
/// yet parsed.
fn entity_rows(
    stmt: &mut rusqlite::Statement<'_>,
    param: impl rusqlite::ToSql,
) -> rusqlite::Result<Vec<StoredEntity>> {
    stmt.query_map([param], StoredEntity::from_row)?.collect()
}

/// The stored entity with this id, if any (within the caller's transaction,
/// if it has one).
pub(super) fn stored_entity(conn: &Connection, id: &str) -> Result<Option<Entity>, StoreError> {
    static BY_ID: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("SELECT {COLUMNS} FROM entities WHERE id = ?1"));
    let mut stmt = conn.prepare_cached(&BY_ID).map_err(sql_err(&BY_ID))?;
    let row = entity_rows(&mut stmt, id).map_err(sql_err(&BY_ID))?.pop();
    row.map(StoredEntity::into_entity).transpose()
}

/// The import log and every revision; a current revision's record is
/// `None` (it is the record's row; an entity's current revision is read
/// from its row too).
pub(super) fn log(conn: &Connection) -> Result<crate::store::copy::History, StoreError> {
    use crate::store::copy::{History, ImportEntry, RevisionEntry};
    const IMPORTS: &str = "SELECT id, at, files FROM imports ORDER BY id";
    const REVISIONS: &str = "SELECT record_kind, record_id, rev, import_id, record FROM revisions \
                             UNION ALL SELECT 'entity', id, rev, import_id, NULL FROM entities \
                             ORDER BY 1, 2, 3";
    Ok(History {
        imports: rows(conn, IMPORTS, |r| {
            Ok(ImportEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                files: r.get(2)?,
            })
        })?,
        revisions: rows(conn, REVISIONS, |r| {
            Ok(RevisionEntry {
                kind: r.get(0)?,
                id: r.get(1)?,
                rev: r.get(2)?,
                import_id: r.get(3)?,
                record: r.get(4)?,
            })
        })?,
        web: super::web::web_rows(conn)?,
    })
}

impl StoredEntity {
    /// Reads the [`COLUMNS`] of a row.
    pub(super) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            name: r.get(1)?,
            kind: r.get(2)?,
            category: r.get(3)?,
            status: r.get(4)?,
            address: r.get(5)?,
            website: r.get(6)?,
            source: r.get(7)?,
            verified_on: r.get(8)?,
            visibility: r.get(9)?,
            lon: r.get(10)?,
            lat: r.get(11)?,
            record: r.get(12)?,
        })
    }
}
