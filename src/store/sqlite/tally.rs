//! The SQLite side of [`crate::store::tally`]: the `entity_tallies` table,
//! written whole for a new store, kept by deltas for small imports, rebuilt
//! in SQL after a large one.
//!
//! A profile is stored as its JSON (one serializer, [`profile_json`], writes
//! every key, also inside SQL through `stadtatlas_profile`), so that equal
//! profiles meet on the table's key.

use super::bulk::{RowInserter, Value};
use super::sql_err;
use crate::store::tally::{Place, Profile, Tally, count};
use crate::store::{ChangeSet, StoreError};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension, Transaction};
use std::collections::{BTreeSet, HashMap};

/// The table; `level` and `district_id` are empty for the entity totals.
pub const TABLE: &str = r#"
CREATE TABLE IF NOT EXISTS entity_tallies (
  level TEXT NOT NULL,
  district_id TEXT NOT NULL,
  profile TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (level, district_id, profile)
) WITHOUT ROWID;
"#;

/// Above this many changed entities one import rebuilds the table instead of
/// reading each entity before and after (a rebuild of 10^6 takes seconds;
/// reading one entity twice, some 20 µs).
const REBUILD_ABOVE: usize = 50_000;

/// The key a profile is stored under.
pub(super) fn profile_json(p: &Profile) -> String {
    serde_json::to_string(p).expect("profiles serialise")
}

/// `stadtatlas_profile(kind, category, status, visibility, record)`: the
/// stored key of an `entities` row's profile (its fields are read from
/// `record`: the `fields` column joins them with `;`, which a field may hold).
fn register_profile_function(conn: &Connection) -> Result<(), StoreError> {
    #[derive(serde::Deserialize)]
    struct Fields {
        #[serde(default)]
        fields: Vec<String>,
    }
    conn.create_scalar_function(
        "stadtatlas_profile",
        5,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text = |i: usize| ctx.get::<Option<String>>(i);
            let bad = |what: &str, e: String| {
                rusqlite::Error::UserFunctionError(format!("entity {what}: {e}").into())
            };
            let kind = text(0)?.unwrap_or_default();
            let record = text(4)?.unwrap_or_default();
            let fields: Fields = serde_json::from_str(&record)
                .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
            let profile = Profile {
                kind: kind.parse().map_err(|e| bad("kind", e))?,
                category: text(1)?,
                status: text(2)?
                    .map(|s| s.parse())
                    .transpose()
                    .map_err(|e| bad("status", e))?,
                fields: fields.fields,
                visibility: text(3)?
                    .unwrap_or_default()
                    .parse()
                    .map_err(|e| bad("visibility", e))?,
            };
            Ok(profile_json(&profile))
        },
    )
    .map_err(sql_err("create function stadtatlas_profile"))
}

/// A new store's counts as the table keeps them — (level, district id,
/// profile JSON, n) — in key order: made where they are counted (on a
/// thread of their own while a new store's rows are written), so that the
/// writer only appends them (10^5 partners: 13,000 keys, upserted one at a
/// time in hash order before, 6 % of the writing thread).
pub(super) struct NewRows(Vec<(Key, i64)>);

/// A count's key: level, district id, profile JSON.
type Key = (String, String, String);

impl NewRows {
    pub(super) fn of(tallies: Vec<Tally>) -> Self {
        let mut rows: Vec<_> = tallies
            .into_iter()
            .map(|t| {
                let (level, district) = match t.place {
                    Place::Entities => (String::new(), String::new()),
                    Place::District { level, district_id } => (level, district_id),
                };
                ((level, district, profile_json(&t.profile)), t.n as i64)
            })
            .collect();
        rows.sort_unstable();
        Self(rows)
    }
}

/// Fills the table of a store that had no entities with the counts of the
/// records an import brings ([`count`], [`NewRows`]).
pub(super) fn write_new(tx: &Transaction<'_>, rows: &NewRows) -> Result<(), StoreError> {
    adder(tx).insert(&rows.0, row_values)
}

/// The values of a row of [`adder`].
fn row_values(((level, district, profile), n): &(Key, i64)) -> [Value<'_>; 4] {
    [
        Value::from(level),
        Value::from(district),
        Value::from(profile),
        Value::from(*n),
    ]
}

/// Adds `n` to the count of each key (level, district id, profile JSON)
/// it is given rows of.
fn adder<'t>(tx: &'t Transaction<'_>) -> RowInserter<'t, 4> {
    RowInserter::new(
        tx,
        "entity_tallies",
        &["level", "district_id", "profile", "n"],
        "ON CONFLICT (level, district_id, profile) DO UPDATE SET n = n + excluded.n",
    )
}

/// What an import into an existing store does to the counts: the entities
/// it touches, counted before it writes, or a rebuild after.
pub(super) enum Pending {
    Rebuild,
    /// The store holds no entities yet: count the import's own.
    FirstEntities,
    Entities {
        ids: Vec<String>,
        before: HashMap<Key, i64>,
    },
}

impl Pending {
    /// Reads the state of every entity `changes` touches (its record or its
    /// assignments), before they are written.
    pub(super) fn before(tx: &Transaction<'_>, changes: &ChangeSet) -> Result<Self, StoreError> {
        use crate::store::Assignments;
        let mut ids: BTreeSet<&str> = changes.entities.iter().map(|e| e.id.as_str()).collect();
        match &changes.assignments {
            Some(Assignments::All(_)) => return Ok(Pending::Rebuild),
            Some(Assignments::Of { entities, .. }) => {
                ids.extend(entities.iter().map(String::as_str))
            }
            None => {}
        }
        if !exists(tx)? {
            return Ok(Pending::Rebuild);
        }
        if ids.len() > REBUILD_ABOVE {
            const ANY: &str = "SELECT EXISTS (SELECT 1 FROM entities)";
            let any: bool = tx.query_row(ANY, [], |r| r.get(0)).map_err(sql_err(ANY))?;
            return Ok(if any {
                Pending::Rebuild
            } else {
                Pending::FirstEntities
            });
        }
        let ids: Vec<String> = ids.into_iter().map(str::to_string).collect();
        let mut before = HashMap::new();
        state(tx, &ids, -1, &mut before)?;
        Ok(Pending::Entities { ids, before })
    }

    /// Brings the counts up to date after the import's writes.
    pub(super) fn after(self, tx: &Transaction<'_>, changes: &ChangeSet) -> Result<(), StoreError> {
        match self {
            Pending::Rebuild => rebuild(tx),
            Pending::FirstEntities => write_new(
                tx,
                &NewRows::of(count(&changes.entities, changes.assignment_rows())),
            ),
            Pending::Entities { ids, mut before } => {
                state(tx, &ids, 1, &mut before)?;
                let changed: Vec<_> = before.into_iter().filter(|(_, n)| *n != 0).collect();
                // One row per statement, as into any store that holds rows.
                adder(tx).one_row_each().insert(&changed, row_values)?;
                const ZERO: &str = "DELETE FROM entity_tallies WHERE n = 0";
                tx.execute(ZERO, []).map_err(sql_err(ZERO))?;
                Ok(())
            }
        }
    }
}

/// Adds `sign` × the contribution of each of these entities as stored now.
fn state(
    tx: &Transaction<'_>,
    ids: &[String],
    sign: i64,
    into: &mut HashMap<Key, i64>,
) -> Result<(), StoreError> {
    register_profile_function(tx)?;
    const PROFILE: &str = "SELECT stadtatlas_profile(kind, category, status, visibility, record) \
                           FROM entities WHERE id = ?1";
    const ROWS: &str = "SELECT level, district_id FROM entity_districts WHERE entity_id = ?1";
    let mut profile = tx.prepare_cached(PROFILE).map_err(sql_err(PROFILE))?;
    let mut rows = tx.prepare_cached(ROWS).map_err(sql_err(ROWS))?;
    for id in ids {
        let Some(p): Option<String> = profile
            .query_row([id], |r| r.get(0))
            .optional()
            .map_err(sql_err(PROFILE))?
        else {
            continue;
        };
        *into
            .entry((String::new(), String::new(), p.clone()))
            .or_default() += sign;
        let places = rows
            .query_map([id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .and_then(Iterator::collect::<Result<Vec<_>, _>>)
            .map_err(sql_err(ROWS))?;
        for (level, district) in places {
            *into.entry((level, district, p.clone())).or_default() += sign;
        }
    }
    Ok(())
}

/// Counts everything again from the stored entities and assignments.
pub(super) fn rebuild(tx: &Transaction<'_>) -> Result<(), StoreError> {
    register_profile_function(tx)?;
    let steps = [
        TABLE,
        "DELETE FROM entity_tallies",
        "CREATE TEMP TABLE tally_profiles AS \
         SELECT id, stadtatlas_profile(kind, category, status, visibility, record) AS profile FROM entities",
        "CREATE UNIQUE INDEX temp.tally_profiles_id ON tally_profiles (id)",
        "INSERT INTO entity_tallies (level, district_id, profile, n) \
         SELECT '', '', profile, count(*) FROM tally_profiles GROUP BY profile",
        "INSERT INTO entity_tallies (level, district_id, profile, n) \
         SELECT d.level, d.district_id, p.profile, count(*) FROM entity_districts d \
         JOIN tally_profiles p ON p.id = d.entity_id GROUP BY 1, 2, 3",
        "DROP TABLE temp.tally_profiles",
    ];
    for q in steps {
        tx.execute_batch(q).map_err(sql_err(q))?;
    }
    Ok(())
}

/// Whether the store keeps the counts (a store of an older version opened
/// read-only does not).
fn exists(conn: &Connection) -> Result<bool, StoreError> {
    const Q: &str = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entity_tallies')";
    conn.query_row(Q, [], |r| r.get(0)).map_err(sql_err(Q))
}

/// The counts at a level, or the entity totals; `None` without the table.
pub(super) fn read(
    conn: &Connection,
    level: Option<&str>,
) -> Result<Option<Vec<Tally>>, StoreError> {
    if !exists(conn)? {
        return Ok(None);
    }
    const Q: &str = "SELECT district_id, profile, n FROM entity_tallies WHERE level = ?1";
    let mut stmt = conn.prepare_cached(Q).map_err(sql_err(Q))?;
    let raw = stmt
        .query_map([level.unwrap_or("")], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(sql_err(Q))?;
    raw.into_iter()
        .map(|(district_id, profile, n)| {
            let corrupt = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Corrupt {
                what: "entity count",
                id: format!("{} {district_id} {profile}", level.unwrap_or("(entities)")),
                source: e,
            };
            let profile: Profile =
                serde_json::from_str(&profile).map_err(|e| corrupt(Box::new(e)))?;
            let n = u64::try_from(n).map_err(|_| corrupt(format!("count {n}").into()))?;
            let place = match level {
                None => Place::Entities,
                Some(level) => Place::District {
                    level: level.to_string(),
                    district_id,
                },
            };
            Ok(Tally { place, profile, n })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}
