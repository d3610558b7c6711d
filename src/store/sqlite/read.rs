//! Reading records back from the SQLite store.

use super::{SqliteStore, sql_err};
use crate::model::{Contact, District, Entity, Level, Relation, Vocabulary};
use crate::store::{AssignmentRow, Revision, Snapshot, StoreError};
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

fn records<T: DeserializeOwned>(
    conn: &Connection,
    what: &'static str,
    query: &str,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare(query).map_err(sql_err(query))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(sql_err(query))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, json) = row.map_err(sql_err(query))?;
        out.push(parse_record(what, &id, &json)?);
    }
    Ok(out)
}

pub(super) fn snapshot(store: &SqliteStore) -> Result<Snapshot, StoreError> {
    let conn = &store.conn;
    let entities: Vec<Entity> = records(
        conn,
        "entity",
        "SELECT id, record FROM entities ORDER BY id",
    )?;
    let districts: Vec<District> = records(
        conn,
        "district",
        "SELECT id, record FROM districts ORDER BY fid",
    )?;

    const LEVELS: &str = "SELECT level, rank FROM district_levels ORDER BY rank";
    let mut stmt = conn.prepare(LEVELS).map_err(sql_err(LEVELS))?;
    let levels = stmt
        .query_map([], |r| {
            Ok(Level {
                id: r.get(0)?,
                rank: r.get(1)?,
            })
        })
        .map_err(sql_err(LEVELS))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(sql_err(LEVELS))?;

    const RELATIONS: &str =
        "SELECT from_id, to_id, role, field, source FROM relations ORDER BY fid";
    let mut stmt = conn.prepare(RELATIONS).map_err(sql_err(RELATIONS))?;
    let raw = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })
        .map_err(sql_err(RELATIONS))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(sql_err(RELATIONS))?;
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

    const CONTACTS: &str =
        "SELECT entity_id, name, role, email, phone FROM contacts ORDER BY entity_id, name";
    let mut stmt = conn.prepare(CONTACTS).map_err(sql_err(CONTACTS))?;
    let contacts = stmt
        .query_map([], |r| {
            Ok(Contact {
                entity: r.get(0)?,
                name: r.get(1)?,
                role: r.get(2)?,
                email: r.get(3)?,
                phone: r.get(4)?,
            })
        })
        .map_err(sql_err(CONTACTS))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(sql_err(CONTACTS))?;

    let vocabulary = match store.meta("vocabulary")? {
        Some(json) => Some(parse_record::<Vocabulary>(
            "vocabulary",
            "vocabulary",
            &json,
        )?),
        None => None,
    };
    Ok(Snapshot {
        entities,
        districts,
        levels,
        relations,
        contacts,
        vocabulary,
        default_level: store.meta("default_level")?,
    })
}

pub(super) fn history(
    conn: &Connection,
    record_kind: &str,
    id: &str,
) -> Result<Vec<Revision>, StoreError> {
    const Q: &str = "SELECT r.rev, i.at, r.import_id, i.files, r.record \
                     FROM revisions r JOIN imports i ON i.id = r.import_id \
                     WHERE r.record_kind = ?1 AND r.record_id = ?2 ORDER BY r.rev";
    let mut stmt = conn.prepare(Q).map_err(sql_err(Q))?;
    let rows = stmt
        .query_map([record_kind, id], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .map_err(sql_err(Q))?;
    let mut out = Vec::new();
    for row in rows {
        let (rev, recorded_at, import_id, files, record) = row.map_err(sql_err(Q))?;
        out.push(Revision {
            rev,
            recorded_at,
            import_id,
            files: parse_record("import", &import_id.to_string(), &files)?,
            record: parse_record("revision", id, &record)?,
        });
    }
    Ok(out)
}

pub(super) fn assignments(conn: &Connection) -> Result<Vec<AssignmentRow>, StoreError> {
    const Q: &str = "SELECT entity_id, level, district_id FROM entity_districts ORDER BY fid";
    let mut stmt = conn.prepare(Q).map_err(sql_err(Q))?;
    stmt.query_map([], |r| {
        Ok(AssignmentRow {
            entity_id: r.get(0)?,
            level: r.get(1)?,
            district_id: r.get(2)?,
        })
    })
    .map_err(sql_err(Q))?
    .collect::<Result<Vec<_>, _>>()
    .map_err(sql_err(Q))
}
